/**
 * The acceptable range of a device's readings for the report's time out of range: a table of
 * `device-pattern = low..high` lines (`*` matches any run of characters; either bound may be empty, e.g.
 * `freezer-* = ..-18`), the first matching line winning, else the default range.
 */
export interface Range {
  low?: number;
  high?: number;
}

export interface RangeRule extends Range {
  pattern: RegExp;
  source: string;
}

export function parseRangeTable(text: string | undefined): RangeRule[] {
  if (!text || !text.trim()) return [];
  return text
    .split(/[\n;]/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((line) => {
      const m = /^(.+?)\s*=\s*(-?\d+(?:\.\d+)?)?\s*\.\.\s*(-?\d+(?:\.\d+)?)?$/.exec(line);
      if (!m || (m[2] === undefined && m[3] === undefined)) throw new Error(`range table: "${line}" is not "device = low..high"`);
      const pattern = new RegExp(`^${m[1].split("*").map(escapeRegExp).join(".*")}$`);
      return { pattern, source: line, low: m[2] === undefined ? undefined : Number(m[2]), high: m[3] === undefined ? undefined : Number(m[3]) };
    });
}

export function rangeFor(device: string, table: readonly RangeRule[], fallback: Range): Range {
  const rule = table.find((r) => r.pattern.test(device));
  return rule ? { low: rule.low, high: rule.high } : fallback;
}

export function outOfRange(value: number, range: Range): boolean {
  return (range.low !== undefined && value < range.low) || (range.high !== undefined && value > range.high);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
