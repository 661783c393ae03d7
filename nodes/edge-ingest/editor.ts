import { editorDefaults, nameOr, prepareDialog, saveDialog, showWhen, typedInput } from "../_shared/editor/define";
import type { ConfigOf } from "../../lib/settings/spec";
import { DEVICE_NAME_SOURCES, migrations, table, type } from "./settings";

const settings = { type, table, migrations };

RED.nodes.registerType<ConfigOf<typeof table>>("edge-ingest", {
  category: "edge ai",
  color: "#A6E3A1",
  defaults: editorDefaults(settings),
  inputs: 1,
  outputs: 2,
  icon: "edge-ingest.svg",
  paletteLabel() {
    return this._("edge-ingest.paletteLabel");
  },
  label() {
    return nameOr(this, type);
  },
  outputLabels(i) {
    return this._(i === 0 ? "edge-ingest.outputLabels.events" : "edge-ingest.outputLabels.errors");
  },
  oneditprepare() {
    prepareDialog(this, settings);
    typedInput("deviceName", DEVICE_NAME_SOURCES);
    showWhen("deviceNameFrom", "edge-ingest-topic", (v) => v === "topic");
    showWhen("deviceNameFrom", "edge-ingest-path", (v) => v === "path");
    showWhen("deviceNameFrom", "edge-ingest-fixed", (v) => v === "fixed");
  },
  oneditsave() {
    saveDialog(this, settings);
  },
});
