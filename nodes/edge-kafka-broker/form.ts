import { checkbox, credential, field, pair, select, textarea } from "../_shared/editor/form";

const pem = { rows: 3, rowClass: "edge-kafka-tls" };
const short = { width: "90px" };

export default [
  field("name", { icon: "tag" }),
  field("brokers", { icon: "server", placeholder: "host1:9092, host2:9092" }),
  field("clientId", { icon: "id-badge" }),
  checkbox("tls"),
  checkbox("rejectUnauthorized", { rowClass: "edge-kafka-tls" }),
  // PEM is several lines, which a password input would flatten: kept as credentials all the same
  textarea("ca", pem),
  textarea("cert", pem),
  textarea("key", pem),
  select("sasl", [{ value: "none" }, { value: "plain", text: "PLAIN" }, { value: "scram-sha-256", text: "SCRAM-SHA-256" }, { value: "scram-sha-512", text: "SCRAM-SHA-512" }], { icon: "lock" }),
  credential("username", { password: false, rowClass: "edge-kafka-sasl" }),
  credential("password", { rowClass: "edge-kafka-sasl" }),
  pair("connectionTimeoutMs", "requestTimeoutMs", { first: short, second: short }),
];
