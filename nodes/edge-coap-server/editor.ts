import { editorDefaults, prepareDialog, saveDialog, showWhen } from "../_shared/editor/define";
import { readSecretList, saveSecretEdits, secretList } from "../_shared/editor/secret-list";
import type { ConfigOf } from "../../lib/settings/spec";
import { migrations, table, type } from "./settings";

const settings = { type, table, migrations };
const IDENTITIES = { container: "node-config-input-pskIdentities-container", nameField: "identity", secretField: "key", nameClass: "edge-coap-psk-identity", secretClass: "edge-coap-psk-key" };

RED.nodes.registerType<ConfigOf<typeof table>>("edge-coap-server", {
  category: "config",
  color: "#89B4FA",
  defaults: editorDefaults(settings),
  credentials: {
    pskKeys: { type: "password" },
    pskKeyEdits: { type: "password" },
  },
  label() {
    return this.name || "coap://" + (this.address || "0.0.0.0") + ":" + this.port + (this.dtls ? " + coaps://:" + this.dtlsPort : "");
  },
  oneditprepare() {
    const node = this;
    const migrated = prepareDialog(node, settings);
    secretList({ ...IDENTITIES, names: migrated.pskIdentities ?? [], placeholder: (f) => node._(`edge-coap-server.placeholder.${f === "unchanged" ? "keyUnchanged" : f}`) });
    showWhen("dtls", "edge-coap-dtls", (on) => on === true);
  },
  oneditsave() {
    const { names, edits } = readSecretList(IDENTITIES);
    this.pskIdentities = names;
    // only what changed: the runtime keeps every other key (Node-RED never sends them to the editor)
    saveSecretEdits("node-config-input-pskKeyEdits", edits);
    saveDialog(this, settings);
  },
});
