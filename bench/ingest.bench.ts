/**
 * events/s through edge-ingest (a 6-resource profile, unit conversion and checks) against the same mapping done by
 * core nodes, same process, same messages, same run: a function node written by hand (the strongest baseline,
 * range checks included) and a change node with JSONata (the no-code one).
 */
import { ensureBuilt } from "../test/harness/build";
import { benchUserDir, runThroughput } from "./support/run-pipeline";
import { ColdChainSimulator } from "../lib/sim/simulator";

const N = Number(process.env.BENCH_INGEST_MESSAGES ?? 20000);
const PROFILE = `name: reefer-6
deviceResources:
  - { name: returnAir, attributes: { path: ret_air_f, rawUnits: degF }, properties: { valueType: Float32, units: degC, minimum: -40, maximum: 60 } }
  - { name: supplyAir, attributes: { path: sup_air_f, rawUnits: degF }, properties: { valueType: Float32, units: degC, minimum: -40, maximum: 60 } }
  - { name: setpoint, attributes: { path: setpoint_f, rawUnits: degF }, properties: { valueType: Float32, units: degC } }
  - { name: compressorCurrent, attributes: { path: comp_amps }, properties: { valueType: Float32, units: A, minimum: 0, maximum: 60 } }
  - { name: door, attributes: { path: door }, properties: { valueType: Bool } }
  - { name: defrost, attributes: { path: defrost }, properties: { valueType: Bool } }
`;
const JSONATA = `{
  "deviceName": payload.unit_id, "profileName": "reefer-6", "origin": payload.ts,
  "readings": [
    {"resourceName": "returnAir", "value": (payload.ret_air_f - 32) * 5 / 9, "units": "degC", "valueType": "Float32"},
    {"resourceName": "supplyAir", "value": (payload.sup_air_f - 32) * 5 / 9, "units": "degC", "valueType": "Float32"},
    {"resourceName": "setpoint", "value": (payload.setpoint_f - 32) * 5 / 9, "units": "degC", "valueType": "Float32"},
    {"resourceName": "compressorCurrent", "value": payload.comp_amps, "units": "A", "valueType": "Float32"},
    {"resourceName": "door", "value": payload.door = "open", "valueType": "Bool"},
    {"resourceName": "defrost", "value": payload.defrost, "valueType": "Bool"}
  ]
}`;

/** the same mapping and range checks as the profile, by hand, as a user would write it in a function node */
const FUNCTION = `const p = msg.payload;
const c = (f) => (f - 32) * 5 / 9;
const inRange = (v, lo, hi) => typeof v === 'number' && v >= lo && v <= hi;
const readings = [
  { resourceName: 'returnAir', value: c(p.ret_air_f), units: 'degC', valueType: 'Float32' },
  { resourceName: 'supplyAir', value: c(p.sup_air_f), units: 'degC', valueType: 'Float32' },
  { resourceName: 'setpoint', value: c(p.setpoint_f), units: 'degC', valueType: 'Float32' },
  { resourceName: 'compressorCurrent', value: p.comp_amps, units: 'A', valueType: 'Float32' },
  { resourceName: 'door', value: p.door === 'open', valueType: 'Bool' },
  { resourceName: 'defrost', value: p.defrost === true, valueType: 'Bool' },
];
if (!inRange(readings[0].value, -40, 60) || !inRange(readings[1].value, -40, 60) || !inRange(readings[3].value, 0, 60)) msg.outOfRange = true;
msg.payload = { deviceName: p.unit_id, profileName: 'reefer-6', origin: p.ts, readings };
return msg;`;

function messages(): Array<Record<string, unknown>> {
  const sim = new ColdChainSimulator({ seed: 1, fleet: { trucks: 100, coldRooms: 0, freezers: 0, shelves: 0, coapSensors: 0 }, startTime: 0 });
  const out: Array<Record<string, unknown>> = [];
  while (out.length < N) for (const m of sim.tick(60).messages) out.push({ topic: m.topic, payload: m.payload });
  return out.slice(0, N);
}

const SINK = { id: "sink", type: "junction", z: "bench", x: 0, y: 0, wires: [] };

async function throughput(name: string, nodes: unknown[], input: Array<Record<string, unknown>>): Promise<number> {
  const result = await runThroughput({ flows: [{ id: "bench", type: "tab", label: name }, ...nodes, SINK], userDir: benchUserDir(`ingest-${name}`), entry: "entry", sink: "sink", messages: input, burst: 200, timeoutMs: 120000 });
  if (result.error) throw new Error(`${name}: ${result.error}`);
  return result.perSecond;
}

export async function run() {
  ensureBuilt();
  const input = messages();
  const ours = await throughput(
    "ours",
    [
      { id: "p", type: "edge-device-profile", name: "reefer-6", source: "text", profile: PROFILE },
      { id: "entry", type: "edge-ingest", z: "bench", profile: "p", deviceNameFrom: "path", deviceNamePath: "unit_id", outOfRange: "flag", output: "event", wires: [["sink"], ["sink"]] },
    ],
    input,
  );
  const byHand = await throughput("function", [{ id: "entry", type: "function", z: "bench", func: FUNCTION, outputs: 1, wires: [["sink"]] }], input);
  const jsonata = await throughput("jsonata", [{ id: "entry", type: "change", z: "bench", rules: [{ t: "set", p: "payload", pt: "msg", to: JSONATA, tot: "jsonata" }], wires: [["sink"]] }], input);
  return [
    { name: "6-resource profile → event", ours, baseline: byHand, unit: "events/s", ratio: ours / byHand, note: `edge-ingest vs the same mapping and range checks hand-written in a core function node, ${N} messages, each in a Node-RED of its own` },
    { name: "6-resource profile → event, no-code baseline", ours, baseline: jsonata, unit: "events/s", ratio: ours / jsonata, note: `edge-ingest vs core change node with JSONata, ${N} messages` },
  ];
}

if (require.main === module) {
  run().then((rows) => console.table(rows), (err) => {
    console.error(err);
    process.exit(1);
  });
}
