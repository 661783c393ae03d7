/**
 * A signed bundle: a model or a rule set, its manifest (what, which version, for which gateways, the SHA-256 of
 * the content) and an Ed25519 signature over the manifest's canonical form. The content travels base64-encoded so
 * the whole bundle is one JSON document (an MQTT retained message, a Kafka record).
 *
 *   { "manifest": { "format": 1, "kind": "model", "name": "reefer-anomaly", "version": "4",
 *                   "targets": { "groups": ["reefers-eu"], "deviceClasses": ["reefer"] },
 *                   "contentSha256": "…hex…", "contentBytes": 18544, "createdAt": 1764630000000, "keyId": "…" },
 *     "content": "…base64…", "signature": "…base64…" }
 */
import { createHash } from "crypto";
import { canonicalJson } from "./canonical-json";
import { isVersion } from "./version";

export const BUNDLE_FORMAT = 1;
export const BUNDLE_KINDS = ["model", "rules"] as const;
export type BundleKind = (typeof BUNDLE_KINDS)[number];

export interface BundleTargets {
  /** gateway ids; empty or absent: any */
  gateways?: string[];
  /** gateway groups (a store, a fleet of trucks, "canary"); empty or absent: any */
  groups?: string[];
  /** device classes the content is for (reefer, cold-room, shelf); empty or absent: any */
  deviceClasses?: string[];
}

export interface BundleManifest {
  format: number;
  kind: BundleKind;
  name: string;
  version: string;
  targets: BundleTargets;
  contentSha256: string;
  contentBytes: number;
  createdAt?: number;
  /** which signing key (see keyIdOf): lets a gateway holding several keys name the one that is missing */
  keyId?: string;
  description?: string;
}

export interface SignedBundle {
  manifest: BundleManifest;
  content: string;
  signature: string;
}

/** why a bundle is not taken; `code` is stable (events and tests use it), `message` says it to a person */
export class BundleRefusal extends Error {
  override name = "BundleRefusal";
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
  }
}

export type RefusalCode = "malformed" | "too-large" | "content-mismatch" | "no-key" | "bad-signature" | "wrong-target" | "downgrade" | "same-version" | "rolled-back" | "not-active";

/** The bytes the signature covers: a domain prefix (a signature made for something else never verifies) + the manifest. */
export function signedBytes(manifest: BundleManifest): Buffer {
  return Buffer.from(`edge-ai-bundle-v1\n${canonicalJson(manifest)}`, "utf8");
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function stringList(value: unknown, field: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string" || v.length === 0 || v.length > 128) || value.length > 1000) {
    throw new BundleRefusal("malformed", `manifest.targets.${field} must be a list of names`);
  }
  return value as string[];
}

/** JSON text or a Buffer of it parsed (its size bounded first); anything else as it is */
export function bundleObject(input: unknown, maxBytes: number): unknown {
  let raw = input;
  // base64 makes content a third larger; the manifest and signature are small
  const limit = Math.ceil(maxBytes * 1.34) + 65536;
  if (Buffer.isBuffer(raw) || raw instanceof Uint8Array) {
    if (raw.length > limit) throw new BundleRefusal("too-large", `the bundle is ${raw.length} bytes, more than a bundle of ${maxBytes} bytes of content can be`);
    raw = Buffer.from(raw).toString("utf8");
  }
  if (typeof raw === "string") {
    if (raw.length > limit) throw new BundleRefusal("too-large", `the bundle is ${raw.length} characters, more than a bundle of ${maxBytes} bytes of content can be`);
    try {
      raw = JSON.parse(raw);
    } catch (err) {
      throw new BundleRefusal("malformed", `the bundle is not JSON: ${(err as Error).message}`);
    }
  }
  return raw;
}

/**
 * A bundle from what arrived (an object, JSON text or a Buffer of it), its shape checked: every field the gateway
 * relies on present and of its type. Says which field is wrong. Content larger than maxBytes is refused before it
 * is decoded.
 */
export function parseBundle(input: unknown, maxBytes: number): SignedBundle {
  const raw = bundleObject(input, maxBytes);
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new BundleRefusal("malformed", "a bundle is an object {manifest, content, signature}");
  const b = raw as Record<string, unknown>;
  const m = b.manifest as Record<string, unknown> | undefined;
  if (!m || typeof m !== "object" || Array.isArray(m)) throw new BundleRefusal("malformed", "the bundle has no manifest object");
  if (typeof b.content !== "string" || !BASE64.test(b.content)) throw new BundleRefusal("malformed", "bundle.content must be base64 text");
  if (typeof b.signature !== "string" || !BASE64.test(b.signature) || b.signature.length === 0) throw new BundleRefusal("malformed", "bundle.signature must be base64 text");
  if (m.format !== BUNDLE_FORMAT) throw new BundleRefusal("malformed", `manifest.format must be ${BUNDLE_FORMAT}, not ${JSON.stringify(m.format)}`);
  if (!BUNDLE_KINDS.includes(m.kind as BundleKind)) throw new BundleRefusal("malformed", `manifest.kind must be one of ${BUNDLE_KINDS.join(", ")}`);
  if (typeof m.name !== "string" || !NAME.test(m.name)) throw new BundleRefusal("malformed", "manifest.name must be 1–128 letters, digits, '.', '_' or '-'");
  if (!isVersion(m.version)) throw new BundleRefusal("malformed", `manifest.version must be dotted numbers such as "4" or "1.2.0", not ${JSON.stringify(m.version)}`);
  if (typeof m.contentSha256 !== "string" || !/^[0-9a-f]{64}$/.test(m.contentSha256)) throw new BundleRefusal("malformed", "manifest.contentSha256 must be 64 lower-case hex digits");
  if (typeof m.contentBytes !== "number" || !Number.isInteger(m.contentBytes) || m.contentBytes < 0) throw new BundleRefusal("malformed", "manifest.contentBytes must be a whole number");
  if (m.contentBytes > maxBytes) throw new BundleRefusal("too-large", `the content is ${m.contentBytes} bytes, more than the limit of ${maxBytes}`);
  const t = m.targets as Record<string, unknown> | undefined;
  if (!t || typeof t !== "object" || Array.isArray(t)) throw new BundleRefusal("malformed", "manifest.targets must be an object ({} targets every gateway)");
  stringList(t.gateways, "gateways");
  stringList(t.groups, "groups");
  stringList(t.deviceClasses, "deviceClasses");
  if (m.keyId !== undefined && typeof m.keyId !== "string") throw new BundleRefusal("malformed", "manifest.keyId must be text");
  if (m.createdAt !== undefined && (typeof m.createdAt !== "number" || !Number.isFinite(m.createdAt))) throw new BundleRefusal("malformed", "manifest.createdAt must be epoch milliseconds");
  // the manifest is kept as it came: every field, known or not, is under the signature
  return { manifest: m as unknown as BundleManifest, content: b.content, signature: b.signature };
}
