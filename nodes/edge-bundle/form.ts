import { checkbox, field, textarea, typed } from "../_shared/editor/form";

const short = { width: "80px" };

export default [
  field("name", { icon: "tag" }),
  typed("gatewayId", { icon: "server", placeholderKey: true }),
  field("groups", { placeholder: "canary, store-12" }),
  field("deviceClasses", { placeholder: "reefer, cold-room" }),
  // a public key is no secret, but kept in the credentials so that it is not exported with the flow
  textarea("publicKeys", { icon: "key", rows: 5 }),
  field("maxMB", short),
  field("store", { placeholderKey: true }),
  field("probationS", short),
  field("maxErrors", short),
  checkbox("reactivate"),
];
