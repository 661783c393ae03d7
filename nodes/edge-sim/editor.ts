import { editorDefaults, nameOr, prepareDialog, saveDialog, showWhen } from "../_shared/editor/define";
import type { ConfigOf } from "../../lib/settings/spec";
import { migrations, table, type } from "./settings";

const settings = { type, table, migrations };

RED.nodes.registerType<ConfigOf<typeof table>>("edge-sim", {
  category: "edge ai",
  color: "#CBA6F7",
  defaults: editorDefaults(settings),
  inputs: 1,
  outputs: 2,
  icon: "edge-sim.svg",
  paletteLabel() {
    return this._("edge-sim.paletteLabel");
  },
  label() {
    return nameOr(this, type);
  },
  inputLabels() {
    return this._("edge-sim.inputLabel");
  },
  outputLabels(i) {
    return this._(i === 0 ? "edge-sim.outputLabels.devices" : "edge-sim.outputLabels.faults");
  },
  oneditprepare() {
    prepareDialog(this, settings);
    showWhen("lorawan", "edge-sim-forwarder", (v) => v === "packet-forwarder");
  },
  oneditsave() {
    saveDialog(this, settings);
  },
});
