import { editorDefaults, nameOr, prepareDialog, saveDialog } from "../_shared/editor/define";
import type { ConfigOf } from "../../lib/settings/spec";
import { migrations, table, type } from "./settings";

const settings = { type, table, migrations };

RED.nodes.registerType<ConfigOf<typeof table>>("edge-tflite", {
  category: "edge ai",
  color: "#F5C2E7",
  defaults: editorDefaults(settings),
  inputs: 1,
  outputs: 2,
  icon: "edge-tflite.svg",
  paletteLabel() {
    return this._("edge-tflite.paletteLabel");
  },
  label() {
    return nameOr(this, type);
  },
  outputLabels(i) {
    return this._(i === 0 ? "edge-tflite.outputs.above" : "edge-tflite.outputs.below");
  },
  oneditprepare() {
    prepareDialog(this, settings);
  },
  oneditsave() {
    saveDialog(this, settings);
  },
});
