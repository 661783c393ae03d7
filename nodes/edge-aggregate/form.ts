import { checkbox, field, pair, select } from "../_shared/editor/form";

const short = { width: "80px" };

export default [
  field("name", { icon: "tag" }),
  select("kind", ["tumbling", "sliding"], { icon: "clone", width: "130px", label: "edge-aggregate.label.window" }),
  select("by", ["time", "count"], { width: "150px", label: "edge-aggregate.label.by" }),
  field("size", short),
  field("slide", { ...short, rowClass: "edge-agg-slide" }),
  field("latenessS", short),
  field("resources", { icon: "filter", placeholderKey: true }),
  field("percentiles"),
  checkbox("mkt"),
  pair("rangeLow", "rangeHigh", { first: { width: "70px", label: "edge-aggregate.label.range" }, second: { width: "70px", label: "edge-aggregate.label.rangeHigh" } }),
  field("decimals", { ...short, placeholderKey: true }),
  pair("deadband", "heartbeat", { first: { width: "70px", placeholderKey: true }, second: { width: "60px" } }),
  select("output", ["each", "batch"], { icon: "envelope-o", width: "250px" }),
  select("encoding", ["none", "deflate", "gzip"], { width: "250px", rowClass: "edge-agg-encoding" }),
];
