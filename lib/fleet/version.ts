/**
 * Bundle versions: dotted non-negative integers ("3", "1.4.12"), compared numerically part by part, a missing part
 * counting as 0 ("1.2" = "1.2.0"). Text versions ("v2-beta") are refused: a gateway must be able to tell which of
 * two bundles is newer without a convention it cannot check.
 */
const VERSION = /^\d{1,9}(\.\d{1,9}){0,3}$/;

export function isVersion(v: unknown): v is string {
  return typeof v === "string" && VERSION.test(v);
}

/** negative when a is older than b, 0 when equal, positive when newer */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
