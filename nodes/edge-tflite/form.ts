import { field, select } from "../_shared/editor/form";

export default [
  field("name", { icon: "tag" }),
  field("modelPath", { icon: "file", placeholder: "/data/models/model.tflite" }),
  select("output", ["classify", "anomaly", "detect", "segment", "tensors"]),
  field("labelsPath"),
  field("threshold"),
  select("input", ["auto", "window"]),
  field("windowResources", { placeholder: "returnAir,supplyAir" }),
  select("normalise", [{ value: "0..1", text: "0..1" }, { value: "-1..1", text: "-1..1" }, { value: "0..255", text: "0..255" }]),
  field("poolSize"),
  field("maxQueue"),
  select("arithmetic", ["reference", "xnnpack"]),
];
