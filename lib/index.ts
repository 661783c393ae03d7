/**
 * What the pack offers code outside Node-RED (a function node's `functionExternalModules`, another pack, a test):
 * its plain modules, each under its own name. The nodes themselves are loaded by Node-RED from package.json's
 * `node-red` section, not from here.
 */
/** the fields the pack's nodes hand each other: eventId, priority, edge-buffer's tag, epoch-ms times */
export * as contract from "./contract/message";
/** Cayenne LPP, as LoRaWAN tags send it */
export * as cayenneLpp from "./lorawan/cayenne-lpp";
/** SenML (RFC 8428): CBOR packs decoded, base fields resolved into records */
export * as senml from "./ingest/senml";
/** EdgeX device profiles (YAML or JSON), as edge-device-profile validates them */
export * as deviceProfile from "./ingest/profile";
/** the deterministic cold-chain simulator behind edge-sim */
export * as simulator from "./sim/simulator";
/** edge-aggregate's summary batches as published upstream (columnar, deflate/gzip): the centre's decoder */
export * as summaries from "./aggregate/summary-codec";
