import { checkbox, config, field, raw, select } from "../_shared/editor/form";
import { METHODS } from "./settings";

const formats = [
  { value: "", key: "edge-coap-in.format.auto" },
  { value: "0", text: "text/plain (0)" },
  { value: "50", text: "application/json (50)" },
  { value: "60", text: "application/cbor (60)" },
  { value: "110", text: "application/senml+json (110)" },
  { value: "112", text: "application/senml+cbor (112)" },
  { value: "42", text: "application/octet-stream (42)" },
];

export default [
  config("server"),
  field("path", { icon: "globe", placeholder: "/sensors" }),
  raw(
    [
      '  <div class="form-row">',
      '    <label><span data-i18n="edge-coap-in.label.methods"></span></label>',
      '    <span style="display: inline-block">',
      ...METHODS.map((m) => `      <label style="width: auto"><input type="checkbox" id="node-input-method-${m}" style="width: auto"> ${m}</label>`),
      "    </span>",
      "  </div>",
    ].join("\n"),
  ),
  field("identities", { icon: "lock", placeholderKey: true }),
  select("output", ["parsed", "buffer"]),
  checkbox("observable"),
  select("notify", ["non", "con"], { rowClass: "edge-coap-observe" }),
  select("valueFormat", formats, { rowClass: "edge-coap-observe" }),
  field("name", { icon: "tag" }),
];
