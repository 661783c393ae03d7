import { checkbox, config, field, select, typed } from "../_shared/editor/form";

export default [
  field("name", { icon: "tag" }),
  config("broker"),
  typed("topics", { icon: "tasks", placeholder: "store-001.commands" }),
  field("groupId", { icon: "users" }),
  checkbox("fromBeginning"),
  select("valueFormat", [{ value: "json", text: "JSON" }, { value: "string" }, { value: "buffer", text: "Buffer" }]),
  field("completionTimeoutS", { width: "80px" }),
];
