import { editorDefaults, prepareDialog, saveDialog } from "../_shared/editor/define";
import type { ConfigOf } from "../../lib/settings/spec";
import { migrations, table, type } from "./settings";

const settings = { type, table, migrations };
const PEM = ["stationCert", "stationKey"];

RED.nodes.registerType<ConfigOf<typeof table>>("edge-lorawan-gateway", {
  category: "edge ai",
  color: "#F9E2AF",
  defaults: editorDefaults(settings),
  credentials: {
    stationCert: { type: "password" },
    stationKey: { type: "password" },
    stationKeyPassphrase: { type: "password" },
    stationToken: { type: "password" },
  },
  inputs: 1,
  outputs: 2,
  icon: "edge-lorawan.svg",
  paletteLabel() {
    return this._("edge-lorawan-gateway.paletteLabel");
  },
  label() {
    return this.name || "udp://" + (this.address || "0.0.0.0") + ":" + (this.port || "1700");
  },
  inputLabels() {
    return this._("edge-lorawan-gateway.inputLabels.downlinks");
  },
  outputLabels(i) {
    return this._(i === 0 ? "edge-lorawan-gateway.outputLabels.frames" : "edge-lorawan-gateway.outputLabels.stats");
  },
  oneditprepare() {
    const node = this;
    prepareDialog(node, settings);
    // in a textarea, Node-RED's placeholder for a stored secret would show as the text __PWRD__
    for (const name of PEM) {
      const area = $(`#node-input-${name}`);
      if (area.val() === "__PWRD__") area.val("").attr("data-stored", "1").attr("placeholder", node._("edge-lorawan-gateway.placeholder.pemStored"));
    }
    // the Station's rows while it is on; the sub-band for the regions that have them
    const enabled = $("#node-input-stationEnabled");
    const region = $("#node-input-stationRegion");
    const show = () => {
      const on = enabled.is(":checked");
      $(".edge-lorawan-station").toggle(on);
      $(".edge-lorawan-station-subband").toggle(on && /^(US915|AU915)$/.test(String(region.val())));
    };
    enabled.on("change", show);
    region.on("change", show);
    show();
  },
  oneditsave() {
    for (const name of PEM) {
      const area = $(`#node-input-${name}`);
      if (area.attr("data-stored") && !String(area.val() ?? "").trim()) area.val("__PWRD__");
    }
    saveDialog(this, settings);
  },
});
