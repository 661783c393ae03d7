import { checkbox, editableList, field, pair, raw, select, textarea } from "../_shared/editor/form";
import { PAYLOAD_FORMATS } from "./settings";

const pem = { rows: 3, rowClass: "edge-broker-tls" };
const short = { width: "70px" };

export default [
  field("name", { icon: "tag" }),
  pair("host", "port", { first: { icon: "server", width: "150px" }, second: short }),
  checkbox("tls"),
  // PEM is several lines, which a password input would flatten: kept as credentials all the same
  textarea("cert", pem),
  textarea("key", pem),
  textarea("ca", pem),
  checkbox("ws"),
  pair("wsPort", "wsPath", { first: short, second: { width: "100px" }, rowClass: "edge-broker-ws" }),
  editableList("users", { label: "edge-broker.label.users", icon: "users" }),
  // what the dialog changed in the passwords: a credential, so Node-RED reads it from an input
  raw('  <input type="hidden" id="node-input-passwordEdits">'),
  checkbox("allowAnonymous"),
  textarea("acl", { icon: "lock", rows: 5, placeholderKey: true }),
  field("topic", { icon: "sign-out", placeholderKey: true }),
  select("datatype", PAYLOAD_FORMATS, { icon: "sign-out" }),
  field("maxInFlight", { icon: "tachometer", width: "80px", placeholderKey: true }),
  field("dataDir", { icon: "folder", placeholderKey: true }),
];
