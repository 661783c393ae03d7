import { editorDefaults, nameOr, prepareDialog, saveDialog } from "../_shared/editor/define";
import type { ConfigOf } from "../../lib/settings/spec";
import { migrations, table, type } from "./settings";

const settings = { type, table, migrations };
const OUTPUTS = ["events", "errors", "joins"];

RED.nodes.registerType<ConfigOf<typeof table>>("edge-lorawan-uplink", {
  category: "edge ai",
  color: "#F9E2AF",
  defaults: editorDefaults(settings),
  inputs: 1,
  outputs: 3,
  icon: "edge-lorawan.svg",
  paletteLabel() {
    return this._("edge-lorawan-uplink.paletteLabel");
  },
  label() {
    return nameOr(this, type);
  },
  outputLabels(i) {
    return this._(`edge-lorawan-uplink.outputLabels.${OUTPUTS[i]}`);
  },
  oneditprepare() {
    prepareDialog(this, settings);
  },
  oneditsave() {
    saveDialog(this, settings);
  },
});
