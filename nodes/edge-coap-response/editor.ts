import { editorDefaults, prepareDialog, saveDialog } from "../_shared/editor/define";
import type { ConfigOf } from "../../lib/settings/spec";
import { migrations, table, type } from "./settings";

const settings = { type, table, migrations };

RED.nodes.registerType<ConfigOf<typeof table>>("edge-coap-response", {
  category: "edge ai",
  color: "#89B4FA",
  defaults: editorDefaults(settings),
  inputs: 1,
  outputs: 0,
  icon: "edge-coap.svg",
  align: "right",
  paletteLabel() {
    return this._("edge-coap-response.paletteLabel");
  },
  label() {
    return this.name || (this.code ? "coap " + this.code : this._("edge-coap-response.paletteLabel"));
  },
  oneditprepare() {
    prepareDialog(this, settings);
  },
  oneditsave() {
    saveDialog(this, settings);
  },
});
