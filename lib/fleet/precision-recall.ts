/**
 * Precision and recall per model version from ground truth: a prediction is remembered by its event id until its
 * true label comes back (a confirmed fault, a corrected label) or it ages out. Per label, precision = TP / (TP + FP)
 * (of what the model called X, how much was X) and recall = TP / (TP + FN) (of what was X, how much the model
 * found); undefined while the denominator is 0.
 */
export interface Prediction {
  label: string;
  modelVersion: string;
  deviceClass: string;
  at: number;
}

export interface LabelScore {
  label: string;
  tp: number;
  fp: number;
  fn: number;
  precision?: number;
  recall?: number;
}

export interface VersionQuality {
  modelVersion: string;
  confirmed: number;
  correct: number;
  accuracy?: number;
  labels: LabelScore[];
}

export class PrecisionRecall {
  /** by every id the prediction is known under (its own and its cause's), one entry shared */
  private readonly pending = new Map<string, Prediction & { ids: string[] }>();
  private readonly byVersion = new Map<string, { confirmed: number; correct: number; labels: Map<string, { tp: number; fp: number; fn: number }> }>();

  constructor(
    private readonly maxPending = 10000,
    private readonly maxAgeMs = 7 * 24 * 3600 * 1000,
  ) {}

  /** remembers a prediction under its ids: the prediction's eventId and the event it was made from */
  predicted(ids: string[], p: Prediction): void {
    const entry = { ...p, ids: [...new Set(ids)] };
    for (const id of entry.ids) {
      this.forget(id);
      this.pending.set(id, entry);
    }
    // Map keeps insertion order: the oldest prediction is the first to go when the memory is full
    while (this.pending.size > this.maxPending * 2) this.forget(this.pending.keys().next().value as string);
  }

  private forget(id: string): void {
    const old = this.pending.get(id);
    if (old) for (const other of old.ids) this.pending.delete(other);
  }

  /** the prediction the truth is about, with its version's quality after counting it; undefined when unknown or aged out */
  truth(eventId: string, trueLabel: string, now = Date.now()): { prediction: Prediction; quality: VersionQuality } | undefined {
    const p = this.pending.get(eventId);
    if (!p) return undefined;
    this.forget(eventId);
    if (now - p.at > this.maxAgeMs) return undefined;
    let v = this.byVersion.get(p.modelVersion);
    if (!v) this.byVersion.set(p.modelVersion, (v = { confirmed: 0, correct: 0, labels: new Map() }));
    const cell = (label: string) => {
      let c = v!.labels.get(label);
      if (!c) v!.labels.set(label, (c = { tp: 0, fp: 0, fn: 0 }));
      return c;
    };
    v.confirmed++;
    if (p.label === trueLabel) {
      v.correct++;
      cell(trueLabel).tp++;
    } else {
      cell(p.label).fp++;
      cell(trueLabel).fn++;
    }
    const { ids: _ids, ...prediction } = p;
    return { prediction, quality: this.quality(p.modelVersion)! };
  }

  quality(modelVersion: string): VersionQuality | undefined {
    const v = this.byVersion.get(modelVersion);
    if (!v) return undefined;
    const ratio = (n: number, d: number) => (d > 0 ? n / d : undefined);
    return {
      modelVersion,
      confirmed: v.confirmed,
      correct: v.correct,
      accuracy: ratio(v.correct, v.confirmed),
      labels: [...v.labels].map(([label, c]) => ({ label, ...c, precision: ratio(c.tp, c.tp + c.fp), recall: ratio(c.tp, c.tp + c.fn) })).sort((a, b) => (a.label < b.label ? -1 : 1)),
    };
  }

  versions(): VersionQuality[] {
    return [...this.byVersion.keys()].map((v) => this.quality(v)!);
  }

  get waiting(): number {
    return new Set(this.pending.values()).size;
  }
}
