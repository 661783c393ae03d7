import { editorDefaults, prepareDialog, saveDialog, showWhen } from "../_shared/editor/define";
import type { ConfigOf } from "../../lib/settings/spec";
import { migrations, table, type } from "./settings";

const settings = { type, table, migrations };
const PROFILE = "#node-config-input-profile";

/** the open dialog's code editor, between oneditprepare and oneditsave/oneditcancel */
let codeEditor: EditorCodeEditor | undefined;

function closeEditor(): void {
  codeEditor?.destroy();
  codeEditor = undefined;
}

RED.nodes.registerType<ConfigOf<typeof table>>("edge-device-profile", {
  category: "config",
  color: "#A6E3A1",
  defaults: editorDefaults(settings),
  label() {
    if (this.name) return this.name;
    if (this.source === "builtin") return this.builtin;
    if (this.source === "file") return this.file;
    const named = /^name:\s*(\S+)/m.exec(this.profile || "");
    return named ? named[1] : this._("edge-device-profile.label.profile");
  },
  oneditprepare() {
    prepareDialog(this, settings);
    const editor = RED.editor.createEditor({ id: "node-config-input-profile-editor", mode: "ace/mode/yaml", value: String($(PROFILE).val() ?? "") });
    codeEditor = editor;
    showWhen("source", "edge-profile-text", (v) => v === "text");
    showWhen("source", "edge-profile-file", (v) => v === "file");
    showWhen("source", "edge-profile-builtin", (v) => v === "builtin");
    $("#node-config-input-source").on("change", () => editor.resize());
  },
  oneditsave() {
    if (codeEditor) $(PROFILE).val(codeEditor.getValue());
    closeEditor();
    saveDialog(this, settings);
  },
  oneditcancel() {
    closeEditor();
  },
});
