import { editorDefaults, prepareDialog, saveDialog, typedInput } from "../_shared/editor/define";
import type { ConfigOf } from "../../lib/settings/spec";
import { migrations, table, type, TOPICS_SOURCES } from "./settings";

const settings = { type, table, migrations };

RED.nodes.registerType<ConfigOf<typeof table>>("edge-kafka-in", {
  category: "edge ai",
  color: "#F9E2AF",
  defaults: editorDefaults(settings),
  inputs: 1,
  outputs: 1,
  icon: "edge-kafka.svg",
  paletteLabel() {
    return this._("edge-kafka-in.paletteLabel");
  },
  label() {
    const topics = this.topicsType === "env" ? `env.${this.topics}` : this.topics;
    return this.name || topics || this._("edge-kafka-in.paletteLabel");
  },
  inputLabels() {
    return this._("edge-kafka-in.inputLabel");
  },
  oneditprepare() {
    prepareDialog(this, settings);
    typedInput("topics", TOPICS_SOURCES);
  },
  oneditsave() {
    saveDialog(this, settings);
  },
});
