import { editorDefaults, fieldList, nameOr, prepareDialog, readFieldList, saveDialog } from "../_shared/editor/define";
import type { ConfigOf } from "../../lib/settings/spec";
import { migrations, SOURCE_FIELDS, table, type, type Source } from "./settings";

const settings = { type, table, migrations };
const SOURCES = "node-input-source-container";

RED.nodes.registerType<ConfigOf<typeof table>>("edge-alarms", {
  category: "edge ai",
  color: "#FAB387",
  defaults: editorDefaults(settings),
  inputs: 1,
  outputs: 4,
  icon: "edge-alarms.svg",
  paletteLabel() {
    return this._("edge-alarms.paletteLabel");
  },
  label() {
    return nameOr(this, type);
  },
  outputLabels(i) {
    return this._("edge-alarms.outputLabels." + ["alarms", "escalations", "record", "replies"][i]);
  },
  oneditprepare() {
    const node = this;
    const migrated = prepareDialog(node, settings);
    fieldList<Source>(SOURCES, {
      header: node._("edge-alarms.label.sourcesHeader"),
      fields: SOURCE_FIELDS,
      items: migrated.sources ?? [],
      blank: { name: "", resource: "", device: "", activeWhen: "true", graceMin: "10", maxMin: "", resources: "", rules: "" },
      label: (f) => node._("edge-alarms.source." + f),
      optionLabel: (f, v) => node._(`edge-alarms.choice.${f}.${v}`),
    });
  },
  oneditsave() {
    this.sources = readFieldList(SOURCES) as unknown as Source[];
    saveDialog(this, settings);
  },
});
