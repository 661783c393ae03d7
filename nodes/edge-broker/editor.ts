import { editorDefaults, prepareDialog, saveDialog, showWhen } from "../_shared/editor/define";
import { readSecretList, saveSecretEdits, secretList } from "../_shared/editor/secret-list";
import type { ConfigOf } from "../../lib/settings/spec";
import { migrations, table, type } from "./settings";

const settings = { type, table, migrations };
const USERS = { container: "node-input-users-container", nameField: "name", secretField: "password", nameClass: "edge-broker-user-name", secretClass: "edge-broker-user-password" };
const PEM = ["cert", "key", "ca"];

type Dialog = ConfigOf<typeof table> & { _edgeBrokerNamesKnown?: boolean };

RED.nodes.registerType<Dialog>("edge-broker", {
  category: "edge ai",
  color: "#89B4FA",
  defaults: editorDefaults(settings),
  credentials: {
    passwords: { type: "password" },
    passwordEdits: { type: "password" },
    users: { type: "password" },
    cert: { type: "password" },
    key: { type: "password" },
    ca: { type: "password" },
  },
  inputs: 1,
  outputs: 1,
  icon: "edge-broker.svg",
  paletteLabel() {
    return this._("edge-broker.paletteLabel");
  },
  label() {
    return this.name || `${this._("edge-broker.paletteLabel")} ${this.host}:${this.port}`;
  },
  oneditprepare() {
    const node = this;
    const migrated = prepareDialog(node, settings);
    const list = (names: readonly string[]) =>
      secretList({ ...USERS, names, placeholder: (f) => node._(f === "unchanged" ? "edge-broker.placeholder.passwordUnchanged" : f === "name" ? "edge-broker.placeholder.userName" : "edge-broker.placeholder.password") });
    // whether the list shows the node's users: saving an empty list would remove them all
    node._edgeBrokerNamesKnown = Array.isArray(migrated.userNames);
    if (Array.isArray(migrated.userNames)) list(migrated.userNames);
    else {
      list([]);
      // a flow saved before the names were in the config: the running node knows them
      $.getJSON(`edge-broker/${encodeURIComponent(String((node as unknown as { id: string }).id))}/users`).done((data: { users?: string[] }) => {
        for (const name of data.users ?? []) $(`#${USERS.container}`).editableList("addItem", { name, password: "" });
        node._edgeBrokerNamesKnown = true;
      });
    }
    // in a textarea Node-RED's placeholder for a stored secret would show as the text __PWRD__: a note instead
    for (const name of PEM) {
      const area = $(`#node-input-${name}`);
      if (area.val() === "__PWRD__") area.val("").attr("data-stored", "1").attr("placeholder", node._("edge-broker.placeholder.pemStored"));
    }
    showWhen("tls", "edge-broker-tls", (on) => on === true);
    showWhen("ws", "edge-broker-ws", (on) => on === true);
  },
  oneditsave() {
    for (const name of PEM) {
      const area = $(`#node-input-${name}`);
      if (area.attr("data-stored") && !String(area.val() ?? "").trim()) area.val("__PWRD__");
    }
    const { names, edits } = readSecretList(USERS);
    // an old flow whose users could not be listed (its node is not running) keeps them until some are typed in
    if (this._edgeBrokerNamesKnown || names.length > 0) this.userNames = names;
    delete this._edgeBrokerNamesKnown;
    // only what changed: the runtime keeps every other password (Node-RED never sends them to the editor)
    saveSecretEdits("node-input-passwordEdits", edits);
    saveDialog(this, settings);
  },
});
