/**
 * SenML (RFC 8428) packs, JSON or CBOR, resolved into plain records: base name, time, unit and value applied,
 * relative times made absolute (times under 2^28 are relative to now, per the RFC).
 */
import { decodeFirstSync } from "cbor";

export interface SenmlRecord {
  name: string;
  unit?: string;
  value: number | string | boolean | Buffer;
  /** epoch milliseconds */
  time: number;
}

// RFC 8428 section 6: CBOR labels
const CBOR_LABELS: Record<number, string> = { [-1]: "bver", [-2]: "bn", [-3]: "bt", [-4]: "bu", [-5]: "bv", [-6]: "bs", 0: "n", 1: "u", 2: "v", 3: "vs", 4: "vb", 5: "s", 6: "t", 7: "ut", 8: "vd" };

export function isSenmlPack(payload: unknown): boolean {
  return Array.isArray(payload) && payload.length > 0 && payload.every((r) => r !== null && typeof r === "object" && !Array.isArray(r)) && payload.some((r) => "n" in r || "bn" in r || "v" in r || "vs" in r || "vb" in r);
}

export function decodeSenmlCbor(buf: Buffer): Array<Record<string, unknown>> {
  const decoded = decodeFirstSync(buf) as unknown;
  if (!Array.isArray(decoded)) throw new Error("a SenML CBOR pack is an array");
  return decoded.map((rec) => {
    if (!(rec instanceof Map) && (rec === null || typeof rec !== "object")) throw new Error("a SenML record is a map");
    const out: Record<string, unknown> = {};
    const entries = rec instanceof Map ? [...rec.entries()] : Object.entries(rec as Record<string, unknown>);
    for (const [k, v] of entries) out[typeof k === "number" || /^-?\d+$/.test(String(k)) ? (CBOR_LABELS[Number(k)] ?? String(k)) : String(k)] = v;
    return out;
  });
}

export function resolveSenml(pack: Array<Record<string, unknown>>, now = Date.now()): SenmlRecord[] {
  let bn = "";
  let bt = 0;
  let bu: string | undefined;
  let bv = 0;
  const out: SenmlRecord[] = [];
  for (const r of pack) {
    if (typeof r.bn === "string") bn = r.bn;
    if (typeof r.bt === "number") bt = r.bt;
    if (typeof r.bu === "string") bu = r.bu;
    if (typeof r.bv === "number") bv = r.bv;
    const name = bn + (typeof r.n === "string" ? r.n : "");
    if (!name) throw new Error("a SenML record has no name");
    let value: SenmlRecord["value"];
    if (typeof r.v === "number") value = r.v + bv;
    else if (typeof r.vs === "string") value = r.vs;
    else if (typeof r.vb === "boolean") value = r.vb;
    else if (r.vd !== undefined) value = Buffer.isBuffer(r.vd) ? r.vd : Buffer.from(String(r.vd), "base64url");
    else if (typeof r.s === "number") value = r.s;
    else if (bv !== 0 || "bv" in r) value = bv;
    else continue; // a record with only base fields
    const t = bt + (typeof r.t === "number" ? r.t : 0);
    const time = t >= 2 ** 28 ? t * 1000 : now + t * 1000;
    out.push({ name, unit: typeof r.u === "string" ? r.u : bu, value, time });
  }
  return out;
}
