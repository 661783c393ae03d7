import { editorDefaults, nameOr, prepareDialog, saveDialog, showWhen } from "../_shared/editor/define";
import type { ConfigOf } from "../../lib/settings/spec";
import { migrations, table, type, type RuleSetting } from "./settings";

const settings = { type, table, migrations };
const RULES = "#node-input-rule-container";

RED.nodes.registerType<ConfigOf<typeof table>>("edge-mqtt-bridge", {
  category: "edge ai",
  color: "#89B4FA",
  defaults: editorDefaults(settings),
  inputs: 0,
  outputs: 0,
  icon: "edge-mqtt-bridge.svg",
  paletteLabel() {
    return this._("edge-mqtt-bridge.paletteLabel");
  },
  label() {
    return nameOr(this, type);
  },
  oneditprepare() {
    const config = prepareDialog(this, settings);
    const node = this;
    // the local broker: one of the edge-broker nodes of the flows
    const select = $("#node-input-localBroker");
    RED.nodes.eachNode((n) => {
      if (n.type === "edge-broker") $("<option>").val(n.id).text(String(n.name || `edge broker ${String(n.host)}:${String(n.port)}`)).appendTo(select);
    });
    select.val(config.localBroker);
    showWhen("sourceType", "edge-bridge-source-mqtt", (v) => v !== "edge");
    showWhen("sourceType", "edge-bridge-source-edge", (v) => v === "edge");
    const list = $(RULES)
      .css("min-height", "150px")
      .editableList<RuleSetting>({
        addItem(row: JQuery, _index: number, rule: RuleSetting) {
          const line1 = $("<div>", { style: "display: flex; gap: 6px; margin-bottom: 4px" }).appendTo(row);
          $("<input>", { type: "text", class: "rule-pattern", style: "flex: 1", placeholder: node._("edge-mqtt-bridge.placeholder.pattern") })
            .val(rule.pattern ?? "")
            .appendTo(line1);
          $("<span>").text("→").appendTo(line1);
          $("<input>", { type: "text", class: "rule-template", style: "flex: 1", placeholder: node._("edge-mqtt-bridge.placeholder.template") })
            .val(rule.template ?? "")
            .appendTo(line1);
          const line2 = $("<div>", { style: "display: flex; gap: 6px; align-items: center" }).appendTo(row);
          $("<span>").text(node._("edge-mqtt-bridge.label.qos")).appendTo(line2);
          const qos = $("<select>", { class: "rule-qos", style: "width: 50px" }).appendTo(line2);
          for (const q of ["0", "1", "2"]) $("<option>").val(q).text(q).appendTo(qos);
          qos.val(String(rule.qos ?? "1"));
          $("<span>").text(node._("edge-mqtt-bridge.label.priority")).appendTo(line2);
          const priority = $("<select>", { class: "rule-priority", style: "width: 110px" }).appendTo(line2);
          for (const p of ["0", "1", "2", "3"]) $("<option>").val(p).text(node._(`edge-mqtt-bridge.priority.p${p}`)).appendTo(priority);
          priority.val(String(rule.priority ?? "3"));
          $("<input>", { type: "checkbox", class: "rule-retain", style: "width: auto; margin: 0" })
            .prop("checked", rule.retain === true)
            .appendTo(line2);
          $("<span>").text(node._("edge-mqtt-bridge.label.retain")).appendTo(line2);
          const props = typeof rule.userProperties === "object" && rule.userProperties ? JSON.stringify(rule.userProperties) : (rule.userProperties ?? "");
          $("<input>", { type: "text", class: "rule-props", style: "flex: 1", placeholder: node._("edge-mqtt-bridge.placeholder.userProperties") })
            .val(props)
            .appendTo(line2);
        },
        removable: true,
        sortable: true,
      });
    for (const rule of config.rules ?? []) list.editableList("addItem", rule);
  },
  oneditsave() {
    const rules: RuleSetting[] = [];
    $(RULES)
      .editableList("items")
      .each(function () {
        const row = $(this);
        rules.push({
          pattern: String(row.find(".rule-pattern").val() ?? ""),
          template: String(row.find(".rule-template").val() ?? ""),
          qos: String(row.find(".rule-qos").val() ?? "1"),
          priority: String(row.find(".rule-priority").val() ?? "3"),
          retain: row.find(".rule-retain").is(":checked"),
          userProperties: String(row.find(".rule-props").val() ?? ""),
        });
      });
    this.rules = rules;
    saveDialog(this, settings);
  },
  oneditresize(size) {
    let height = size.height;
    $("#dialog-form>div:not(.node-input-rule-container-row)").each(function () {
      height -= $(this).outerHeight(true) ?? 0;
    });
    $(RULES).editableList("height", Math.max(150, height - 10));
  },
});
