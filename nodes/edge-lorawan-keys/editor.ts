import { editorDefaults, fieldList, prepareDialog, readFieldList, saveDialog, showWhen, type ListField } from "../_shared/editor/define";
import type { ConfigOf } from "../../lib/settings/spec";
import { KEY_FIELDS, migrations, REGIONS, table, type, type CodecScript, type DeviceRow, type KeyField } from "./settings";

const settings = { type, table, migrations };
const DEVICES = "node-config-input-devices-container";
const CODECS = "node-config-input-codecs-container";
const HEX32 = /^[0-9A-Fa-f]{32}$/;
const KEY_LABELS: Record<KeyField, string> = { nwkSKey: "NwkSKey (ABP)", appSKey: "AppSKey (ABP)", appKey: "AppKey (OTAA)" };

/** a device row's fields, in the order shown; the classes are what the node's code (and tests) look rows up by */
function deviceFields(codecNames: readonly string[], t: Translate): ListField[] {
  const f = (name: string, width: string, more: Partial<ListField> = {}): ListField => ({ name, width, className: `edge-lw-${name.toLowerCase()}`, ...more });
  return [
    f("name", "22%"),
    f("devEui", "30%"),
    f("devAddr", "18%"),
    f("codec", "24%", { options: ["none", "cayenne-lpp", ...codecNames] }),
    f("nwkSKey", "48%", { password: true }),
    f("appSKey", "48%", { password: true }),
    f("joinEui", "30%"),
    f("appKey", "48%", { password: true }),
    // how the device listens: class, region (blank: the table's), receive window and RX settings it was given
    f("class", "14%", { options: ["A", "C"] }),
    f("region", "22%", { options: ["", ...REGIONS] }),
    f("rxWindow", "14%", { options: ["rx1", "rx2"] }),
    f("fCntStart", "22%", { placeholder: t("edge-lorawan-keys.placeholder.fCntStart") }),
    f("rx1DrOffset", "16%"),
    f("rx2DataRate", "16%"),
    f("rx2Frequency", "22%"),
    f("rxDelay", "16%"),
  ];
}

type Translate = (key: string, params?: Record<string, unknown>) => string;

/** what a device field is called in its placeholder and tooltip (the radio settings: what they mean) */
function fieldLabel(field: string, t: Translate): string {
  if ((KEY_FIELDS as readonly string[]).includes(field)) return KEY_LABELS[field as KeyField];
  const literal: Record<string, string> = { devEui: "DevEUI", devAddr: "DevAddr", joinEui: "JoinEUI (OTAA)", rx1DrOffset: "RX1DROffset", codec: "codec" };
  if (literal[field]) return literal[field];
  if (["class", "region", "rxWindow", "fCntStart"].includes(field)) return t(`edge-lorawan-keys.title.${field}`);
  return t(`edge-lorawan-keys.placeholder.${field}`);
}

function optionLabel(field: string, value: string, t: Translate): string {
  if (field === "codec") return value === "none" ? t("edge-lorawan-keys.codec.none") : value === "cayenne-lpp" ? "Cayenne LPP" : value;
  if (field === "class") return `Class ${value}`;
  if (field === "region") return value === "" ? t("edge-lorawan-keys.region.table") : value;
  return value.toUpperCase();
}

const normEui = (v: string) => v.replace(/[\s:-]/g, "").toUpperCase();
/** a number field left blank is absent: the region's default */
const numberOf = (v: string | undefined) => (v === undefined || v.trim() === "" ? undefined : Number(v));

function parseJson<T>(text: unknown): T[] {
  try {
    const value = JSON.parse(String(text || "[]")) as unknown;
    return Array.isArray(value) ? (value as T[]) : [];
  } catch {
    return [];
  }
}

/** marks the key fields that hold a stored key (the running node says which, never the key itself) */
function showStoredKeys(node: EditorNode, presence: Record<string, string[]>): void {
  $(`#${DEVICES}`)
    .editableList("items")
    .each(function () {
      const row = $(this);
      const stored = presence[String(row.find(".edge-lw-deveui").attr("data-original"))] ?? [];
      for (const k of KEY_FIELDS) {
        if (stored.includes(k)) row.find(`.edge-lw-${k.toLowerCase()}`).attr("placeholder", node._("edge-lorawan-keys.placeholder.keyUnchanged", { key: KEY_LABELS[k] }));
      }
    });
}

