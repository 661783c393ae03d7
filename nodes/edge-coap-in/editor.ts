import { editorDefaults, prepareDialog, saveDialog, showWhen } from "../_shared/editor/define";
import type { ConfigOf } from "../../lib/settings/spec";
import { METHODS, migrations, table, type, type Method } from "./settings";

const settings = { type, table, migrations };

RED.nodes.registerType<ConfigOf<typeof table>>("edge-coap-in", {
  category: "edge ai",
  color: "#89B4FA",
  defaults: editorDefaults(settings),
  inputs: 1,
  outputs: 1,
  icon: "edge-coap.svg",
  paletteLabel() {
    return this._("edge-coap-in.paletteLabel");
  },
  label() {
    return this.name || "coap " + (this.path || "");
  },
  inputLabels() {
    return this._("edge-coap-in.inputLabels");
  },
  outputLabels() {
    return this._("edge-coap-in.outputLabels");
  },
  oneditprepare() {
    const migrated = prepareDialog(this, settings);
    const methods: readonly string[] = migrated.methods ?? [];
    for (const m of METHODS) $(`#node-input-method-${m}`).prop("checked", methods.includes(m));
    showWhen("observable", "edge-coap-observe", (on) => on === true);
  },
  oneditsave() {
    this.methods = METHODS.filter((m: Method) => $(`#node-input-method-${m}`).is(":checked"));
    saveDialog(this, settings);
  },
});
