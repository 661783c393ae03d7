/**
 * events/s through edge-ingest (a 6-resource profile, unit conversion and checks) against a core change node doing
 * the same mapping with JSONata, same process, same messages, same run.
 */
import helper from "node-red-node-test-helper";
import ingestNode from "../nodes/edge-ingest/edge-ingest";
import profileNode from "../nodes/edge-device-profile/edge-device-profile";
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

function messages(): Array<Record<string, unknown>> {
  const sim = new ColdChainSimulator({ seed: 1, fleet: { trucks: 100, coldRooms: 0, freezers: 0, shelves: 0, coapSensors: 0 }, startTime: 0 });
  const out: Array<Record<string, unknown>> = [];
  while (out.length < N) for (const m of sim.tick(60).messages) out.push({ topic: m.topic, payload: m.payload });
  return out.slice(0, N);
}

async function throughput(flow: unknown[], nodes: unknown[], entry: string, input: Array<Record<string, unknown>>): Promise<number> {
  await new Promise<void>((r) => helper.startServer(() => r()));
  await helper.load(nodes as never, flow as never);
  let received = 0;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  (helper.getNode("sink") as unknown as NodeJS.EventEmitter).on("input", () => {
    if (++received === input.length) resolveDone();
  });
  const node = helper.getNode(entry);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < input.length; i++) {
    node.receive({ ...input[i] });
    if (i % 1000 === 999) await new Promise((r) => setImmediate(r));
  }
  await done;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await helper.unload();
  await new Promise<void>((r) => helper.stopServer(() => r()));
  return input.length / seconds;
}

export async function run() {
  helper.init(require.resolve("node-red"));
  const input = messages();
  const ours = await throughput(
    [
      { id: "p", type: "edge-device-profile", source: "text", profile: PROFILE },
      { id: "in", type: "edge-ingest", profile: "p", deviceNameFrom: "path", deviceNamePath: "unit_id", outOfRange: "flag", output: "event", wires: [["sink"], ["sink"]] },
      { id: "sink", type: "helper" },
    ],
    [profileNode, ingestNode],
    "in",
    input,
  );
  const core = await throughput(
    [
      { id: "map", type: "change", rules: [{ t: "set", p: "payload", pt: "msg", to: JSONATA, tot: "jsonata" }], wires: [["sink"]] },
      { id: "sink", type: "helper" },
    ],
    [require("@node-red/nodes/core/function/15-change.js")],
    "map",
    input,
  );
  return [{ name: "6-resource profile → event", ours, baseline: core, unit: "events/s", ratio: ours / core, note: `edge-ingest vs core change node with JSONata, ${N} messages` }];
}

if (require.main === module) {
  run().then((rows) => console.table(rows), (err) => {
    console.error(err);
    process.exit(1);
  });
}
