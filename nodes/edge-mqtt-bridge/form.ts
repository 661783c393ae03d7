import { checkbox, config, editableList, field, pair, select } from "../_shared/editor/form";

export default [
  field("name", { icon: "tag" }),
  select("sourceType", ["mqtt", "edge"], { icon: "sign-in" }),
  config("source", { rowClass: "edge-bridge-source-mqtt" }),
  // filled by the editor code with the edge-broker nodes of the flows
  select("localBroker", [], { icon: "server", rowClass: "edge-bridge-source-edge" }),
  config("upstream", { icon: "cloud-upload" }),
  select("upstreamProtocol", [{ value: "", key: "edge-mqtt-bridge.upstreamProtocol.config" }, { value: "5", key: "edge-mqtt-bridge.upstreamProtocol.v5" }, { value: "4", key: "edge-mqtt-bridge.upstreamProtocol.v4" }], { icon: "exchange" }),
  checkbox("forwardProperties"),
  field("clientId", { icon: "id-badge", placeholderKey: true }),
  pair("drainRatePerSec", "bufferMB", { first: { width: "80px" }, second: { width: "70px" } }),
  field("bufferDir", { icon: "folder", placeholderKey: true }),
  editableList("rule", { icon: "random", label: "edge-mqtt-bridge.label.rules" }),
];
