/**
 * Ed25519 keys and signatures for bundles (node:crypto). A public key is accepted as PEM (SPKI) or as the raw
 * 32 bytes in base64 or hex; its id is the first 16 hex digits of the SHA-256 of those raw bytes, so the signer
 * and every gateway name a key the same way.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, sign, verify } from "crypto";
import { BundleManifest, BundleRefusal, SignedBundle, sha256Hex, signedBytes } from "./bundle-format";

// DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): what precedes the 32 raw key bytes
const SPKI_ED25519_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

export interface PublicKey {
  id: string;
  key: KeyObject;
}

function rawOf(key: KeyObject): Buffer {
  const der = key.export({ format: "der", type: "spki" });
  return der.subarray(der.length - 32);
}

export function keyIdOf(key: KeyObject): string {
  return sha256Hex(rawOf(key)).slice(0, 16);
}

/** one public key from its text (PEM, base64 or hex of the 32 raw bytes); throws saying what is wrong */
export function parsePublicKey(text: string): PublicKey {
  const t = text.trim();
  let key: KeyObject;
  if (t.startsWith("-----BEGIN")) {
    key = createPublicKey(t);
  } else {
    const raw = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, "hex") : Buffer.from(t, "base64");
    if (raw.length !== 32) throw new Error(`an Ed25519 public key is 32 bytes; this one is ${raw.length}`);
    key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: "der", type: "spki" });
  }
  if (key.asymmetricKeyType !== "ed25519") throw new Error(`the key is ${key.asymmetricKeyType}, not Ed25519`);
  return { id: keyIdOf(key), key };
}

/** the public keys in a text field: one per line (PEM blocks whole), blank lines and # comments ignored */
export function parsePublicKeys(text: string | undefined): PublicKey[] {
  if (!text) return [];
  const keys: PublicKey[] = [];
  const pem = /-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----/g;
  for (const block of text.match(pem) ?? []) keys.push(parsePublicKey(block));
  for (const line of text.replace(pem, "").split(/\r?\n/)) {
    const l = line.trim();
    if (l && !l.startsWith("#")) keys.push(parsePublicKey(l));
  }
  return keys;
}

/**
 * Checks the content against the manifest's hash and the signature against the keys. Throws a BundleRefusal
 * naming the failure; returns the content bytes and the id of the key that verified it.
 */
export function verifyBundle(bundle: SignedBundle, keys: PublicKey[]): { content: Buffer; keyId: string } {
  if (keys.length === 0) throw new BundleRefusal("no-key", "no public key is configured to verify bundles with");
  const content = Buffer.from(bundle.content, "base64");
  if (content.length !== bundle.manifest.contentBytes || sha256Hex(content) !== bundle.manifest.contentSha256) {
    throw new BundleRefusal("content-mismatch", `the content does not match the manifest (${content.length} bytes, SHA-256 ${sha256Hex(content).slice(0, 16)}…; the manifest says ${bundle.manifest.contentBytes} bytes, ${bundle.manifest.contentSha256.slice(0, 16)}…)`);
  }
  const signature = Buffer.from(bundle.signature, "base64");
  const data = signedBytes(bundle.manifest);
  const candidates = bundle.manifest.keyId ? keys.filter((k) => k.id === bundle.manifest.keyId) : keys;
  if (candidates.length === 0) throw new BundleRefusal("no-key", `the bundle is signed with key ${bundle.manifest.keyId}, which this gateway does not hold (it holds ${keys.map((k) => k.id).join(", ")})`);
  for (const k of candidates) {
    if (signature.length === 64 && verify(null, data, k.key, signature)) return { content, keyId: k.id };
  }
  throw new BundleRefusal("bad-signature", `the signature does not verify with ${candidates.length === 1 ? `key ${candidates[0].id}` : `any of the keys ${candidates.map((k) => k.id).join(", ")}`}`);
}

export interface KeyPairPem {
  publicKeyPem: string;
  privateKeyPem: string;
  keyId: string;
}

export function generateSigningKey(): KeyPairPem {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  return {
    publicKeyPem: publicKey.export({ format: "pem", type: "spki" }).toString(),
    privateKeyPem: privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
    keyId: keyIdOf(publicKey),
  };
}

export interface BundleSpec {
  kind: BundleManifest["kind"];
  name: string;
  version: string;
  targets?: BundleManifest["targets"];
  description?: string;
  createdAt?: number;
}

/** A signed bundle of the content, with a private key in PEM (PKCS#8). */
export function signBundle(spec: BundleSpec, content: Uint8Array, privateKeyPem: string): SignedBundle {
  const privateKey = createPrivateKey(privateKeyPem);
  if (privateKey.asymmetricKeyType !== "ed25519") throw new Error(`the signing key is ${privateKey.asymmetricKeyType}, not Ed25519`);
  const manifest: BundleManifest = {
    format: 1,
    kind: spec.kind,
    name: spec.name,
    version: spec.version,
    targets: spec.targets ?? {},
    contentSha256: sha256Hex(content),
    contentBytes: content.length,
    createdAt: spec.createdAt ?? Date.now(),
    keyId: keyIdOf(createPublicKey(privateKey)),
    ...(spec.description ? { description: spec.description } : {}),
  };
  const signature = sign(null, signedBytes(manifest), privateKey);
  return { manifest, content: Buffer.from(content).toString("base64"), signature: signature.toString("base64") };
}
