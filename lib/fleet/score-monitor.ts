/**
 * The distribution of a model's scores and labels per device class, and its drift: per (device class, model name)
 * the first `referenceSize` scores become the reference window, the last `windowSize` the current window. Every
 * `checkEvery` scores, once both are full, PSI and Kolmogorov–Smirnov compare them; crossing a limit raises drift,
 * falling back under clears it.
 *
 * A new version of the model (edge-bundle's `name@version`) is compared with the version before it: its last full
 * window becomes the reference, and the window starts empty so it holds the new version's scores only. A version
 * seen before (a rollback) is compared with its own last window instead, so going back to it raises nothing.
 */
import { ks, psi, KsResult } from "./drift";

export interface ScoreMonitorOptions {
  windowSize: number;
  referenceSize: number;
  bins: number;
  /** PSI at or above this is drift (0 disables) */
  psiLimit: number;
  /** a KS p-value below this is drift (0 disables) */
  ksAlpha: number;
  checkEvery: number;
}

export interface DriftCheck {
  deviceClass: string;
  model: string;
  modelVersion: string;
  psi: number;
  ks: KsResult;
  drifted: boolean;
  /** set when `drifted` changed with this check */
  transition?: "raised" | "cleared";
  reasons: string[];
  referenceSize: number;
  windowSize: number;
}

export interface ClassSummary {
  deviceClass: string;
  model: string;
  modelVersions: string[];
  total: number;
  window: { n: number; mean?: number; min?: number; max?: number; labels: Record<string, number> };
  referenceComplete: boolean;
  lastCheck?: Omit<DriftCheck, "transition">;
}

interface Series {
  deviceClass: string;
  model: string;
  reference: number[];
  window: number[];
  labels: string[];
  versions: Set<string>;
  /** the version the window holds scores of */
  current?: string;
  /** the last full window of each version seen (a few), the reference when the series changes version */
  lastWindows: Map<string, number[]>;
  total: number;
  sinceCheck: number;
  drifted: boolean;
  lastCheck?: DriftCheck;
}

/** "reefer-anomaly@4" → "reefer-anomaly": the model's name without the version a bundle adds */
export function modelNameOf(model: string): string {
  const at = model.lastIndexOf("@");
  return at > 0 ? model.slice(0, at) : model;
}

const MAX_VERSION_WINDOWS = 5;

export class ScoreMonitor {
  private readonly series = new Map<string, Series>();

  constructor(private readonly o: ScoreMonitorOptions) {}

  add(deviceClass: string, model: string, score: number, label: string | undefined): DriftCheck | undefined {
    if (!Number.isFinite(score)) return undefined;
    const name = modelNameOf(model);
    const key = `${deviceClass}\u0000${name}`;
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { deviceClass, model: name, reference: [], window: [], labels: [], versions: new Set(), lastWindows: new Map(), total: 0, sinceCheck: 0, drifted: false }));
    s.total++;
    if (s.versions.size < 50) s.versions.add(model);
    if (s.current !== model) this.changeVersion(s, model);
    if (s.reference.length < this.o.referenceSize) {
      s.reference.push(score);
      return undefined;
    }
    s.window.push(score);
    s.labels.push(label ?? "");
    if (s.window.length > this.o.windowSize) {
      s.window.shift();
      s.labels.shift();
    }
    s.sinceCheck++;
    if (s.window.length < this.o.windowSize || s.sinceCheck < this.o.checkEvery) return undefined;
    s.sinceCheck = 0;
    return this.check(s, model);
  }

  /** takes the next scores as the reference again (after a deliberate change: a new season, a retrained model) */
  resetReference(deviceClass?: string): void {
    for (const s of this.series.values()) {
      if (deviceClass && s.deviceClass !== deviceClass) continue;
      s.reference = [];
      s.window = [];
      s.labels = [];
      s.lastWindows.clear();
      s.drifted = false;
      s.lastCheck = undefined;
    }
  }

  summaries(): ClassSummary[] {
    return [...this.series.values()].map((s) => {
      const labels: Record<string, number> = {};
      for (const l of s.labels) if (l) labels[l] = (labels[l] ?? 0) + 1;
      const n = s.window.length;
      const mean = n ? s.window.reduce((a, b) => a + b, 0) / n : undefined;
      const last = s.lastCheck ? (({ transition: _t, ...rest }) => rest)(s.lastCheck) : undefined;
      return {
        deviceClass: s.deviceClass,
        model: s.model,
        modelVersions: [...s.versions],
        total: s.total,
        window: { n, mean, min: n ? Math.min(...s.window) : undefined, max: n ? Math.max(...s.window) : undefined, labels },
        referenceComplete: s.reference.length >= this.o.referenceSize,
        ...(last ? { lastCheck: last } : {}),
      };
    });
  }

  private changeVersion(s: Series, model: string): void {
    const previous = s.current;
    s.current = model;
    if (previous === undefined || s.reference.length < this.o.referenceSize) return;
    if (s.window.length >= this.o.windowSize) {
      s.lastWindows.delete(previous);
      s.lastWindows.set(previous, [...s.window]);
      if (s.lastWindows.size > MAX_VERSION_WINDOWS) s.lastWindows.delete(s.lastWindows.keys().next().value as string);
    }
    const reference = s.lastWindows.get(model) ?? s.lastWindows.get(previous);
    if (!reference) return;
    s.reference = [...reference];
    s.window = [];
    s.labels = [];
    s.sinceCheck = 0;
  }

  private check(s: Series, modelVersion: string): DriftCheck {
    const p = psi(s.reference, s.window, this.o.bins);
    const k = ks(s.reference, s.window);
    const reasons: string[] = [];
    if (this.o.psiLimit > 0 && p >= this.o.psiLimit) reasons.push(`PSI ${p.toFixed(3)} ≥ ${this.o.psiLimit}`);
    if (this.o.ksAlpha > 0 && k.p < this.o.ksAlpha) reasons.push(`KS D ${k.d.toFixed(3)}, p ${k.p.toExponential(2)} < ${this.o.ksAlpha}`);
    const drifted = reasons.length > 0;
    const transition = drifted !== s.drifted ? (drifted ? "raised" : "cleared") : undefined;
    s.drifted = drifted;
    const c: DriftCheck = { deviceClass: s.deviceClass, model: s.model, modelVersion, psi: p, ks: k, drifted, reasons, referenceSize: s.reference.length, windowSize: s.window.length, ...(transition ? { transition } : {}) };
    s.lastCheck = c;
    return c;
  }
}
