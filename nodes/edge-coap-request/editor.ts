import { editorDefaults, prepareDialog, saveDialog, typedInput } from "../_shared/editor/define";
import type { ConfigOf } from "../../lib/settings/spec";
import { migrations, table, type, URL_SOURCES } from "./settings";

const settings = { type, table, migrations };

RED.nodes.registerType<ConfigOf<typeof table>>("edge-coap-request", {
  category: "edge ai",
  color: "#89B4FA",
  defaults: editorDefaults(settings),
  credentials: {
    identity: { type: "text" },
    key: { type: "password" },
  },
  inputs: 1,
  outputs: 1,
  icon: "edge-coap.svg",
  paletteLabel() {
    return this._("edge-coap-request.paletteLabel");
  },
  label() {
    const url = !this.urlType || this.urlType === "str" ? this.url : `${this.urlType}.${this.url}`;
    return this.name || (this.method || "GET") + " " + (url || "msg.url");
  },
  oneditprepare() {
    prepareDialog(this, settings);
    typedInput("url", URL_SOURCES);
    // the PSK identity and key are for coaps:// only (a URL from the context may be either: both shown)
    const url = $("#node-input-url");
    const showPsk = () => $(".edge-coap-psk").toggle($("#node-input-urlType").val() !== "str" || /^coaps:/i.test(String(url.typedInput("value"))));
    url.on("change", showPsk);
    showPsk();
  },
  oneditsave() {
    saveDialog(this, settings);
  },
});
