/**
 * The reefer pipeline built from Node-RED's core nodes only (change, switch, function), the way a user would
 * without this pack: a function mapping to an event, a threshold switch, a function keeping per-truck windows,
 * and a function producing to Kafka with kafkajs in batches as edge-kafka-out sends them (no buffer, no durability).
 */
export function corePipelineFlow(brokers: string[], topic: string, trucks: number): unknown[] {
  const z = "core-tab";
  // the mapping in a function node: the strongest core baseline (a change node with JSONata does the same work at about a quarter of the speed)
  const mapping = `const p = msg.payload;
const c = (f) => Math.round((f - 32) * 5 / 9 * 100) / 100;
msg.payload = {
  id: Date.now() + '-' + p.unit_id,
  deviceName: p.unit_id,
  profileName: 'reefer-unit',
  origin: p.ts,
  readings: [
    { resourceName: 'returnAir', value: c(p.ret_air_f), units: '°C' },
    { resourceName: 'supplyAir', value: c(p.sup_air_f), units: '°C' },
    { resourceName: 'setpoint', value: c(p.setpoint_f), units: '°C' },
    { resourceName: 'compressorCurrent', value: p.comp_amps, units: 'A' },
    { resourceName: 'door', value: p.door === 'open' },
    { resourceName: 'defrost', value: p.defrost },
  ],
};
return msg;`;
  const aggregate = `// per truck: a 10-reading window of return air; excursion state with hysteresis
const w = context.get('w') || {};
const e = msg.payload;
const t = e.readings[0].value;
const s = w[e.deviceName] || (w[e.deviceName] = { n: 0, sum: 0, min: Infinity, max: -Infinity, alert: false });
s.n++; s.sum += t; s.min = Math.min(s.min, t); s.max = Math.max(s.max, t);
if (!s.alert && t > 8) { s.alert = true; msg.priority = 0; }
else if (s.alert && t < 7.5) { s.alert = false; }
if (s.n >= 10) { msg.summary = { mean: s.sum / s.n, min: s.min, max: s.max }; w[e.deviceName] = { n: 0, sum: 0, min: Infinity, max: -Infinity, alert: s.alert }; }
context.set('w', w);
return msg;`;
  // batched as edge-kafka-out batches (500 records or 5 ms, acks from all replicas): one request per batch, not per event
  const produce = `const pending = context.get('pending');
pending.push(msg);
const flush = async () => {
  clearTimeout(context.get('timer'));
  context.set('timer', undefined);
  const batch = pending.splice(0, pending.length);
  if (!batch.length) return;
  await context.get('producer').send({ topic: ${JSON.stringify(topic)}, acks: -1, messages: batch.map((m) => ({ key: m.payload.deviceName, value: JSON.stringify(m.payload) })) });
  for (const m of batch) global.get('benchSink')(m);
};
if (pending.length >= 500) await flush();
else if (!context.get('timer')) context.set('timer', setTimeout(() => flush().catch((err) => node.error(err)), 5));
return null;`;
  const setup = `const { Kafka, logLevel } = global.get('kafkajs');
const kafka = new Kafka({ clientId: 'core-baseline', brokers: ${JSON.stringify(brokers)}, logLevel: logLevel.NOTHING });
const producer = kafka.producer();
await producer.connect();
context.set('producer', producer);
context.set('pending', []);`;
  return [
    { id: z, type: "tab", label: "core baseline" },
    { id: "bench-sim", type: "edge-sim", z, seed: "1", trucks: String(trucks), coldRooms: "0", freezers: "0", shelves: "0", coapSensors: "0", intervalMs: "1000", stepS: "60", autostart: false, wires: [["core-t0"], []] },
    { id: "core-t0", type: "change", z, rules: [{ t: "set", p: "t0", pt: "msg", to: "", tot: "date" }], wires: [["core-map"]] },
    { id: "core-map", type: "function", z, func: mapping, outputs: 1, wires: [["core-switch"]] },
    { id: "core-switch", type: "switch", z, property: "payload.readings[0].value", propertyType: "msg", rules: [{ t: "gt", v: "8", vt: "num" }, { t: "else" }], checkall: "false", outputs: 2, wires: [["core-aggregate"], ["core-aggregate"]] },
    { id: "core-aggregate", type: "function", z, func: aggregate, outputs: 1, wires: [["core-kafka"]] },
    { id: "core-kafka", type: "function", z, func: produce, initialize: setup, finalize: "const p = context.get('producer'); if (p) p.disconnect();", outputs: 1, wires: [[]] },
  ];
}
