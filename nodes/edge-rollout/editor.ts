import { editorDefaults, nameOr, prepareDialog, saveDialog } from "../_shared/editor/define";
import type { ConfigOf } from "../../lib/settings/spec";
import { migrations, table, type } from "./settings";

const settings = { type, table, migrations };

RED.nodes.registerType<ConfigOf<typeof table>>("edge-rollout", {
  category: "edge ai",
  color: "#A6E3A1",
  defaults: editorDefaults(settings),
  credentials: {
    publicKeys: { type: "text" },
  },
  inputs: 1,
  outputs: 2,
  icon: "edge-fleet.svg",
  paletteLabel() {
    return this._("edge-rollout.paletteLabel");
  },
  label() {
    return nameOr(this, type);
  },
  outputLabels(i) {
    return this._(i === 0 ? "edge-rollout.outputs.publish" : "edge-rollout.outputs.events");
  },
  oneditprepare() {
    prepareDialog(this, settings);
  },
  oneditsave() {
    saveDialog(this, settings);
  },
});
