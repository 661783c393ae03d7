import { editorDefaults, prepareDialog, saveDialog, typedInput } from "../_shared/editor/define";
import type { ConfigOf } from "../../lib/settings/spec";
import { DEVICE_NAME_SOURCES, migrations, table, type } from "./settings";

const settings = { type, table, migrations };

RED.nodes.registerType<ConfigOf<typeof table>>("edge-modbus", {
  category: "edge ai",
  color: "#A6E3A1",
  defaults: editorDefaults(settings),
  inputs: 1,
  outputs: 2,
  icon: "edge-modbus.svg",
  paletteLabel() {
    return this._("edge-modbus.paletteLabel");
  },
  label() {
    const device = !this.deviceNameType || this.deviceNameType === "str" ? this.deviceName : `${this.deviceNameType}.${this.deviceName}`;
    return this.name || device || this._("edge-modbus.paletteLabel");
  },
  outputLabels(i) {
    return this._(i === 0 ? "edge-modbus.outputLabels.readings" : "edge-modbus.outputLabels.writes");
  },
  oneditprepare() {
    prepareDialog(this, settings);
    typedInput("deviceName", DEVICE_NAME_SOURCES);
  },
  oneditsave() {
    saveDialog(this, settings);
  },
});
