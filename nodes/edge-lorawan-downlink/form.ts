import { checkbox, config, field, select, typed } from "../_shared/editor/form";
import { FORMATS } from "./settings";

const short = { width: "70px" };

export default [
  field("name", { icon: "tag" }),
  config("keys", { icon: "key" }),
  select("format", FORMATS, { icon: "random" }),
  field("applicationId", { rowClass: "edge-lw-ns" }),
  field("tenantId", { placeholder: "ttn", rowClass: "edge-lw-ttn" }),
  typed("device", { icon: "microchip", placeholderKey: true }),
  typed("fPort"),
  checkbox("confirmed"),
  field("rx1BudgetMs", { ...short, rowClass: "edge-lw-raw" }),
  field("maxQueued", { ...short, rowClass: "edge-lw-raw" }),
];
