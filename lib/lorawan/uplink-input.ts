/**
 * Recognises what reached edge-lorawan-uplink and brings it to one shape: a ChirpStack v4 `event/up`, a TTN v3
 * uplink message, an rxpk from edge-lorawan-gateway, or a raw PHYPayload (Buffer, base64 or hex).
 */
import { LorawanError } from "./lorawan-error";
import { assertSizeWithin, assertWithinLimits, isPayloadLimitError, parseJsonWithin, PayloadLimits } from "../common/payload-limits";
import type { Rxpk } from "./packet-forwarder";

export type UplinkSource = "chirpstack" | "ttn" | "rxpk" | "raw";

export interface GatewayReception {
  gatewayId: string;
  rssi?: number;
  snr?: number;
  /** the gateway's concentrator timestamp (µs), needed to answer in RX1 */
  tmst?: number;
}

export interface RadioMetadata {
  gateways: GatewayReception[];
  rssi?: number;
  snr?: number;
  spreadingFactor?: number;
  bandwidth?: number;
  /** Hz */
  frequency?: number;
  /** as the forwarder writes it, e.g. "SF9BW125" */
  dataRate?: string;
  codingRate?: string;
}

export interface UplinkInput {
  source: UplinkSource;
  devEui?: string;
  deviceName?: string;
  devAddr?: string;
  fCnt?: number;
  fPort?: number;
  /** the network server says the device sent a ConfirmedDataUp */
  confirmed?: boolean;
  /** the decrypted FRMPayload a network server hands on */
  payload?: Buffer;
  /** what the network server's own codec made of it */
  decoded?: Record<string, unknown>;
  /** a frame still to verify and decrypt */
  phyPayload?: Buffer;
  /** epoch ms */
  receivedAt?: number;
  radio: RadioMetadata;
}

export interface ReceptionContext {
  /** gateways that heard an rxpk (edge-lorawan-gateway sets msg.receptions) */
  receptions?: Array<{ gatewayEui: string; rxpk: Rxpk }>;
  gatewayEui?: string;
}

/**
 * What an uplink may be: the shared defaults (1 MiB, 64 levels), far above a real event (a few KB, under 10 levels),
 * low enough that nothing recursive meets an input beyond them.
 */
export const UPLINK_LIMITS: PayloadLimits = {};

export function recogniseUplink(payload: unknown, context: ReceptionContext = {}): UplinkInput {
  try {
    if (typeof payload === "string" || payload instanceof Uint8Array) assertSizeWithin(payload, UPLINK_LIMITS, "uplink payload");
    else if (payload && typeof payload === "object") assertWithinLimits(payload, UPLINK_LIMITS, "uplink payload");
  } catch (err) {
    if (isPayloadLimitError(err)) throw new LorawanError("malformed-input", err.message);
    throw err;
  }
  return recognise(payload, context);
}

function recognise(payload: unknown, context: ReceptionContext): UplinkInput {
  if (Buffer.isBuffer(payload) || payload instanceof Uint8Array) return { source: "raw", phyPayload: Buffer.from(payload), radio: { gateways: [] } };
  if (typeof payload === "string") {
    const text = payload.trim();
    if (text.startsWith("{")) return recognise(parseJson(text), context);
    return { source: "raw", phyPayload: textBytes(text), radio: { gateways: [] } };
  }
  if (!payload || typeof payload !== "object" || Array.isArray(payload)) throw new LorawanError("malformed-input", "expected a ChirpStack or TTN uplink object, an rxpk, or a PHYPayload (Buffer, base64 or hex)");
  const o = payload as Record<string, unknown>;
  if (isObject(o.deviceInfo)) return chirpstack(o);
  if (isObject(o.end_device_ids)) return ttn(o);
  if (typeof o.data === "string" && ("datr" in o || "modu" in o || "tmst" in o)) return rxpk(o as Rxpk, context);
  throw new LorawanError("malformed-input", "object is neither a ChirpStack event/up (deviceInfo), a TTN uplink (end_device_ids) nor an rxpk (data, datr)");
}

function chirpstack(o: Record<string, unknown>): UplinkInput {
  const info = o.deviceInfo as Record<string, unknown>;
  const devEui = str(info.devEui);
  if (!devEui) throw new LorawanError("malformed-input", "ChirpStack event without deviceInfo.devEui");
  if (o.data !== undefined && typeof o.data !== "string") throw new LorawanError("malformed-input", "ChirpStack event: data is not a base64 string");
  const tx = isObject(o.txInfo) ? o.txInfo : {};
  const lora = isObject(tx.modulation) && isObject(tx.modulation.lora) ? tx.modulation.lora : {};
  const rx = Array.isArray(o.rxInfo) ? o.rxInfo.filter(isObject) : [];
  const gateways = rx.map((r) => ({ gatewayId: str(r.gatewayId) ?? "", rssi: num(r.rssi), snr: num(r.snr) }));
  return {
    source: "chirpstack",
    devEui,
    deviceName: str(info.deviceName),
    devAddr: str(o.devAddr),
    // ChirpStack's JSON leaves out fields at their zero value (proto3): no fCnt is the first frame
    fCnt: num(o.fCnt) ?? 0,
    fPort: num(o.fPort),
    confirmed: o.confirmed === true,
    payload: typeof o.data === "string" ? base64(o.data, "data") : undefined,
    decoded: isObject(o.object) ? o.object : undefined,
    receivedAt: time(o.time),
    radio: withBest({ gateways, spreadingFactor: num(lora.spreadingFactor), bandwidth: num(lora.bandwidth), frequency: num(tx.frequency), codingRate: str(lora.codeRate) }),
  };
}

