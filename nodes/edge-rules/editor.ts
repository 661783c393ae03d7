import { editorDefaults, nameOr, prepareDialog, saveDialog } from "../_shared/editor/define";
import type { ConfigOf } from "../../lib/settings/spec";
import { LIMIT_PARAMS, LIMIT_SOURCES, migrations, PARAMS, RULE_TYPES, SEVERITIES, table, type, type RuleConfig, type RuleType } from "./settings";

/** a limit's input is a typedInput: the rule's number, or an environment variable, a flow or global context key */
const isLimit = (param: string) => (LIMIT_PARAMS as readonly string[]).includes(param);

const settings = { type, table, migrations };
const RULES = "#node-input-rule-container";

RED.nodes.registerType<ConfigOf<typeof table>>("edge-rules", {
  category: "edge ai",
  color: "#FAB387",
  defaults: editorDefaults(settings),
  inputs: 1,
  outputs: 2,
  icon: "edge-rules.svg",
  paletteLabel() {
    return this._("edge-rules.paletteLabel");
  },
  label() {
    return nameOr(this, type);
  },
  outputLabels(i) {
    return this._(i === 0 ? "edge-rules.outputLabels.alerts" : "edge-rules.outputLabels.readings");
  },
  oneditprepare() {
    const node = this;
    const migrated = prepareDialog(node, settings);
    const list = $(RULES);
    // a rule type's parameters, refilled when the type changes
    const paramInputs = (row: JQuery, rule: Partial<RuleConfig>) => {
      const box = row.find(".edge-rule-params").empty();
      for (const [param, kind] of PARAMS[(rule.type ?? "threshold") as RuleType] ?? []) {
        const label = $("<span/>", { class: "edge-rule-param" }).text(node._("edge-rules.param." + param) + " ").appendTo(box);
        let input: JQuery;
        if (Array.isArray(kind)) {
          input = $("<select/>").appendTo(label);
          for (const v of kind) $("<option/>", { value: v }).text(node._(param === "limits" ? "edge-rules.limits." + v : "edge-rules.choice." + v)).appendTo(input);
        } else input = $("<input/>", { type: "text" }).css("width", kind === "text" ? "260px" : "70px").appendTo(label);
        const value = rule[param];
        input.attr("data-param", param).val(value !== undefined ? value : Array.isArray(kind) ? kind[0] : "");
        if (isLimit(param)) {
          input.attr("data-typed", "true").css("width", "110px");
          input.typedInput({ default: "num", types: [...LIMIT_SOURCES] });
          input.typedInput("type", rule[`${param}Type`] || "num");
        }
        box.append(" ");
      }
    };
    list.css("min-height", "250px").editableList<RuleConfig>({
      addItem(container: JQuery, _index: number, item: RuleConfig) {
        const rule: Partial<RuleConfig> = item && item.type ? item : { name: "", type: "threshold", severity: "major" };
        const row = $("<div/>").appendTo(container);
        const top = $("<div/>", { style: "display: flex; gap: 6px; align-items: center;" }).appendTo(row);
        $("<input/>", { type: "text", class: "edge-rule-name", placeholder: node._("edge-rules.label.ruleName") }).css("width", "150px").val(rule.name ?? "").appendTo(top);
        const typeSelect = $("<select/>", { class: "edge-rule-type" }).appendTo(top);
        for (const t of RULE_TYPES) $("<option/>", { value: t }).text(node._("edge-rules.type." + t)).appendTo(typeSelect);
        typeSelect.val(rule.type ?? "threshold");
        const severity = $("<select/>", { class: "edge-rule-severity" }).css("width", "100px").appendTo(top);
        for (const s of SEVERITIES) $("<option/>", { value: s }).text(node._("edge-rules.severity." + s)).appendTo(severity);
        severity.val(rule.severity || "major");
        $("<input/>", { type: "text", class: "edge-rule-resource", placeholder: node._("edge-rules.label.resource") }).css("width", "120px").val(rule.resource || "").appendTo(top);
        $("<input/>", { type: "text", class: "edge-rule-device", placeholder: node._("edge-rules.label.device") }).css("width", "120px").val(rule.device || "").appendTo(top);
        $("<div/>", { class: "edge-rule-params", style: "margin-top: 6px;" }).appendTo(row);
        $("<div/>", { style: "margin-top: 4px;" })
          .append($("<input/>", { type: "text", class: "edge-rule-key", placeholder: "{deviceName}/{resourceName}" }).css("width", "260px").val(rule.key || ""))
          .prepend($("<span/>").text(node._("edge-rules.label.key") + " "))
          .appendTo(row);
        paramInputs(row, rule);
        typeSelect.on("change", function () {
          paramInputs(row, { type: String($(this).val()) as RuleType });
        });
      },
      sortable: true,
      removable: true,
    });
    for (const r of migrated.rules ?? []) list.editableList("addItem", r);
  },
  oneditsave() {
    const rules: RuleConfig[] = [];
    $(RULES)
      .editableList("items")
      .each(function () {
        const row = $(this);
        const rule: RuleConfig = {
          name: String(row.find(".edge-rule-name").val() ?? ""),
          type: String(row.find(".edge-rule-type").val()) as RuleType,
          severity: String(row.find(".edge-rule-severity").val() ?? ""),
          resource: String(row.find(".edge-rule-resource").val() ?? ""),
          device: String(row.find(".edge-rule-device").val() ?? ""),
        };
        const key = String(row.find(".edge-rule-key").val() ?? "");
        if (key) rule.key = key;
        row.find("[data-param]").each(function () {
          const input = $(this);
          const param = String(input.attr("data-param"));
          if (input.attr("data-typed") === "true") {
            rule[param] = String(input.typedInput("value") ?? "");
            rule[`${param}Type`] = String(input.typedInput("type") || "num");
          } else rule[param] = String(input.val() ?? "");
        });
        rules.push(rule);
      });
    this.rules = rules;
    saveDialog(this, settings);
  },
  oneditresize(size) {
    const rows = $("#dialog-form>div:not(.node-input-rule-container-row)");
    let height = size.height;
    for (let i = 0; i < rows.length; i++) height -= $(rows[i]).outerHeight(true) ?? 0;
    $(RULES).editableList("height", height - 30);
  },
});
