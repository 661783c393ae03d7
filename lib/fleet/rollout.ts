/**
 * The centre's side of a staged rollout, one bundle name at a time: the signed bundle goes to the canary gateways
 * first; once every canary runs it, a health window; the canaries' measured health during it (error rate and
 * inference latency from their heartbeats, the drift of the new version's scores from edge-model-watch) decides
 * between promoting the bundle to the rest of the fleet and ordering the canaries to roll it back. A canary that
 * refuses the bundle, rolls it back itself, does not report it active in time or sends no health report within
 * the window fails the rollout too: a bundle is promoted on evidence, never on silence.
 *
 * Pure: time is passed in, and every call returns the decisions (what to publish, whom to order back, the event
 * to report); the node carries them out. The state is plain JSON so it can live in a context store.
 */
import type { BundleKind, SignedBundle } from "./bundle-format";
import { compareVersions } from "./version";

export interface RolloutLimits {
  /** the gateway ids that take a bundle first */
  canaries: string[];
  healthWindowMs: number;
  /** how long the canaries have to report the bundle active */
  activationTimeoutMs: number;
  /** rejected ÷ received at the canary's models (edge-tflite) above this fails it; 0: not judged */
  maxErrorRate: number;
  /** mean inference time above this fails it; 0: not judged */
  maxLatencyMs: number;
  /** PSI of the new version's scores against the reference at or above this fails it; 0: not judged */
  maxPsi: number;
  /** a Kolmogorov–Smirnov p-value below this fails it; 0: not judged */
  ksAlpha: number;
  /** error rate and latency are judged once a canary's models have seen this many messages since activation */
  minMessages: number;
}

export type Phase = "canary" | "watching" | "promoted" | "rolled-back";

export interface BundleRef {
  kind: BundleKind;
  name: string;
  version: string;
  contentSha256: string;
}

/** a step a gateway's edge-bundle reported (its output 2 payload) */
export interface GatewayStep {
  gateway: string;
  step: string;
  kind?: string;
  name?: string;
  version?: string;
  /** rolled-back: the version it went back from */
  from?: string;
  code?: string;
  reason?: string;
  /** refused: an answer to a rollback order, not to the bundle */
  rollback?: boolean;
}

/** the part of edge-metrics' heartbeat the rollout reads: cumulative counters since the gateway started */
export interface HeartbeatReport {
  gateway: string;
  uptimeS?: number;
  traffic?: Array<{ node: string; type?: string; in: number; rejected: number }>;
  inference?: Array<{ node: string; count: number; sumS: number }>;
}

/** edge-model-watch's drift check (or its model-drift alert) for one device class */
export interface DriftReport {
  gateway: string;
  model: string;
  /** "name@version" as edge-tflite reports a bundle's model */
  modelVersion: string;
  deviceClass?: string;
  psi?: number;
  ks?: { d?: number; p?: number };
}

interface CanaryHealth {
  activeAt?: number;
  /** the first heartbeat after activation: the counters health is measured from */
  baseline?: { uptimeS: number; in: number; rejected: number; count: number; sumS: number };
  /** the latest health report of each kind (heartbeat, drift, the gateway's own window) */
  evidence: string[];
}

export interface RolloutState {
  phase: Phase;
  ref: BundleRef;
  bundle: SignedBundle;
  startedAt: number;
  /** canary phase: when the canaries must be active; watching: when the window ends */
  deadline: number;
  canaries: Record<string, CanaryHealth>;
  /** every gateway's last step for this version, for the status and a manual rollback */
  gateways: Record<string, string>;
  /** the fleet's bundle of this name when the rollout started: what a failed rollout goes back to */
  previousGood?: SignedBundle;
  reason?: string;
}

export interface RolloutBook {
  current?: RolloutState;
  /** per bundle name: the last promoted bundle, republished to the canaries after a failed rollout */
  lastGood: Record<string, SignedBundle>;
  failed: Record<string, string[]>;
}

export type RolloutEventStep = "started" | "canary-step" | "canaries-active" | "health" | "promoted" | "gateway-step" | "rolled-back";

