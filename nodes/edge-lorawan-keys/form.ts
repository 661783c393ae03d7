import { editableList, field, pair, raw, select } from "../_shared/editor/form";
import { REGIONS } from "./settings";

const short = (width: string) => ({ width });

export default [
  field("name", { icon: "tag" }),
  select("source", ["table", "simulator"], { icon: "list" }),
  select(
    "region",
    REGIONS.map((r) => ({ value: r, text: r === "AS923" ? "AS923 (AS923-1)" : r })),
    { icon: "globe" },
  ),
  editableList("devices", { label: "edge-lorawan-keys.label.devices-list", icon: "microchip", rowClass: "edge-lw-table" }),
  field("simSeed", { width: "80px", rowClass: "edge-lw-sim" }),
  field("simSite", { rowClass: "edge-lw-sim" }),
  pair("simColdRooms", "simFreezers", { first: short("60px"), second: short("60px"), rowClass: "edge-lw-sim" }),
  editableList("codecs", { label: "edge-lorawan-keys.label.codecs", icon: "code" }),
  pair("codecTimeoutMs", "codecMemoryMb", { first: short("70px"), second: short("60px") }),
  field("counterFile", { icon: "hdd-o", placeholderKey: true }),
  // what the dialog changed in the keys (only the keys typed in): a credential, so Node-RED reads it from an input
  raw('  <input type="hidden" id="node-input-keyEdits">'),
];
