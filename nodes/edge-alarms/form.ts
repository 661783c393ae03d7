import { editableList, field } from "../_shared/editor/form";

const short = { width: "80px" };

export default [
  field("name", { icon: "tag" }),
  field("reminderMin", { icon: "bell-o", ...short }),
  field("escalation", { icon: "level-up", placeholderKey: true }),
  field("maxShelveMin", { icon: "archive", ...short }),
  field("startupMin", { icon: "power-off", ...short }),
  field("units", { icon: "sitemap", placeholderKey: true }),
  field("unitPattern", { icon: "code", placeholderKey: true }),
  field("store", { icon: "database", placeholderKey: true }),
  editableList("source"),
];