export interface RolloutEvent {
  step: RolloutEventStep;
  kind: BundleKind;
  name: string;
  version: string;
  phase: Phase;
  at: number;
  gateway?: string;
  gatewayStep?: string;
  reason?: string;
  /** rolled-back: the canaries ordered to go back */
  gateways?: string[];
  evidence?: string;
}

export type Decision =
  | { action: "publish"; stage: "canary" | "fleet"; bundle: SignedBundle; event: RolloutEvent }
  | { action: "rollback"; gateways: string[]; ref: BundleRef; reason: string; restore?: SignedBundle; event: RolloutEvent }
  | { action: "report"; event: RolloutEvent };

export class RolloutError extends Error {
  override name = "RolloutError";
}

const MAX_FAILED = 50;
const MAX_GATEWAYS = 10000;

export class Rollout {
  private book: RolloutBook;

  constructor(
    private readonly limits: RolloutLimits,
    book?: Partial<RolloutBook>,
  ) {
    if (limits.canaries.length === 0) throw new RolloutError("a rollout needs at least one canary gateway");
    this.book = { current: book?.current, lastGood: { ...book?.lastGood }, failed: { ...book?.failed } };
  }

  snapshot(): RolloutBook {
    return JSON.parse(JSON.stringify(this.book)) as RolloutBook;
  }

  get current(): RolloutState | undefined {
    return this.book.current;
  }

  /** when `tick` next has something to decide */
  nextDeadline(): number | undefined {
    const c = this.book.current;
    return c && (c.phase === "canary" || c.phase === "watching") ? c.deadline : undefined;
  }

  /** a verified bundle to roll out: to the canaries first */
  start(bundle: SignedBundle, now: number): Decision[] {
    const m = bundle.manifest;
    const c = this.book.current;
    if (c && (c.phase === "canary" || c.phase === "watching")) {
      throw new RolloutError(`the rollout of ${c.ref.name} version ${c.ref.version} is still ${c.phase === "canary" ? "waiting for its canaries" : "in its health window"}; roll it back first`);
    }
    const good = this.book.lastGood[m.name];
    if (good && compareVersions(m.version, good.manifest.version) <= 0) {
      throw new RolloutError(`${m.name} version ${m.version} is not newer than version ${good.manifest.version}, the fleet's`);
    }
    if (this.book.failed[m.name]?.includes(m.version)) throw new RolloutError(`${m.name} version ${m.version} failed its rollout before; publish a newer version`);
    const canaries: Record<string, CanaryHealth> = {};
    for (const g of this.limits.canaries) canaries[g] = { evidence: [] };
    this.book.current = {
      phase: "canary",
      ref: { kind: m.kind, name: m.name, version: m.version, contentSha256: m.contentSha256 },
      bundle,
      startedAt: now,
      deadline: now + this.limits.activationTimeoutMs,
      canaries,
      gateways: {},
      ...(good ? { previousGood: good } : {}),
    };
    return [{ action: "publish", stage: "canary", bundle, event: this.event("started", now, { gateways: [...this.limits.canaries] }) }];
  }

  gatewayStep(s: GatewayStep, now: number): Decision[] {
    const c = this.book.current;
    if (!c || s.name !== c.ref.name || (s.kind !== undefined && s.kind !== c.ref.kind)) return [];
    const about = s.step === "rolled-back" ? s.from : s.version;
    if (about !== c.ref.version) return [];
    const reason = text(s.reason);
    const code = text(s.code, 64);
    if (Object.keys(c.gateways).length < MAX_GATEWAYS || c.gateways[s.gateway]) c.gateways[s.gateway] = text(s.step, 64) ?? "";
    const canary = c.canaries[s.gateway];
    const out: Decision[] = [{ action: "report", event: this.event(canary ? "canary-step" : "gateway-step", now, { gateway: s.gateway, gatewayStep: text(s.step, 64), ...(reason ? { reason } : {}) }) }];
    if (!canary || (c.phase !== "canary" && c.phase !== "watching")) return out;
    if ((s.step === "active" || s.step === "already-active") && canary.activeAt === undefined) {
      canary.activeAt = now;
      if (c.phase === "canary" && Object.values(c.canaries).every((h) => h.activeAt !== undefined)) {
        c.phase = "watching";
        c.deadline = now + this.limits.healthWindowMs;
        out.push({ action: "report", event: this.event("canaries-active", now) });
      }
    } else if (s.step === "healthy") {
      note(canary, "its own health window passed");
    } else if (s.step === "refused" && !s.rollback) {
      out.push(...this.fail(`${s.gateway} refused it (${code ?? "?"}): ${reason ?? ""}`, now, s.gateway));
    } else if (s.step === "rolled-back") {
      out.push(...this.fail(`${s.gateway} rolled it back: ${reason ?? ""}`, now, s.gateway));
    }
    return out;
  }

