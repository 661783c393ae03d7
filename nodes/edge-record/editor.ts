import { editorDefaults, nameOr, prepareDialog, saveDialog } from "../_shared/editor/define";
import type { ConfigOf } from "../../lib/settings/spec";
import { migrations, table, type } from "./settings";

const settings = { type, table, migrations };

RED.nodes.registerType<ConfigOf<typeof table>>("edge-record", {
  category: "edge ai",
  color: "#A6E3A1",
  defaults: editorDefaults(settings),
  inputs: 1,
  outputs: 1,
  icon: "edge-record.svg",
  paletteLabel() {
    return this._("edge-record.paletteLabel");
  },
  label() {
    return nameOr(this, type);
  },
  outputLabels() {
    return this._("edge-record.outputLabels.replies");
  },
  oneditprepare() {
    prepareDialog(this, settings);
  },
  oneditsave() {
    saveDialog(this, settings);
  },
});
