import { editorDefaults, prepareDialog, saveDialog, showWhen, typedInput } from "../_shared/editor/define";
import type { ConfigOf } from "../../lib/settings/spec";
import { migrations, table, type, TOPIC_SOURCES } from "./settings";

const settings = { type, table, migrations };

RED.nodes.registerType<ConfigOf<typeof table>>("edge-kafka-out", {
  category: "edge ai",
  color: "#F9E2AF",
  defaults: editorDefaults(settings),
  inputs: 1,
  outputs: 0,
  icon: "edge-kafka.svg",
  align: "right",
  paletteLabel() {
    return this._("edge-kafka-out.paletteLabel");
  },
  label() {
    return this.name || (this.topicType === "str" || this.topicType === undefined ? this.topic : `${this.topicType}.${this.topic}`) || this._("edge-kafka-out.paletteLabel");
  },
  oneditprepare() {
    prepareDialog(this, settings);
    typedInput("topic", TOPIC_SOURCES);
    typedInput("key", TOPIC_SOURCES);
    showWhen("cloudEvents", "edge-kafka-ce", (on) => on === true);
    // the idempotent producer needs acks from all in-sync replicas
    const acks = $("#node-input-acks");
    $("#node-input-idempotent")
      .on("change", function () {
        const on = $(this).is(":checked");
        if (on) acks.val("-1");
        acks.prop("disabled", on);
      })
      .trigger("change");
  },
  oneditsave() {
    saveDialog(this, settings);
  },
});
