import { editorDefaults, nameOr, prepareDialog, saveDialog, showWhen } from "../_shared/editor/define";
import type { ConfigOf } from "../../lib/settings/spec";
import { migrations, table, type } from "./settings";

const settings = { type, table, migrations };

RED.nodes.registerType<ConfigOf<typeof table>>("edge-buffer", {
  category: "edge ai",
  color: "#F9E2AF",
  defaults: editorDefaults(settings),
  inputs: 1,
  outputs: 2,
  icon: "edge-buffer.svg",
  paletteLabel() {
    return this._("edge-buffer.paletteLabel");
  },
  label() {
    return nameOr(this, type);
  },
  inputLabels() {
    return this._("edge-buffer.inputLabel");
  },
  outputLabels(i) {
    return this._(i === 0 ? "edge-buffer.outputLabels.deliver" : "edge-buffer.outputLabels.metrics");
  },
  oneditprepare() {
    prepareDialog(this, settings);
    showWhen("sync", "edge-buffer-group", (v) => v === "group");
  },
  oneditsave() {
    saveDialog(this, settings);
  },
});
