import { config, field, select, textarea, typed } from "../_shared/editor/form";

const code = { rows: 3 };

export default [
  field("name", { icon: "tag" }),
  config("profile", { icon: "file-text-o" }),
  select("deviceNameFrom", ["topic", "path", "fixed"], { icon: "microchip" }),
  field("topicPattern", { placeholder: "fleet/reefer/+deviceName/#", rowClass: "edge-ingest-topic" }),
  field("deviceNamePath", { placeholder: "unit_id", rowClass: "edge-ingest-path" }),
  typed("deviceName", { rowClass: "edge-ingest-fixed" }),
  field("originPath", { icon: "clock-o", placeholderKey: true }),
  select("outOfRange", ["flag", "reject"], { icon: "arrows-v" }),
  field("topicTemplate", { icon: "tasks" }),
  select("output", ["event", "edgex"], { icon: "sign-out" }),
  textarea("calibration", { icon: "sliders", placeholderKey: true, ...code }),
  textarea("payloadSchema", { icon: "check-square-o", placeholderKey: true, ...code }),
];
