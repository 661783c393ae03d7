import { checkbox, config, field, pair, raw, select, typed } from "../_shared/editor/form";

export default [
  field("name", { icon: "tag" }),
  config("broker"),
  typed("topic", { icon: "tasks", placeholderKey: true }),
  typed("key", { icon: "key" }),
  select("valueFormat", ["json", "raw"]),
  checkbox("cloudEvents"),
  field("ceSource", { rowClass: "edge-kafka-ce" }),
  field("ceType", { rowClass: "edge-kafka-ce" }),
  pair("batchSize", "lingerMs", { first: { icon: "th", width: "80px" }, second: { width: "70px" } }),
  field("stallMs", { width: "80px" }),
  raw(
    [
      '  <div class="form-row">',
      '    <label for="node-input-compression"><span data-i18n="edge-kafka-out.label.compression"></span></label>',
      '    <select id="node-input-compression" style="width: 120px">',
      '      <option value="none" data-i18n="edge-kafka-out.compression.none"></option>',
      '      <option value="gzip">gzip</option>',
      "    </select>",
      '    <label for="node-input-acks" style="margin-left: 10px; width: auto"><span data-i18n="edge-kafka-out.label.acks"></span></label>',
      '    <select id="node-input-acks" style="width: 120px">',
      '      <option value="-1" data-i18n="edge-kafka-out.acks.all"></option>',
      '      <option value="1" data-i18n="edge-kafka-out.acks.leader"></option>',
      '      <option value="0" data-i18n="edge-kafka-out.acks.none"></option>',
      "    </select>",
      "  </div>",
    ].join("\n"),
  ),
  checkbox("idempotent"),
  field("bufferDir", { icon: "hdd-o", placeholderKey: true }),
  pair("bufferMB", "drainRatePerSec", { first: { width: "80px" }, second: { width: "80px" } }),
];
