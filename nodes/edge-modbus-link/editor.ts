import { editorDefaults, prepareDialog, saveDialog, showWhen, typedInput } from "../_shared/editor/define";
import type { ConfigOf } from "../../lib/settings/spec";
import { HOST_SOURCES, migrations, table, type } from "./settings";

const settings = { type, table, migrations };

RED.nodes.registerType<ConfigOf<typeof table>>("edge-modbus-link", {
  category: "config",
  color: "#F9E2AF",
  defaults: editorDefaults(settings),
  label() {
    if (this.name) return this.name;
    if (this.transport === "rtu") return `rtu ${this.serialPath} ${this.baudRate}`;
    const host = !this.hostType || this.hostType === "str" ? this.host : `${this.hostType}.${this.host}`;
    return `tcp ${host}:${this.port}`;
  },
  oneditprepare() {
    prepareDialog(this, settings);
    typedInput("host", HOST_SOURCES);
    showWhen("transport", "edge-modbus-link-tcp", (v) => v !== "rtu");
    showWhen("transport", "edge-modbus-link-rtu", (v) => v === "rtu");
  },
  oneditsave() {
    saveDialog(this, settings);
  },
});
