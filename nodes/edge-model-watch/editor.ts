import { editorDefaults, nameOr, prepareDialog, saveDialog } from "../_shared/editor/define";
import type { ConfigOf } from "../../lib/settings/spec";
import { migrations, table, type } from "./settings";

const settings = { type, table, migrations };

RED.nodes.registerType<ConfigOf<typeof table>>("edge-model-watch", {
  category: "edge ai",
  color: "#F5C2E7",
  defaults: editorDefaults(settings),
  inputs: 1,
  outputs: 2,
  icon: "edge-tflite.svg",
  paletteLabel() {
    return this._("edge-model-watch.paletteLabel");
  },
  label() {
    return nameOr(this, type);
  },
  outputLabels(i) {
    return this._(i === 0 ? "edge-model-watch.outputs.alerts" : "edge-model-watch.outputs.reports");
  },
  oneditprepare() {
    prepareDialog(this, settings);
  },
  oneditsave() {
    saveDialog(this, settings);
  },
});
