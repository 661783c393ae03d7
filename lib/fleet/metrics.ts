/** What a node needs to report to the gateway's metrics, in one import: the registry and the queue gauges. */
export { metrics } from "./metrics-registry";
export { queueSamples } from "./gateway-health";
