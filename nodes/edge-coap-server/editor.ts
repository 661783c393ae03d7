import { editorDefaults, fieldList, prepareDialog, readFieldList, saveDialog, showWhen } from "../_shared/editor/define";
import type { ConfigOf } from "../../lib/settings/spec";
import { migrations, table, type } from "./settings";

const settings = { type, table, migrations };
const IDENTITIES = "node-config-input-pskIdentities-container";

interface PskRow {
  identity: string;
  key: string;
}

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
    fieldList<PskRow>(IDENTITIES, {
      fields: [
        { name: "identity", width: "40%", className: "edge-coap-psk-identity" },
        { name: "key", width: "50%", className: "edge-coap-psk-key", password: true },
      ],
      items: (migrated.pskIdentities ?? []).map((identity) => ({ identity, key: "" })),
      blank: { identity: "", key: "" },
      label: (f) => node._(`edge-coap-server.placeholder.${f}`),
      height: 150,
      added(row, entry) {
        // the identity this row had when the dialog opened, so a rename keeps its key
        row.find(".edge-coap-psk-identity").attr("data-original", entry.identity || "");
        if (entry.identity) row.find(".edge-coap-psk-key").attr("placeholder", node._("edge-coap-server.placeholder.keyUnchanged"));
      },
    });
    showWhen("dtls", "edge-coap-dtls", (on) => on === true);
  },
  oneditsave() {
    const originals: string[] = [];
    $(`#${IDENTITIES}`)
      .editableList("items")
      .each(function () {
        originals.push(String($(this).find(".edge-coap-psk-identity").attr("data-original") ?? ""));
      });
    const identities: string[] = [];
    const edits: Record<string, { from?: string; key?: string }> = {};
    readFieldList(IDENTITIES).forEach((r, i) => {
      const identity = (r.identity ?? "").trim();
      if (!identity || identities.includes(identity)) return;
      identities.push(identity);
      const edit: { from?: string; key?: string } = {};
      if (originals[i] && originals[i] !== identity) edit.from = originals[i];
      if (r.key) edit.key = r.key;
      if (edit.from || edit.key) edits[identity] = edit;
    });
    this.pskIdentities = identities;
    // only what changed: the runtime keeps every other key (Node-RED never sends them to the editor)
    $("#node-config-input-pskKeyEdits").val(Object.keys(edits).length ? JSON.stringify(edits) : "__PWRD__");
    saveDialog(this, settings);
  },
});