function ttn(o: Record<string, unknown>): UplinkInput {
  const ids = o.end_device_ids as Record<string, unknown>;
  const up = o.uplink_message;
  if (!isObject(up)) throw new LorawanError("malformed-input", "TTN message without uplink_message (a join, ack or other event, not an uplink)");
  const devEui = str(ids.dev_eui);
  const deviceName = str(ids.device_id);
  if (!devEui && !deviceName) throw new LorawanError("malformed-input", "TTN uplink without end_device_ids.dev_eui or device_id");
  if (up.frm_payload !== undefined && typeof up.frm_payload !== "string") throw new LorawanError("malformed-input", "TTN uplink: frm_payload is not a base64 string");
  const settings = isObject(up.settings) ? up.settings : {};
  const dr = isObject(settings.data_rate) && isObject(settings.data_rate.lora) ? settings.data_rate.lora : {};
  const meta = Array.isArray(up.rx_metadata) ? up.rx_metadata.filter(isObject) : [];
  const gateways = meta.map((m) => ({
    gatewayId: str(isObject(m.gateway_ids) ? m.gateway_ids.gateway_id : undefined) ?? str(isObject(m.gateway_ids) ? m.gateway_ids.eui : undefined) ?? "",
    rssi: num(m.rssi) ?? num(m.channel_rssi),
    snr: num(m.snr),
  }));
  return {
    source: "ttn",
    devEui,
    deviceName,
    devAddr: str(ids.dev_addr),
    fCnt: num(up.f_cnt) ?? 0,
    fPort: num(up.f_port),
    confirmed: up.confirmed === true,
    payload: typeof up.frm_payload === "string" ? base64(up.frm_payload, "frm_payload") : undefined,
    decoded: isObject(up.decoded_payload) ? up.decoded_payload : undefined,
    receivedAt: time(o.received_at ?? up.received_at),
    radio: withBest({ gateways, spreadingFactor: num(dr.spreading_factor), bandwidth: num(dr.bandwidth), frequency: num(settings.frequency), codingRate: str(dr.coding_rate) ?? str(settings.coding_rate) }),
  };
}

function rxpk(p: Rxpk, context: ReceptionContext): UplinkInput {
  const receptions = context.receptions?.length ? context.receptions : [{ gatewayEui: context.gatewayEui ?? "", rxpk: p }];
  const datr = typeof p.datr === "string" ? p.datr : undefined;
  const m = datr ? /^SF(\d+)BW(\d+)$/.exec(datr) : null;
  return {
    source: "rxpk",
    phyPayload: base64(p.data, "rxpk data"),
    receivedAt: time(p.time),
    radio: withBest({
      gateways: receptions.map((r) => ({ gatewayId: r.gatewayEui, rssi: num(r.rxpk.rssi), snr: num(r.rxpk.lsnr), tmst: num(r.rxpk.tmst) })),
      spreadingFactor: m ? Number(m[1]) : undefined,
      bandwidth: m ? Number(m[2]) * 1000 : undefined,
      frequency: typeof p.freq === "number" ? Math.round(p.freq * 1e6) : undefined,
      dataRate: datr,
      codingRate: typeof p.codr === "string" ? p.codr : undefined,
    }),
  };
}

/** the strongest reception's RSSI and SNR at the top level, as dashboards want them */
function withBest(radio: RadioMetadata): RadioMetadata {
  const best = radio.gateways.reduce<GatewayReception | undefined>((a, b) => (!a || (b.snr ?? -100) > (a.snr ?? -100) ? b : a), undefined);
  const out: RadioMetadata = { ...radio, rssi: best?.rssi, snr: best?.snr };
  for (const k of Object.keys(out) as Array<keyof RadioMetadata>) if (out[k] === undefined) delete out[k];
  return out;
}

function textBytes(text: string): Buffer {
  if (text.length === 0) throw new LorawanError("malformed-input", "empty payload");
  // no repeated group: /^([0-9a-f]{2})+$/ overflows the regexp stack on a long string
  if (text.length % 2 === 0 && /^[0-9a-fA-F]+$/.test(text)) return Buffer.from(text, "hex");
  return base64(text, "payload");
}

function base64(text: string, what: string): Buffer {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) throw new LorawanError("malformed-input", `${what} is neither hex nor base64`);
  return Buffer.from(text, "base64");
}

function parseJson(text: string): unknown {
  try {
    return parseJsonWithin(text, UPLINK_LIMITS, "uplink payload");
  } catch (err) {
    if (isPayloadLimitError(err)) throw new LorawanError("malformed-input", err.message);
    throw new LorawanError("malformed-input", `malformed JSON: ${(err as Error).message}`);
  }
}

function time(v: unknown): number | undefined {
  if (typeof v !== "string") return undefined;
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === "object" && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v.length > 0 ? v : undefined;
}

function num(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}
