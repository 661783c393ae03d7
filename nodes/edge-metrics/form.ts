import { checkbox, field, select, typed } from "../_shared/editor/form";

export default [
  field("name", { icon: "tag" }),
  typed("gatewayId", { icon: "server", placeholderKey: true }),
  select("endpoint", ["off", "node", "admin"]),
  field("path", { rowClass: "edge-metrics-endpoint" }),
  field("heartbeatS", { width: "80px" }),
  checkbox("countMessages"),
  checkbox("allNodes"),
];
