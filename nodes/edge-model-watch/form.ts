import { field, select } from "../_shared/editor/form";
import { SEVERITIES } from "./settings";

const short = { width: "90px" };

export default [
  field("name", { icon: "tag" }),
  field("classProperty", { icon: "tags", placeholder: "deviceClass" }),
  field("confidenceBelow", short),
  select(
    "severity",
    SEVERITIES.map((value) => ({ value, text: value })),
  ),
  field("referenceSize", { ...short, placeholderKey: true }),
  field("windowSize", short),
  field("checkEvery", { ...short, placeholderKey: true }),
  field("bins", short),
  field("psiLimit", short),
  field("ksAlpha", short),
  field("reportS", short),
  field("maxPending", short),
];
