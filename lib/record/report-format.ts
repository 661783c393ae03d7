/** How a report writes its figures: ISO 8601 UTC times, temperatures to 0.01, durations in minutes to 0.1. */
export function isoTime(ms: number | null | undefined): string {
  return typeof ms === "number" && Number.isFinite(ms) ? new Date(ms).toISOString().replace(".000Z", "Z") : "";
}

export function fixed(n: number | null | undefined, digits = 2): string {
  return typeof n === "number" && Number.isFinite(n) ? n.toFixed(digits) : "";
}

export function minutes(ms: number): string {
  return (ms / 60000).toFixed(1);
}
