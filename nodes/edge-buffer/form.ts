import { checkbox, field, pair, select } from "../_shared/editor/form";

const short = { width: "80px" };

export default [
  field("name", { icon: "tag" }),
  field("dir", { icon: "folder", placeholderKey: true }),
  select("sync", ["group", "adaptive", "always"], { icon: "hdd-o", width: "60%" }),
  field("groupCommitMs", { rowClass: "edge-buffer-group", ...short }),
  field("lanes", { icon: "sort-amount-asc", ...short }),
  pair("maxMessages", "maxMB", { first: { icon: "compress", width: "110px" }, second: short }),
  field("maxAgeH", short),
  checkbox("evictCritical"),
  pair("window", "ratePerSec", { first: { icon: "exchange", ...short }, second: short }),
  pair("ackTimeoutS", "backoffMaxS", { first: short, second: short }),
  pair("breakerFailures", "probeAfterS", { first: short, second: short }),
  field("metricsIntervalS", { icon: "bar-chart", ...short }),
];
