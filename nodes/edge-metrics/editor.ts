import { editorDefaults, nameOr, prepareDialog, saveDialog, showWhen, typedInput } from "../_shared/editor/define";
import type { ConfigOf } from "../../lib/settings/spec";
import { GATEWAY_SOURCES, migrations, table, type } from "./settings";

const settings = { type, table, migrations };

RED.nodes.registerType<ConfigOf<typeof table>>("edge-metrics", {
  category: "edge ai",
  color: "#A6E3A1",
  defaults: editorDefaults(settings),
  inputs: 1,
  outputs: 1,
  icon: "edge-fleet.svg",
  paletteLabel() {
    return this._("edge-metrics.paletteLabel");
  },
  label() {
    return nameOr(this, type);
  },
  outputLabels() {
    return this._("edge-metrics.outputs.heartbeat");
  },
  oneditprepare() {
    prepareDialog(this, settings);
    typedInput("gatewayId", GATEWAY_SOURCES);
    showWhen("endpoint", "edge-metrics-endpoint", (v) => v !== "off");
  },
  oneditsave() {
    saveDialog(this, settings);
  },
});
