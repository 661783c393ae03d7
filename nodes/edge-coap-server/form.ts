import { checkbox, editableList, field, raw, select } from "../_shared/editor/form";
import { BLOCK_SIZES } from "./settings";

const short = { width: "90px" };
const dtls = "edge-coap-dtls";

export default [
  field("name", { icon: "tag" }),
  field("address", { icon: "globe", placeholder: "0.0.0.0" }),
  field("port", { icon: "random", ...short }),
  field("maxPayloadKB", short),
  select(
    "blockSize",
    BLOCK_SIZES.map((value) => ({ value, text: value })),
    short,
  ),
  field("responseTimeoutS", short),
  checkbox("dtls"),
  field("dtlsPort", { icon: "lock", ...short, rowClass: dtls }),
  field("identityHint", { placeholderKey: true, rowClass: dtls }),
  editableList("pskIdentities", { label: "edge-coap-server.label.identities", icon: "key", rowClass: dtls }),
  // what the dialog changed in the keys: a credential, so Node-RED reads it from an input
  raw('  <input type="hidden" id="node-input-pskKeyEdits">'),
];
