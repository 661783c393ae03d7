import { checkbox, credential, field, pair, select, typed } from "../_shared/editor/form";
import { METHODS } from "./settings";

const literal = (values: readonly string[]) => values.map((value) => ({ value, text: value }));
const formats = [
  { value: "", key: "edge-coap-request.format.auto" },
  { value: "0", text: "text/plain (0)" },
  { value: "50", text: "application/json (50)" },
  { value: "60", text: "application/cbor (60)" },
  { value: "110", text: "application/senml+json (110)" },
  { value: "112", text: "application/senml+cbor (112)" },
  { value: "42", text: "application/octet-stream (42)" },
];
const short = { width: "60px" };

export default [
  select("method", literal(METHODS), { icon: "tasks" }),
  typed("url", { icon: "globe", placeholder: "coap://192.0.2.10/temperature" }),
  credential("identity", { icon: "user", password: false, rowClass: "edge-coap-psk" }),
  credential("key", { icon: "key", rowClass: "edge-coap-psk" }),
  checkbox("confirmable"),
  checkbox("observe"),
  select("contentFormat", formats),
  field("accept", { width: "90px", placeholder: "50" }),
  select("output", ["parsed", "string", "buffer"]),
  pair("ackTimeoutS", "ackRandomFactor", { first: short, second: short }),
  pair("maxRetransmit", "responseTimeoutS", { first: short, second: short }),
  select("blockSize", literal(["1024", "512", "256", "128", "64", "32", "16"]), { width: "90px" }),
  field("name", { icon: "tag" }),
];
