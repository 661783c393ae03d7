/**
 * The gateway's side of a rollout: which bundle of each name is active, which were before it (for a rollback) and
 * which versions were rolled back (a retained MQTT message or a compacted Kafka topic delivers the bad one again
 * on every reconnect: it must stay refused). Decides whether a bundle is taken and why not; knows nothing of
 * Node-RED. The state is plain JSON so the node can keep it in its context store across restarts.
 */
import { BundleKind, BundleManifest, BundleRefusal, SignedBundle, parseBundle } from "./bundle-format";
import { PublicKey, verifyBundle } from "./bundle-signing";
import { GatewayIdentity, targetMismatch } from "./bundle-targets";
import { compareVersions } from "./version";

export interface InstalledBundle {
  manifest: BundleManifest;
  /** base64, as it arrived */
  content: string;
  keyId: string;
  activatedAt: number;
}

export interface GateState {
  active: Record<string, InstalledBundle>;
  /** newest last, at most HISTORY per name */
  previous: Record<string, InstalledBundle[]>;
  rolledBack: Record<string, string[]>;
}

export const HISTORY = 2;
const MAX_ROLLED_BACK = 50;

export function bundleKey(kind: BundleKind, name: string): string {
  return `${kind}/${name}`;
}

export type Admission =
  | { outcome: "activate"; installed: InstalledBundle; content: Buffer; previousVersion?: string }
  | { outcome: "already-active"; installed: InstalledBundle };

export class BundleGate {
  private state: GateState;

  constructor(state?: Partial<GateState>) {
    this.state = { active: { ...state?.active }, previous: { ...state?.previous }, rolledBack: { ...state?.rolledBack } };
  }

  snapshot(): GateState {
    return JSON.parse(JSON.stringify(this.state)) as GateState;
  }

  active(): InstalledBundle[] {
    return Object.values(this.state.active);
  }

  /** checks a bundle step by step; `onVerified` hears of a good signature before the gateway's own checks */
  admit(input: unknown, keys: PublicKey[], gateway: GatewayIdentity, maxBytes: number, now = Date.now(), onVerified?: (b: SignedBundle) => void): Admission {
    const bundle = parseBundle(input, maxBytes);
    const { content, keyId } = verifyBundle(bundle, keys);
    onVerified?.(bundle);
    const m = bundle.manifest;
    const mismatch = targetMismatch(m.targets, gateway);
    if (mismatch) throw new BundleRefusal("wrong-target", mismatch);
    checkContent(m.kind, content);
    const key = bundleKey(m.kind, m.name);
    if (this.state.rolledBack[key]?.includes(m.version)) throw new BundleRefusal("rolled-back", `${key} version ${m.version} was rolled back on this gateway; publish a newer version`);
    const current = this.state.active[key];
    if (current) {
      const order = compareVersions(m.version, current.manifest.version);
      if (order < 0) throw new BundleRefusal("downgrade", `${key} version ${m.version} is older than the active version ${current.manifest.version}`);
      if (order === 0) {
        if (current.manifest.contentSha256 === m.contentSha256) return { outcome: "already-active", installed: current };
        throw new BundleRefusal("same-version", `${key} version ${m.version} is active with other content; a change needs a new version`);
      }
    }
    const installed: InstalledBundle = { manifest: m, content: bundle.content, keyId, activatedAt: now };
    if (current) this.state.previous[key] = [...(this.state.previous[key] ?? []), current].slice(-HISTORY);
    this.state.active[key] = installed;
    return { outcome: "activate", installed, content, previousVersion: current?.manifest.version };
  }

  /**
   * Goes back to the bundle active before the current one of that name (the only active one when no name is
   * given); the current version is remembered as rolled back. Throws when there is nothing to go back to.
   */
  rollback(kind: BundleKind | undefined, name: string | undefined, now = Date.now(), version?: string): { restored: InstalledBundle; content: Buffer; from: InstalledBundle } {
    const keys = Object.keys(this.state.active).filter((k) => (!kind || k.startsWith(`${kind}/`)) && (!name || k.endsWith(`/${name}`)));
    if (version !== undefined && kind && name && keys.length === 0) this.bar(bundleKey(kind, name), version);
    if (keys.length === 0) throw new BundleRefusal("not-active", `no active bundle${kind || name ? ` ${kind ?? "*"}/${name ?? "*"}` : ""} to roll back`);
    if (keys.length > 1) throw new BundleRefusal("not-active", `several bundles are active (${keys.join(", ")}): name the one to roll back`);
    const key = keys[0];
    const history = this.state.previous[key] ?? [];
    const restored = history[history.length - 1];
    const from = this.state.active[key];
    // an order about one version (from the centre) must not take the version before it back too, when the gateway
    // has gone back already or never took it; the version stays barred should it arrive later
    if (version !== undefined && from.manifest.version !== version) {
      this.bar(key, version);
      throw new BundleRefusal("not-active", `${key} version ${version} is not active here (version ${from.manifest.version} is); nothing rolled back, version ${version} will be refused`);
    }
    if (!restored) throw new BundleRefusal("not-active", `${key} version ${from.manifest.version} has no earlier version on this gateway to roll back to`);
    this.state.previous[key] = history.slice(0, -1);
    this.state.active[key] = { ...restored, activatedAt: now };
    this.bar(key, from.manifest.version);
    return { restored: this.state.active[key], content: Buffer.from(restored.content, "base64"), from };
  }

  private bar(key: string, version: string): void {
    const list = this.state.rolledBack[key] ?? [];
    if (!list.includes(version)) this.state.rolledBack[key] = [...list, version].slice(-MAX_ROLLED_BACK);
  }
}

/** the content must be what its kind says before anything downstream is given it */
function checkContent(kind: BundleKind, content: Buffer): void {
  if (kind === "model") {
    // a TFLite FlatBuffer carries the file identifier "TFL3" at bytes 4–7
    if (content.length < 8 || content.toString("latin1", 4, 8) !== "TFL3") throw new BundleRefusal("malformed", "the model bundle's content is not a TFLite model (no TFL3 identifier)");
    return;
  }
  let rules: unknown;
  try {
    rules = JSON.parse(content.toString("utf8"));
  } catch (err) {
    throw new BundleRefusal("malformed", `the rule set is not JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(rules) || rules.some((r) => !r || typeof r !== "object" || typeof (r as { type?: unknown }).type !== "string")) {
    throw new BundleRefusal("malformed", "a rule set is a JSON list of rules, each with a type (as edge-rules lists them)");
  }
}
