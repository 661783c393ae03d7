/**
 * The canonical text of a JSON value, the bytes a bundle's signature covers: object keys sorted by code unit,
 * no whitespace, numbers and strings as JSON.stringify writes them (RFC 8785's ordering for the plain values a
 * manifest holds). The signer and the gateway must produce the same bytes from the same manifest whatever order
 * its keys arrived in.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error("a canonical manifest holds finite numbers only");
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  throw new Error(`a canonical manifest cannot hold a ${typeof value}`);
}
