import { editorDefaults, nameOr, prepareDialog, saveDialog, showWhen, typedInput } from "../_shared/editor/define";
import type { ConfigOf } from "../../lib/settings/spec";
import { DEVICE_SOURCES, FPORT_SOURCES, migrations, table, type } from "./settings";

const settings = { type, table, migrations };

RED.nodes.registerType<ConfigOf<typeof table>>("edge-lorawan-downlink", {
  category: "edge ai",
  color: "#F9E2AF",
  defaults: editorDefaults(settings),
  inputs: 1,
  outputs: 1,
  icon: "edge-lorawan.svg",
  align: "right",
  paletteLabel() {
    return this._("edge-lorawan-downlink.paletteLabel");
  },
  label() {
    return nameOr(this, type);
  },
  outputLabels() {
    return this._("edge-lorawan-downlink.outputLabels." + (this.format || "chirpstack"));
  },
  oneditprepare() {
    prepareDialog(this, settings);
    typedInput("device", DEVICE_SOURCES);
    typedInput("fPort", FPORT_SOURCES);
    showWhen("format", "edge-lw-ns", (f) => f !== "raw");
    showWhen("format", "edge-lw-ttn", (f) => f === "ttn");
    showWhen("format", "edge-lw-raw", (f) => f === "raw");
  },
  oneditsave() {
    saveDialog(this, settings);
  },
});
