/**
 * EUI-64s in the spellings Basics Station uses: ID6 ("b827:ebff:fe61:1234", "::1", as in router-info), dashed bytes
 * ("B8-27-EB-FF-FE-61-12-34", as in jreq and dntxed), colon or plain hex, or a JSON integer. Everything is read into a
 * bigint and written back as 16 upper-case hex digits (the gateway EUI this pack uses everywhere else).
 */
import { int64, LONG_INTEGER_PREFIX } from "./station-json";

const MAX = (1n << 64n) - 1n;

export function parseEui(value: unknown): bigint | undefined {
  if (typeof value === "number" || (typeof value === "string" && value.startsWith(LONG_INTEGER_PREFIX))) {
    const v = int64(value);
    return v !== undefined && v >= 0n && v <= MAX ? v : undefined;
  }
  if (typeof value !== "string" || value.length === 0 || value.length > 39) return undefined;
  const s = value.trim();
  if (/^[0-9a-fA-F]{16}$/.test(s)) return BigInt(`0x${s}`);
  if (/^[0-9a-fA-F]{2}([-:][0-9a-fA-F]{2}){7}$/.test(s)) return BigInt(`0x${s.replace(/[-:]/g, "")}`);
  return parseId6(s);
}

/** ID6: four 16-bit groups in hex, separated by ':', one run of zero groups written "::" (as IPv6 does) */
function parseId6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:]+$/.test(s)) return undefined;
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === "" ? [] : h.split(":"));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const fill = halves.length === 2 ? 4 - head.length - tail.length : 0;
  if (fill < 0 || (halves.length === 2 && fill === 0) || (halves.length === 1 && head.length !== 4)) return undefined;
  const all = [...head, ...Array<string>(fill).fill("0"), ...tail];
  if (all.length !== 4 || all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return all.reduce((acc, g) => (acc << 16n) | BigInt(`0x${g}`), 0n);
}

export function euiHex(eui: bigint): string {
  return eui.toString(16).toUpperCase().padStart(16, "0");
}

/** "B8-27-EB-FF-FE-61-12-34", as the station writes EUIs in its own messages */
export function euiDashed(eui: bigint): string {
  return euiHex(eui).match(/../g)!.join("-");
}

/** the ID6 the station itself uses for its router id, zero groups compressed */
export function id6(eui: bigint): string {
  const g = [48n, 32n, 16n, 0n].map((shift) => Number((eui >> shift) & 0xffffn));
  const hex = g.map((x) => x.toString(16));
  if (g[0] === 0 && g[1] === 0) return g[2] === 0 ? `::${hex[3]}` : `::${hex[2]}:${hex[3]}`;
  if (g[2] === 0 && g[3] === 0) return g[1] === 0 ? `${hex[0]}::` : `${hex[0]}:${hex[1]}::`;
  if (g[1] === 0 && g[2] === 0) return `${hex[0]}::${hex[3]}`;
  return hex.join(":");
}
