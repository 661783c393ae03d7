import { field, pair, textarea } from "../_shared/editor/form";

const short = { width: "80px" };

export default [
  field("name", { icon: "tag" }),
  field("dir", { icon: "folder", placeholderKey: true }),
  field("retentionDays", { icon: "calendar", ...short }),
  field("groupCommitMs", { icon: "hdd-o", ...short }),
  pair("low", "high", { first: { icon: "thermometer-empty", ...short }, second: short }),
  textarea("ranges", { icon: "list", placeholderKey: true, rows: 3 }),
  field("gapMin", { icon: "chain-broken", ...short }),
  field("resources", { icon: "filter", placeholderKey: true }),
  field("servePath", { icon: "globe", placeholderKey: true }),
];
