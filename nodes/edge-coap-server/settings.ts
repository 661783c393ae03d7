/** edge-coap-server's settings: the editor's defaults and the runtime's parsing (see lib/settings/spec.ts). */
import { choice, flag, list, num, parseWith, text, version, type Setting, type SettingsOf } from "../../lib/settings/spec";
import { fillMissing, migrate, type Config, type Migration } from "../../lib/settings/migrate";

export const type = "edge-coap-server";

export const BLOCK_SIZES = ["1024", "512", "256", "128", "64", "32", "16"] as const;

/** text where blank means "none" (the DTLS identity hint: no ServerKeyExchange) */
function optionalText(): Setting<string, string | undefined> {
  return { value: "", check: () => undefined, parse: (raw) => (raw === undefined || raw === null || String(raw) === "" ? undefined : String(raw)) };
}

/**
 * The PSK identities, their keys in the credentials. Left out (a flow written by hand with credentials only), every
 * identity that has a stored key, as before versions.
 */
function identities(): Setting<string[], string[] | undefined> {
  const base = list<string>([], (item) => typeof item === "string");
  return { ...base, parse: (raw) => (Array.isArray(raw) ? raw.filter((n): n is string => typeof n === "string" && n.trim() !== "").map((n) => n.trim()) : undefined) };
}

/** a number of a version 0 configuration the old runtime raised to `min` */
function atLeast(c: Config, field: string, min: number): void {
  const n = Number(c[field]);
  if (c[field] !== "" && c[field] !== undefined && Number.isFinite(n) && n < min) c[field] = String(min);
}

export const migrations: readonly Migration[] = [
  // before versions the runtime filled in what a flow left out, took a blank bind address for every interface and
  // raised a request size or flow timeout below 1 to 1
  {
    to: 1,
    why: "missing settings were the old runtime's; a blank bind address was 0.0.0.0; sizes and timeouts below 1 were 1",
    up: (c: Config) => {
      fillMissing({ port: "5683", maxPayloadKB: "1024", blockSize: "1024", responseTimeoutS: "30", dtls: false, dtlsPort: "5684", identityHint: "" })(c);
      if (!c.address) c.address = "0.0.0.0";
      atLeast(c, "maxPayloadKB", 1);
      atLeast(c, "responseTimeoutS", 1);
    },
  },
];

const port = (value: number) => num(value, { integer: true, min: 0, max: 65535 });

export const table = {
  version: version(1),
  name: text(),
  port: port(5683),
  address: text("0.0.0.0", { required: true }),
  maxPayloadKB: num(1024, { min: 1 }),
  blockSize: choice("1024", BLOCK_SIZES),
  responseTimeoutS: num(30, { min: 1 }),
  dtls: flag(false),
  dtlsPort: port(5684),
  identityHint: optionalText(),
  pskIdentities: identities(),
};

export type Settings = SettingsOf<typeof table>;

export function parseSettings(config: Record<string, unknown>): Settings {
  return parseWith(table, migrate(config, migrations).config);
}
