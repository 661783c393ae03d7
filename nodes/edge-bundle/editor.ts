import { editorDefaults, nameOr, prepareDialog, saveDialog, typedInput } from "../_shared/editor/define";
import type { ConfigOf } from "../../lib/settings/spec";
import { GATEWAY_SOURCES, migrations, table, type } from "./settings";

const settings = { type, table, migrations };

RED.nodes.registerType<ConfigOf<typeof table>>("edge-bundle", {
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
    return this._("edge-bundle.paletteLabel");
  },
  label() {
    return nameOr(this, type);
  },
  outputLabels(i) {
    return this._(i === 0 ? "edge-bundle.outputs.activate" : "edge-bundle.outputs.events");
  },
  oneditprepare() {
    prepareDialog(this, settings);
    typedInput("gatewayId", GATEWAY_SOURCES);
  },
  oneditsave() {
    saveDialog(this, settings);
  },
});