  heartbeat(h: HeartbeatReport, now: number): Decision[] {
    const c = this.book.current;
    const canary = c?.canaries[h.gateway];
    if (!c || !canary || canary.activeAt === undefined || (c.phase !== "canary" && c.phase !== "watching")) return [];
    const totals = heartbeatTotals(h);
    // a restarted gateway counts from zero again
    if (!canary.baseline || totals.uptimeS < canary.baseline.uptimeS) {
      canary.baseline = totals;
      return [];
    }
    const b = canary.baseline;
    const received = totals.in - b.in;
    if (received < this.limits.minMessages) return [];
    const errorRate = (totals.rejected - b.rejected) / received;
    const inferences = totals.count - b.count;
    const latencyMs = inferences > 0 ? ((totals.sumS - b.sumS) / inferences) * 1000 : undefined;
    const evidence = `error rate ${errorRate.toFixed(3)} over ${received} messages${latencyMs !== undefined ? `, mean inference ${latencyMs.toFixed(1)} ms` : ""}`;
    if (this.limits.maxErrorRate > 0 && errorRate > this.limits.maxErrorRate) {
      return this.fail(`${h.gateway}: error rate ${errorRate.toFixed(3)} over ${received} messages > ${this.limits.maxErrorRate}`, now);
    }
    if (this.limits.maxLatencyMs > 0 && latencyMs !== undefined && inferences >= this.limits.minMessages && latencyMs > this.limits.maxLatencyMs) {
      return this.fail(`${h.gateway}: mean inference ${latencyMs.toFixed(1)} ms over ${inferences} inferences > ${this.limits.maxLatencyMs} ms`, now);
    }
    note(canary, evidence);
    return [{ action: "report", event: this.event("health", now, { gateway: h.gateway, evidence }) }];
  }

  drift(d: DriftReport, now: number): Decision[] {
    const c = this.book.current;
    const canary = c?.canaries[d.gateway];
    if (!c || !canary || canary.activeAt === undefined || (c.phase !== "canary" && c.phase !== "watching")) return [];
    if (d.modelVersion !== `${c.ref.name}@${c.ref.version}`) return [];
    const deviceClass = text(d.deviceClass, 100);
    const where = `${d.gateway}${deviceClass ? ` (${deviceClass})` : ""}`;
    const psi = typeof d.psi === "number" && Number.isFinite(d.psi) ? d.psi : undefined;
    const p = typeof d.ks?.p === "number" && Number.isFinite(d.ks.p) ? d.ks.p : undefined;
    if (this.limits.maxPsi > 0 && psi !== undefined && psi >= this.limits.maxPsi) return this.fail(`${where}: the scores drifted, PSI ${psi.toFixed(3)} ≥ ${this.limits.maxPsi}`, now);
    if (this.limits.ksAlpha > 0 && p !== undefined && p < this.limits.ksAlpha) return this.fail(`${where}: the scores drifted, KS p ${p.toExponential(2)} < ${this.limits.ksAlpha}`, now);
    if (psi === undefined && p === undefined) return [];
    const evidence = `scores steady${psi !== undefined ? `, PSI ${psi.toFixed(3)}` : ""}${p !== undefined ? `, KS p ${p.toFixed(3)}` : ""}`;
    note(canary, evidence);
    return [{ action: "report", event: this.event("health", now, { gateway: d.gateway, evidence }) }];
  }

