import { checkbox, credential, field, select, textarea } from "../_shared/editor/form";
import { STATION_REGIONS, SUB_BANDS } from "./settings";

const short = { width: "90px" };
const station = "edge-lorawan-station";
const literal = (values: readonly string[]) => values.map((value) => ({ value, text: value === "AS923" ? "AS923-1" : value }));

export default [
  field("name", { icon: "tag" }),
  field("address", { icon: "globe", placeholder: "0.0.0.0" }),
  field("port", { icon: "random", ...short }),
  field("dedupWindowMs", short),
  field("txAckTimeoutMs", short),
  checkbox("stationEnabled"),
  field("stationPort", { icon: "random", ...short, rowClass: station }),
  select("stationRegion", literal(STATION_REGIONS), { rowClass: station }),
  select("stationSubBand", literal(SUB_BANDS), { rowClass: `${station} edge-lorawan-station-subband` }),
  field("stationNetIds", { placeholderKey: true, rowClass: station }),
  field("stationJoinEuis", { placeholderKey: true, rowClass: station }),
  credential("stationToken", { rowClass: station }),
  // PEM needs a textarea (line breaks kept); a credential of type password all the same
  textarea("stationCert", { rows: 3, rowClass: station }),
  textarea("stationKey", { rows: 3, rowClass: station }),
  credential("stationKeyPassphrase", { rowClass: station }),
];
