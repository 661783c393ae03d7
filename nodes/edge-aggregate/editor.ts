import { editorDefaults, nameOr, prepareDialog, saveDialog, showWhen } from "../_shared/editor/define";
import type { ConfigOf } from "../../lib/settings/spec";
import { migrations, table, type } from "./settings";

const settings = { type, table, migrations };

RED.nodes.registerType<ConfigOf<typeof table>>("edge-aggregate", {
  category: "edge ai",
  color: "#FAB387",
  defaults: editorDefaults(settings),
  inputs: 1,
  outputs: 1,
  icon: "edge-aggregate.svg",
  paletteLabel() {
    return this._("edge-aggregate.paletteLabel");
  },
  label() {
    return nameOr(this, type);
  },
  outputLabels() {
    return this._("edge-aggregate.outputLabel");
  },
  oneditprepare() {
    prepareDialog(this, settings);
    showWhen("kind", "edge-agg-slide", (v) => v === "sliding");
    showWhen("output", "edge-agg-encoding", (v) => v === "batch");
  },
  oneditsave() {
    saveDialog(this, settings);
  },
});
