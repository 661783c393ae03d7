/**
 * The one serialisation of an entry that its hash covers: object keys sorted, no whitespace, undefined fields left
 * out (as JSON.stringify does), non-finite numbers as null. Two processes, or a verifier years later, get the same
 * bytes for the same entry whatever order its fields were built in.
 */
export function canonicalJson(value: unknown): string {
  return write(value, 0);
}

const MAX_DEPTH = 64;

function write(value: unknown, depth: number): string {
  if (depth > MAX_DEPTH) throw new Error(`a record entry may nest at most ${MAX_DEPTH} levels`);
  if (value === null || value === undefined) return "null";
  switch (typeof value) {
    case "number":
      return Number.isFinite(value) ? JSON.stringify(value) : "null";
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "bigint":
      return JSON.stringify(value.toString());
    case "object": {
      if (Array.isArray(value)) return `[${value.map((v) => (v === undefined || typeof v === "function" ? "null" : write(v, depth + 1))).join(",")}]`;
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      if (Buffer.isBuffer(value)) return JSON.stringify(value.toString("base64"));
      const obj = value as Record<string, unknown>;
      const parts: string[] = [];
      for (const key of Object.keys(obj).sort()) {
        const v = obj[key];
        if (v === undefined || typeof v === "function" || typeof v === "symbol") continue;
        parts.push(`${JSON.stringify(key)}:${write(v, depth + 1)}`);
      }
      return `{${parts.join(",")}}`;
    }
    default:
      return "null";
  }
}
