/**
 * The process-wide registry the pack's nodes report their counters to, read by edge-metrics for /metrics and the
 * heartbeat. Counters and histograms are pushed (`metrics.count`, `metrics.observe`); gauges are pulled at
 * scrape time from a source a node registers under its id (`metrics.source(node.id, () => samples)`), so a
 * queue's depth is read when someone asks rather than on every message. A node that registers again (a redeploy)
 * replaces its source; edge-metrics drops the sources of nodes that no longer exist.
 *
 * Node files call it in one line, e.g. `metrics.observe("edge_inference_seconds", { node: node.id }, ms / 1000)`.
 */
import { specOf } from "./metric-catalogue";

export type Labels = Record<string, string>;

export interface Sample {
  name: string;
  labels: Labels;
  value: number;
}

export interface HistogramValue {
  buckets: number[];
  counts: number[];
  sum: number;
  count: number;
}

export type SampleSource = () => Sample[];

const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** bounds the label sets one metric may take, so a label fed from messages cannot grow memory without limit */
export const MAX_SERIES_PER_METRIC = 2000;

function seriesKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
}

export class MetricsRegistry {
  private readonly counters = new Map<string, Map<string, { labels: Labels; value: number }>>();
  private readonly histograms = new Map<string, Map<string, { labels: Labels; h: HistogramValue }>>();
  private readonly sources = new Map<string, SampleSource>();
  private dropped = 0;

  count(name: string, labels: Labels, n = 1): void {
    if (!Number.isFinite(n)) return;
    const series = this.series(this.counters, name);
    const key = seriesKey(labels);
    const s = series.get(key);
    if (s) s.value += n;
    else if (series.size < MAX_SERIES_PER_METRIC) series.set(key, { labels: { ...labels }, value: n });
    else this.dropped++;
  }

  observe(name: string, labels: Labels, value: number): void {
    if (!Number.isFinite(value)) return;
    const series = this.series(this.histograms, name);
    const key = seriesKey(labels);
    let s = series.get(key);
    if (!s) {
      if (series.size >= MAX_SERIES_PER_METRIC) {
        this.dropped++;
        return;
      }
      const buckets = specOf(name)?.buckets ?? DEFAULT_BUCKETS;
      s = { labels: { ...labels }, h: { buckets, counts: buckets.map(() => 0), sum: 0, count: 0 } };
      series.set(key, s);
    }
    const h = s.h;
    for (let i = 0; i < h.buckets.length; i++) if (value <= h.buckets[i]) h.counts[i]++;
    h.sum += value;
    h.count++;
  }

  /** a node's gauges, read at scrape time; returns the function that removes it */
  source(owner: string, read: SampleSource): () => void {
    this.sources.set(owner, read);
    return () => {
      if (this.sources.get(owner) === read) this.sources.delete(owner);
    };
  }

  /** forgets the sources and series of nodes that no longer exist (removed by a deploy) */
  prune(exists: (node: string) => boolean): void {
    for (const owner of [...this.sources.keys()]) if (!exists(owner)) this.sources.delete(owner);
    for (const map of [this.counters, this.histograms] as Array<Map<string, Map<string, { labels: Labels }>>>) {
      for (const series of map.values()) for (const [key, s] of series) if (s.labels.node && !exists(s.labels.node)) series.delete(key);
    }
  }

  counterSamples(): Sample[] {
    const out: Sample[] = [];
    for (const [name, series] of this.counters) for (const s of series.values()) out.push({ name, labels: s.labels, value: s.value });
    return out;
  }

  histogramSamples(): Array<{ name: string; labels: Labels; h: HistogramValue }> {
    const out: Array<{ name: string; labels: Labels; h: HistogramValue }> = [];
    for (const [name, series] of this.histograms) for (const s of series.values()) out.push({ name, labels: s.labels, h: s.h });
    return out;
  }

  /** every source's gauges; a source that throws contributes none (one broken node must not break the scrape) */
  gaugeSamples(): Sample[] {
    const out: Sample[] = [];
    for (const [owner, read] of this.sources) {
      try {
        for (const s of read()) out.push({ ...s, labels: { node: owner, ...s.labels } });
      } catch {
        // the node is closing or its state is gone: nothing to report from it
      }
    }
    return out;
  }

  /** label sets refused because a metric had MAX_SERIES_PER_METRIC already */
  get droppedSeries(): number {
    return this.dropped;
  }

  /** for tests: forget everything */
  reset(): void {
    this.counters.clear();
    this.histograms.clear();
    this.sources.clear();
    this.dropped = 0;
  }

  private series<V>(map: Map<string, Map<string, V>>, name: string): Map<string, V> {
    let s = map.get(name);
    if (!s) map.set(name, (s = new Map()));
    return s;
  }
}

// one registry per process even if two copies of this module are loaded (the pack linked twice, tests and dist)
const KEY = Symbol.for("@edge-ai/node-red-edge-ai/metrics-registry");
const holder = globalThis as unknown as Record<symbol, MetricsRegistry | undefined>;
export const metrics: MetricsRegistry = (holder[KEY] ??= new MetricsRegistry());