RED.nodes.registerType<ConfigOf<typeof table>>("edge-lorawan-keys", {
  category: "config",
  color: "#F9E2AF",
  defaults: editorDefaults(settings),
  credentials: {
    keys: { type: "password" },
    keyEdits: { type: "password" },
  },
  label() {
    if (this.name) return this.name;
    if (this.source === "simulator") return this._("edge-lorawan-keys.label.simulatorTable");
    return this._("edge-lorawan-keys.label.devices", { n: parseJson(this.devices).length });
  },
  oneditprepare() {
    const node = this;
    const migrated = prepareDialog(node, settings);
    const codecs = parseJson<CodecScript>(migrated.codecs);
    fieldList<Partial<CodecScript>>(CODECS, {
      fields: [
        { name: "name", width: "100%", className: "edge-lw-codec-name" },
        { name: "script", width: "100%", rows: 8, className: "edge-lw-codec-script", placeholder: "function decodeUplink(input) { return { data: {} }; }" },
      ],
      items: codecs,
      blank: { name: "", script: "" },
      label: (f) => (f === "name" ? node._("edge-lorawan-keys.placeholder.codecName") : "decodeUplink / encodeDownlink"),
      height: 220,
    });
    fieldList<Partial<DeviceRow>>(DEVICES, {
      fields: deviceFields(
        codecs.map((c) => c.name),
        (k, p) => node._(k, p),
      ),
      items: parseJson<DeviceRow>(migrated.devices),
      blank: { codec: "cayenne-lpp" },
      label: (f) => fieldLabel(f, (k, p) => node._(k, p)),
      optionLabel: (f, v) => optionLabel(f, v, (k, p) => node._(k, p)),
      height: 260,
      added(row, d) {
        // the DevEUI when the dialog opened, so a corrected DevEUI keeps the device's keys
        row.find(".edge-lw-deveui").attr("data-original", String(d.devEui ?? "").toUpperCase());
        if (!d.codec) row.find(".edge-lw-codec").val("cayenne-lpp");
        for (const k of KEY_FIELDS) row.find(`.edge-lw-${k.toLowerCase()}`).attr("data-label", KEY_LABELS[k]);
      },
    });
    if (node.id) $.getJSON(`edge-lorawan-keys/${encodeURIComponent(node.id)}/keys`).done((data: { devices?: Record<string, string[]> }) => showStoredKeys(node, data.devices ?? {}));
    showWhen("source", "edge-lw-table", (v) => v !== "simulator");
    showWhen("source", "edge-lw-sim", (v) => v === "simulator");
  },
  oneditsave() {
    const node = this;
    const devices: DeviceRow[] = [];
    const edits: Record<string, Record<string, string>> = {};
    const originals: string[] = [];
    $(`#${DEVICES}`)
      .editableList("items")
      .each(function () {
        originals.push(String($(this).find(".edge-lw-deveui").attr("data-original") ?? ""));
      });
    readFieldList(DEVICES).forEach((r, i) => {
      const devEui = normEui(r.devEui ?? "");
      if (!devEui) return;
      devices.push({
        name: r.name,
        devEui,
        devAddr: (r.devAddr ?? "").toUpperCase(),
        joinEui: normEui(r.joinEui ?? "") || undefined,
        codec: r.codec,
        class: r.class === "C" ? "C" : undefined,
        region: r.region || undefined,
        rxWindow: r.rxWindow === "rx2" ? "rx2" : undefined,
        fCntStart: numberOf(r.fCntStart),
        rx1DrOffset: numberOf(r.rx1DrOffset),
        rx2DataRate: numberOf(r.rx2DataRate),
        rx2Frequency: numberOf(r.rx2Frequency),
        rxDelay: numberOf(r.rxDelay),
      });
      // only what was typed: the runtime keeps every key left blank (Node-RED never sends them to the editor)
      const edit: Record<string, string> = {};
      if (originals[i] && originals[i] !== devEui) edit.from = originals[i];
      let bad = false;
      for (const k of KEY_FIELDS) {
        const value = (r[k] ?? "").replace(/\s/g, "");
        if (!value) continue;
        edit[k] = value;
        if (!HEX32.test(value)) bad = true;
      }
      if (Object.keys(edit).length > 0) edits[devEui] = edit;
      if (bad) RED.notify(node._("edge-lorawan-keys.errors.keyFormat", { device: devEui }), "warning");
    });
    const codecs = readFieldList(CODECS)
      .map((c) => ({ name: (c.name ?? "").trim(), script: c.script ?? "" }))
      .filter((c) => c.name);
    this.devices = JSON.stringify(devices);
    this.codecs = JSON.stringify(codecs);
    $("#node-config-input-keyEdits").val(Object.keys(edits).length ? JSON.stringify(edits) : "__PWRD__");
    saveDialog(this, settings);
  },
});
