import { editableList, field, textarea } from "../_shared/editor/form";

export default [
  field("name", { icon: "tag" }),
  field("store", { icon: "database", placeholderKey: true }),
  textarea("deviceClasses", { icon: "truck", placeholderKey: true, rows: 2 }),
  textarea("classes", { icon: "snowflake-o", placeholderKey: true, rows: 2 }),
  editableList("rule"),
];
