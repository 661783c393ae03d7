/**
 * How far a window of scores has moved from a reference window.
 *
 * PSI (population stability index): the reference's deciles (or `bins` quantiles) cut both windows into bins;
 * PSI = Σ (cur_i − ref_i) · ln(cur_i / ref_i) over the bins' proportions, an empty bin counted as EPSILON so the
 * log stays finite. Rule of thumb: < 0.1 stable, 0.1–0.25 a shift worth a look, > 0.25 a different population.
 *
 * Kolmogorov–Smirnov (two samples): D = the largest gap between the two empirical distribution functions; its
 * p-value from the asymptotic Kolmogorov distribution with Stephens' small-sample correction (Numerical Recipes
 * §14.3), fine from a few dozen values per window.
 */
export const EPSILON = 1e-4;

/** the inner cut points: `bins - 1` quantiles of the reference (duplicates and the minimum removed: a reference with ties has fewer bins) */
export function quantileEdges(reference: number[], bins: number): number[] {
  const sorted = [...reference].sort((a, b) => a - b);
  const edges: number[] = [];
  for (let i = 1; i < bins; i++) {
    const q = sorted[Math.min(sorted.length - 1, Math.floor((i * sorted.length) / bins))];
    // a cut at the minimum would leave a bin the reference can never fill
    if (q > sorted[0] && (edges.length === 0 || q > edges[edges.length - 1])) edges.push(q);
  }
  return edges;
}

/** proportions of values per bin: bin i holds edges[i-1] ≤ v < edges[i] */
export function binProportions(values: number[], edges: number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const v of values) {
    let i = 0;
    while (i < edges.length && v >= edges[i]) i++;
    counts[i]++;
  }
  return counts.map((c) => c / Math.max(1, values.length));
}

export function psiOfProportions(reference: number[], current: number[]): number {
  let psi = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = Math.max(EPSILON, reference[i]);
    const c = Math.max(EPSILON, current[i]);
    psi += (c - r) * Math.log(c / r);
  }
  return psi;
}

export function psi(reference: number[], current: number[], bins = 10): number {
  if (reference.length === 0 || current.length === 0) return 0;
  const edges = quantileEdges(reference, bins);
  return psiOfProportions(binProportions(reference, edges), binProportions(current, edges));
}

export interface KsResult {
  /** the largest gap between the two empirical CDFs, 0 … 1 */
  d: number;
  /** the probability of a gap at least this large if both windows came from one distribution */
  p: number;
}

export function ks(a: number[], b: number[]): KsResult {
  if (a.length === 0 || b.length === 0) return { d: 0, p: 1 };
  const x = [...a].sort((m, n) => m - n);
  const y = [...b].sort((m, n) => m - n);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i], y[j]);
    while (i < x.length && x[i] <= v) i++;
    while (j < y.length && y[j] <= v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  const ne = Math.sqrt((x.length * y.length) / (x.length + y.length));
  return { d, p: kolmogorovQ((ne + 0.12 + 0.11 / ne) * d) };
}

/** Q_KS(λ) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²λ²}, the tail of the Kolmogorov distribution */
export function kolmogorovQ(lambda: number): number {
  if (lambda < 1e-3) return 1;
  let sum = 0;
  let previous = 0;
  for (let k = 1; k <= 100; k++) {
    const term = 2 * (k % 2 === 1 ? 1 : -1) * Math.exp(-2 * k * k * lambda * lambda);
    sum += term;
    if (Math.abs(term) <= 1e-10 * Math.abs(sum) || Math.abs(term) <= 1e-12 * previous) return Math.min(1, Math.max(0, sum));
    previous = Math.abs(term);
  }
  return 1; // no convergence: λ so small the windows cannot be told apart
}
