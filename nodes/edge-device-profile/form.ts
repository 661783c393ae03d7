import { field, raw, select } from "../_shared/editor/form";
import { BUILTINS } from "./settings";

export default [
  field("name", { icon: "tag" }),
  select("source", ["text", "file", "builtin"], { icon: "file-text-o" }),
  // the text is edited in Node-RED's code editor; the hidden input is what the dialog saves
  raw(
    `  <div class="form-row edge-profile-text node-text-editor-row">\n    <input type="hidden" id="node-input-profile">\n    <div style="height: 300px; min-height: 150px;" class="node-text-editor" id="node-input-profile-editor"></div>\n  </div>`,
  ),
  field("file", { placeholder: "profiles/reefer.yaml", rowClass: "edge-profile-file" }),
  select(
    "builtin",
    BUILTINS.map((value) => ({ value, text: value })),
    { rowClass: "edge-profile-builtin" },
  ),
];
