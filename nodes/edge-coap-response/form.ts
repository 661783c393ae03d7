import { field, select } from "../_shared/editor/form";

const formats = [
  { value: "", key: "edge-coap-response.format.auto" },
  { value: "0", text: "text/plain (0)" },
  { value: "50", text: "application/json (50)" },
  { value: "60", text: "application/cbor (60)" },
  { value: "110", text: "application/senml+json (110)" },
  { value: "112", text: "application/senml+cbor (112)" },
  { value: "42", text: "application/octet-stream (42)" },
];

export default [field("code", { icon: "reply", placeholderKey: true }), select("contentFormat", formats), field("name", { icon: "tag" })];
