import { checkbox, config, field, typed } from "../_shared/editor/form";

const short = { width: "70px" };

export default [
  field("name", { icon: "tag" }),
  config("link", { icon: "plug" }),
  config("profile", { icon: "file-text-o" }),
  typed("deviceName", { icon: "microchip", placeholderKey: true }),
  field("unitId", short),
  field("intervalS", { icon: "clock-o", ...short }),
  field("maxGap", short),
  checkbox("writeMultiple"),
];
