/**
 * The Basics Station settings of edge-lorawan-gateway as the editor stores them (text fields, and a key pasted into
 * a password field), made into LnsServer options with a clear error for each mistake. A password field keeps one
 * line: a pasted PEM key arrives with its line breaks removed, so PEM blocks are put back into 64-column lines.
 */
import { regionNamed, RegionName } from "../regions";
import { parseEui } from "./eui";
import { routerConfig, RouterConfigOptions, STATION_REGIONS } from "./router-config";

export class StationSettingsError extends Error {
  override name = "StationSettingsError";
}

export interface StationSettingsInput {
  region?: string;
  subBand?: string;
  netIds?: string;
  joinEuis?: string;
  cert?: string;
  key?: string;
  passphrase?: string;
  token?: string;
}

export interface StationSettings {
  region: RegionName;
  routerConfig: RouterConfigOptions;
  tls?: { cert: string; key: string; passphrase?: string };
  authorization?: string;
}

/** Re-wraps every PEM block (BEGIN … END) of `text`; whitespace inside the base64 body is dropped first. */
export function normalisePem(text: string): string {
  const blocks = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]{1,64})-----([\s\S]*?)-----END \1-----/g)];
  if (blocks.length === 0) throw new StationSettingsError("not PEM: no -----BEGIN …----- / -----END …----- block");
  return blocks
    .map(([, label, body]) => {
      const b64 = body.replace(/\s+/g, "");
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw new StationSettingsError(`the ${label} block is not base64 (an encrypted key with Proc-Type headers? use PKCS#8: openssl pkcs8 -topk8)`);
      return `-----BEGIN ${label}-----\n${b64.match(/.{1,64}/g)!.join("\n")}\n-----END ${label}-----\n`;
    })
    .join("");
}

export function stationSettings(input: StationSettingsInput): StationSettings {
  const region = regionNamed(input.region || "EU868");
  if (!region || !STATION_REGIONS.includes(region.name)) throw new StationSettingsError(`Basics Station region ${input.region}: one of ${STATION_REGIONS.join(", ")} (AS923 is AS923-1)`);
  const subBand = input.subBand ? Number(input.subBand) : undefined;
  const netIds = list(input.netIds).map((s) => {
    if (!/^[0-9a-fA-F]{1,6}$/.test(s)) throw new StationSettingsError(`NetID ${s}: 6 hex digits, e.g. 000013`);
    return parseInt(s, 16);
  });
  const joinEuiRanges = list(input.joinEuis).map((s): [bigint, bigint] => {
    const [lo, hi = lo, extra] = s.split(/\s*\.\.\s*|\s+-\s+|\s*~\s*/);
    const a = parseEui(lo);
    const b = parseEui(hi);
    if (extra !== undefined || a === undefined || b === undefined || a > b) throw new StationSettingsError(`JoinEUI range ${s}: an EUI, or two as FIRST..LAST (16 hex digits each)`);
    return [a, b];
  });
  const options: RouterConfigOptions = { subBand, netIds, joinEuiRanges };
  routerConfig(region, options); // a sub-band out of range is refused now, not when the first station connects
  const cert = input.cert?.trim();
  const key = input.key?.trim();
  if (!!cert !== !!key) throw new StationSettingsError("wss:// needs both a certificate and its private key (or neither, for ws://)");
  // tc.key holds the whole header line; the bare value is what arrives as req.headers.authorization
  const token = input.token?.trim().replace(/^authorization:\s*/i, "");
  return {
    region: region.name,
    routerConfig: options,
    tls: cert && key ? { cert: normalisePem(cert), key: normalisePem(key), passphrase: input.passphrase || undefined } : undefined,
    // the station sends tc.key's line as its Authorization header: "Bearer …" or the bare token both work here
    authorization: token ? (/^[A-Za-z]+ /.test(token) ? token : `Bearer ${token}`) : undefined,
  };
}

function list(text: string | undefined): string[] {
  return (text ?? "")
    .split(/[,;\n]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