  /** deadlines: canaries that never reported active, the end of the health window */
  tick(now: number): Decision[] {
    const c = this.book.current;
    if (!c || now < c.deadline) return [];
    if (c.phase === "canary") {
      const late = Object.entries(c.canaries).filter(([, h]) => h.activeAt === undefined).map(([g]) => g);
      return this.fail(`${late.join(", ")} did not report it active within ${Math.round(this.limits.activationTimeoutMs / 1000)} s`, now);
    }
    if (c.phase !== "watching") return [];
    const silent = Object.entries(c.canaries).filter(([, h]) => h.evidence.length === 0).map(([g]) => g);
    if (silent.length) return this.fail(`${silent.join(", ")} sent no health report within the ${Math.round(this.limits.healthWindowMs / 1000)} s health window`, now);
    c.phase = "promoted";
    this.book.lastGood[c.ref.name] = c.bundle;
    const evidence = Object.entries(c.canaries).map(([g, h]) => `${g}: ${h.evidence.join(", ")}`).join("; ");
    return [{ action: "publish", stage: "fleet", bundle: c.bundle, event: this.event("promoted", now, { evidence }) }];
  }

  /** a rollback asked for at the centre: every gateway that took the version goes back */
  abort(reason: string, now: number): Decision[] {
    const c = this.book.current;
    if (!c || c.phase === "rolled-back") throw new RolloutError("no rollout to roll back");
    const promoted = c.phase === "promoted";
    const decisions = this.fail(reason, now);
    // after promotion the rest of the fleet has it too; lastGood goes back to what it was before
    if (promoted) {
      const d = decisions[0] as Extract<Decision, { action: "rollback" }>;
      d.gateways = Object.entries(c.gateways).filter(([, step]) => step === "active" || step === "already-active" || step === "healthy").map(([g]) => g);
      d.event.gateways = d.gateways;
    }
    return decisions;
  }

  private fail(reason: string, now: number, except?: string): Decision[] {
    const c = this.book.current!;
    c.phase = "rolled-back";
    c.reason = reason;
    this.book.failed[c.ref.name] = [...(this.book.failed[c.ref.name] ?? []), c.ref.version].slice(-MAX_FAILED);
    if (c.previousGood) this.book.lastGood[c.ref.name] = c.previousGood;
    else delete this.book.lastGood[c.ref.name];
    // every canary is ordered back, also one that has not reported it active yet (its report may be on its way); the
    // one that rolled it back itself needs no order
    const gateways = Object.keys(c.canaries).filter((g) => g !== except);
    const restore = c.previousGood;
    return [{ action: "rollback", gateways, ref: c.ref, reason, ...(restore ? { restore } : {}), event: this.event("rolled-back", now, { reason, gateways }) }];
  }

  private event(step: RolloutEventStep, now: number, extra: Partial<RolloutEvent> = {}): RolloutEvent {
    const c = this.book.current!;
    return { step, kind: c.ref.kind, name: c.ref.name, version: c.ref.version, phase: c.phase, at: now, ...extra };
  }
}

function heartbeatTotals(h: HeartbeatReport): NonNullable<CanaryHealth["baseline"]> {
  const t = { uptimeS: typeof h.uptimeS === "number" ? h.uptimeS : 0, in: 0, rejected: 0, count: 0, sumS: 0 };
  const models = new Set<string>();
  for (const n of Array.isArray(h.traffic) ? h.traffic : []) {
    if (n?.type !== "edge-tflite") continue;
    models.add(n.node);
    t.in += finite(n.in);
    t.rejected += finite(n.rejected);
  }
  for (const i of Array.isArray(h.inference) ? h.inference : []) {
    if (models.size && !models.has(i?.node)) continue;
    t.count += finite(i?.count);
    t.sumS += finite(i?.sumS);
  }
  return t;
}

/** keeps the latest report of each kind: what a promotion rests on, bounded however often a canary reports */
const note = (h: CanaryHealth, evidence: string) => {
  const kind = evidence.split(" ")[0];
  h.evidence = [...h.evidence.filter((e) => e.split(" ")[0] !== kind), evidence];
};

/** text from a gateway, bounded: anything else is left out */
const text = (v: unknown, max = 500) => (typeof v === "string" && v ? v.slice(0, max) : undefined);

const finite = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);
