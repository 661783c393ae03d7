import { field, pair, textarea } from "../_shared/editor/form";

const short = { width: "80px" };

export default [
  field("name", { icon: "tag" }),
  field("canaries", { icon: "server", placeholder: "store-gw-1, store-gw-7" }),
  pair("activationTimeoutS", "healthWindowS", { first: short, second: short }),
  pair("maxErrorRate", "maxLatencyMs", { first: short, second: short }),
  pair("maxPsi", "ksAlpha", { first: short, second: short }),
  field("minMessages", short),
  field("canaryTopic"),
  field("fleetTopic"),
  field("commandTopic"),
  // a public key is no secret, but kept in the credentials so that it is not exported with the flow
  textarea("publicKeys", { icon: "key", rows: 4 }),
  field("maxMB", short),
  field("store", { placeholder: "default" }),
];
