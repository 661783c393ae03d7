/**
 * edge-sim's Modbus cold-room controllers read and written by a master we did not write: mbpoll (libmodbus),
 * against the server the edge-sim node starts on 127.0.0.1. The registers move with the simulation and its faults.
 */
import * as assert from "assert";
import helper from "node-red-node-test-helper";
import simNode from "../../nodes/edge-sim/edge-sim";
import { requireBinary, spawnTracked } from "../harness/processes";
import { freeTcpPort } from "../harness/ports";
import { waitFor } from "../harness/wait";
import { useTestHelper } from "../harness/test-helper-server";

interface Mbpoll {
  code: number | null;
  out: string;
  /** the values printed as "[ref]: value" */
  values: number[];
}

/** one mbpoll run (zero-based addresses, one poll, 1 s timeout), waited for without blocking our server */
async function mbpoll(port: number, args: string[]): Promise<Mbpoll> {
  const p = spawnTracked(requireBinary("mbpoll"), ["-m", "tcp", "-p", String(port), "-0", "-1", "-o", "1", ...args]);
  await waitFor(() => p.child.exitCode !== null || p.child.signalCode !== null, `mbpoll ${args.join(" ")}`, { timeoutMs: 10000 });
  const out = p.output();
  return { code: p.child.exitCode, out, values: [...out.matchAll(/^\[\d+\]:\s+(-?\d+)/gm)].map((m) => Number(m[1])) };
}

describe("edge-sim's Modbus controllers under mbpoll", function () {
  this.timeout(60000);
  let port: number;

  useTestHelper();
  beforeEach(async function () {
    port = await freeTcpPort();
    const flow: Array<Record<string, unknown>> = [
      { id: "sim", type: "edge-sim", seed: "5", trucks: "0", coldRooms: "0", freezers: "0", shelves: "0", coapSensors: "0", cameras: "0", intervalMs: "1000", stepS: "60", autostart: false, modbusRooms: "2", modbusAddress: "127.0.0.1", modbusPort: String(port), wires: [[], []] },
    ];
    await helper.load(simNode, flow as Parameters<typeof helper.load>[1]);
    await waitFor(async () => (await mbpoll(port, ["-a", "1", "-t", "4", "-r", "0", "127.0.0.1"])).code === 0, "the simulator's Modbus server");
  });

  const tick = (n: number) => helper.getNode("sim").receive({ payload: { tick: n } });

  it("serves the controller's registers: setpoint 3.0 °C, defrost every 480 min for 20, air near the setpoint", async function () {
    const holding = await mbpoll(port, ["-a", "1", "-t", "4", "-r", "0", "-c", "3", "127.0.0.1"]);
    assert.deepStrictEqual(holding.values, [30, 480, 20], holding.out);
    const input = await mbpoll(port, ["-a", "1", "-t", "3", "-r", "0", "-c", "2", "127.0.0.1"]);
    assert.strictEqual(input.code, 0, input.out);
    assert.ok(input.values[0] >= 20 && input.values[0] <= 40, `air ${input.values[0]} tenths`);
    const coils = await mbpoll(port, ["-a", "1", "-t", "0", "-r", "0", "-c", "2", "127.0.0.1"]);
    assert.deepStrictEqual(coils.values, [0, 1], coils.out);
  });

  it("takes a new setpoint from the master and the room cools to it; refuses one beyond the controller's limits", async function () {
    const w = await mbpoll(port, ["-a", "1", "-t", "4", "-r", "0", "127.0.0.1", "10"]);
    assert.strictEqual(w.code, 0, w.out);
    assert.match(w.out, /Written 1 references/);
    tick(120);
    const air = await mbpoll(port, ["-a", "1", "-t", "3", "-r", "0", "127.0.0.1"]);
    assert.ok(air.values[0] <= 25, `air ${air.values[0]} tenths after two hours at setpoint 1.0 °C`);
    const refused = await mbpoll(port, ["-a", "1", "-t", "4", "-r", "0", "127.0.0.1", "200"]);
    assert.notStrictEqual(refused.code, 0);
    assert.match(refused.out, /Illegal data value/i);
    assert.deepStrictEqual((await mbpoll(port, ["-a", "1", "-t", "4", "-r", "0", "127.0.0.1"])).values, [10]);
  });

  it("starts a defrost when the master sets the defrost coil, and the evaporator warms", async function () {
    assert.strictEqual((await mbpoll(port, ["-a", "2", "-t", "0", "-r", "0", "127.0.0.1", "1"])).code, 0);
    tick(5);
    assert.deepStrictEqual((await mbpoll(port, ["-a", "2", "-t", "0", "-r", "0", "127.0.0.1"])).values, [1]);
    const [air, evaporator] = (await mbpoll(port, ["-a", "2", "-t", "3", "-r", "0", "-c", "2", "127.0.0.1"])).values;
    assert.ok(evaporator > air, `evaporator ${evaporator} above air ${air} while defrosting`);
  });

  it("shows an injected door-open fault on its discrete input, and a controller without power stops answering", async function () {
    helper.getNode("sim").receive({ payload: { fault: "door-open", device: "modbus-room-02" } });
    tick(1);
    assert.deepStrictEqual((await mbpoll(port, ["-a", "2", "-t", "1", "-r", "0", "127.0.0.1"])).values, [1]);
    assert.deepStrictEqual((await mbpoll(port, ["-a", "1", "-t", "1", "-r", "0", "127.0.0.1"])).values, [0]);
    helper.getNode("sim").receive({ payload: { fault: "power-cut", device: "modbus-room-01" } });
    const dead = await mbpoll(port, ["-a", "1", "-t", "3", "-r", "0", "127.0.0.1"]);
    assert.notStrictEqual(dead.code, 0);
    assert.match(dead.out, /Target device failed to respond/i);
    assert.strictEqual((await mbpoll(port, ["-a", "2", "-t", "3", "-r", "0", "127.0.0.1"])).code, 0);
  });
});
