import { editorDefaults, prepareDialog, saveDialog, showWhen } from "../_shared/editor/define";
import type { ConfigOf } from "../../lib/settings/spec";
import { migrations, table, type } from "./settings";

const settings = { type, table, migrations };
const PEM = ["ca", "cert", "key"];

RED.nodes.registerType<ConfigOf<typeof table>>("edge-kafka-broker", {
  category: "config",
  color: "#F9E2AF",
  defaults: editorDefaults(settings),
  credentials: {
    ca: { type: "password" },
    cert: { type: "password" },
    key: { type: "password" },
    username: { type: "text" },
    password: { type: "password" },
  },
  label() {
    return this.name || this.brokers || this._("edge-kafka-broker.label.brokers");
  },
  oneditprepare() {
    prepareDialog(this, settings);
    // in a textarea Node-RED's placeholder for a stored secret would show as the text __PWRD__: a note instead
    for (const name of PEM) {
      const area = $(`#node-config-input-${name}`);
      if (area.val() === "__PWRD__") area.val("").attr("data-stored", "1").attr("placeholder", this._("edge-kafka-broker.placeholder.pemStored"));
    }
    showWhen("tls", "edge-kafka-tls", (on) => on === true);
    showWhen("sasl", "edge-kafka-sasl", (v) => v !== "none");
  },
  oneditsave() {
    // a stored PEM left blank is kept
    for (const name of PEM) {
      const area = $(`#node-config-input-${name}`);
      if (area.attr("data-stored") && !String(area.val() ?? "").trim()) area.val("__PWRD__");
    }
    saveDialog(this, settings);
  },
});
