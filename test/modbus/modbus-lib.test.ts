/**
 * lib/modbus against a Modbus implementation we did not write: Debian's pymodbus 3.0 as the controller, over TCP
 * and over RTU on a socat pseudo-terminal pair. Register contents are given to pymodbus as words and checked as
 * the values a profile says they are; writes are checked in pymodbus's own log of what it stored.
 */
import * as assert from "assert";
import { ModbusClient } from "../../lib/modbus/client";
import { TcpTransport } from "../../lib/modbus/tcp-transport";
import { RtuTransport } from "../../lib/modbus/rtu-transport";
import { ModbusDevice } from "../../lib/modbus/modbus-device";
import { ModbusExceptionError, ModbusTimeoutError } from "../../lib/modbus/errors";
import { parseProfile } from "../../lib/ingest/profile";
import type { LinkState } from "../../lib/modbus/transport";
import { waitFor } from "../harness/wait";
import { startPtyPair, startPymodbusRtu, startPymodbusTcp, type PtyPair, type PymodbusPeer } from "./modbus-peers";
import { CONTROLLER_PROFILE, CONTROLLER_TABLES, EXPECTED_VALUES } from "./controller-fixture";

describe("lib/modbus against pymodbus", function () {
  this.timeout(60000);
  const profile = parseProfile(CONTROLLER_PROFILE);

  describe("Modbus TCP", function () {
    let server: PymodbusPeer & { port: number };
    let transport: TcpTransport;
    let device: ModbusDevice;

    before(async function () {
      server = await startPymodbusTcp(CONTROLLER_TABLES);
    });
    after(async function () {
      await server?.stop();
    });
    beforeEach(function () {
      transport = new TcpTransport({ host: "127.0.0.1", port: server.port, timeoutMs: 2000, reconnectMinMs: 50, reconnectMaxMs: 400 });
      transport.start();
      device = new ModbusDevice(new ModbusClient(transport), profile, { unitId: 1 });
    });
    afterEach(async function () {
      await transport.close();
    });

    it("reads every point of the profile with one request per contiguous run of each table", async function () {
      // holding 0…3, 20, 30…33; input 0, 2…7; coils 0…1; discrete 0…1
      assert.deepStrictEqual(device.groups.map((g) => `${g.fc}:${g.address}+${g.quantity}`), ["3:0+4", "3:20+1", "3:30+4", "4:0+1", "4:2+6", "1:0+2", "2:0+2"]);
      // input register 1 is a hole: read across it only when the device allows a gap
      assert.deepStrictEqual(new ModbusDevice(new ModbusClient(transport), profile, { unitId: 1, maxGap: 1 }).groups.filter((g) => g.fc === 4).map((g) => `${g.address}+${g.quantity}`), ["0+8"]);
      const r = await device.poll();
      assert.deepStrictEqual(r.failures, []);
      assert.deepStrictEqual(r.values, EXPECTED_VALUES);
    });

    it("writes a setpoint with FC 6 after undoing its scale, a float with FC 16, a coil with FC 5 and two coils with FC 15", async function () {
      await device.write({ setpoint: 4.5 });
      await device.write({ highAlarm: -2.25, label: "AB" });
      await device.write({ defrostOn: true });
      await device.write({ defrostOn: false, lightOn: false });
      await waitFor(() => server.writes().length >= 5, "pymodbus to log five writes");
      // −2.25 = 0xC0100000; "AB" = 0x4142 padded with NULs
      assert.deepStrictEqual(server.writes(), ["hr 0 [45]", "hr 2 [49168, 0]", "hr 30 [16706, 0, 0, 0]", "co 0 [true]", "co 0 [false, false]"]);
      const r = await device.poll();
      assert.strictEqual(r.values.setpoint, 45);
      assert.strictEqual(r.values.highAlarm, -2.25);
      assert.strictEqual(r.values.label, "AB");
      assert.strictEqual(r.values.lightOn, false);
      // restore for the other tests
      await device.write({ setpoint: 4, highAlarm: 8.5, label: "CR-01", lightOn: true });
    });

    it("refuses a write out of the profile's range, to a read-only point or to an unknown resource, before sending anything", async function () {
      const before = server.writes().length;
      await assert.rejects(device.write({ setpoint: 20 }), /setpoint: 20 is above the maximum 12/);
      await assert.rejects(device.write({ airTemp: 1 }), /INPUT_REGISTERS cannot be written/);
      await assert.rejects(device.write({ setpoint: 4, nope: 1 }), /nope: the profile .* has no Modbus resource/);
      await assert.rejects(device.write({ defrostIntervalMin: 70000 }), /outside UINT16/);
      assert.strictEqual(server.writes().length, before);
    });

    it("reports the device's exception response for an address it does not have", async function () {
      const client = new ModbusClient(transport);
      await assert.rejects(client.readRegisters(1, 3, 95, 10), (err: unknown) => err instanceof ModbusExceptionError && err.exceptionCode === 2);
    });

    it("keeps several requests in flight and matches each response to its request by transaction id", async function () {
      await transport.close();
      transport = new TcpTransport({ host: "127.0.0.1", port: server.port, timeoutMs: 5000, maxInFlight: 8 });
      transport.start();
      const client = new ModbusClient(transport);
      const reads = Array.from({ length: 40 }, (_, i) => client.readRegisters(1, 4, i % 8, 1));
      const got = await Promise.all(reads);
      const words = CONTROLLER_TABLES.ir!["0"] as number[];
      got.forEach((r, i) => assert.deepStrictEqual(r, [words[i % 8]]));
    });

    it("times out a request the controller does not answer, and works again when it answers", async function () {
      const client = new ModbusClient(transport);
      await client.readRegisters(1, 3, 0, 1);
      server.process.child.kill("SIGSTOP");
      try {
        const started = Date.now();
        await assert.rejects(client.execute(1, { fc: 3, address: 0, quantity: 1 }, 300), ModbusTimeoutError);
        assert.ok(Date.now() - started < 2000);
      } finally {
        server.process.child.kill("SIGCONT");
      }
      const r = await waitFor(() => client.readRegisters(1, 3, 1, 1), "a read after the controller resumed", { timeoutMs: 10000 });
      assert.deepStrictEqual(r, [360]);
    });

    it("reconnects with backoff when the controller goes away and comes back on its port", async function () {
      const states: LinkState[] = [];
      transport.on("state", (s: LinkState) => states.push(s));
      const client = new ModbusClient(transport);
      await waitFor(() => client.readRegisters(1, 3, 1, 1), "a first read");
      const port = server.port;
      await server.stop();
      await waitFor(() => states.includes("disconnected"), "the link to go down");
      await assert.rejects(client.execute(1, { fc: 3, address: 1, quantity: 1 }, 200));
      server = await startPymodbusTcp(CONTROLLER_TABLES, port);
      const r = await waitFor(() => client.readRegisters(1, 3, 1, 1).catch(() => undefined), "a read after the controller came back", { timeoutMs: 15000 });
      assert.deepStrictEqual(r, [360]);
      const down = states.indexOf("disconnected");
      assert.ok(states.slice(down).includes("connecting"), `states: ${states.join(" → ")}`);
      assert.strictEqual(states.at(-1), "connected");
    });
  });

  describe("Modbus RTU over a socat pty pair", function () {
    let pair: PtyPair;
    let server: PymodbusPeer;
    let transport: RtuTransport;

    before(async function () {
      pair = await startPtyPair();
      server = await startPymodbusRtu(pair.b, 19200, CONTROLLER_TABLES);
      transport = new RtuTransport({ path: pair.a, baudRate: 19200, parity: "none", timeoutMs: 1000 });
      transport.start();
    });
    after(async function () {
      await transport?.close();
      await server?.stop();
      await pair?.stop();
    });

    it("reads and writes the controller's points, CRC and unit address checked", async function () {
      const device = new ModbusDevice(new ModbusClient(transport), profile, { unitId: 1 });
      const first = await waitFor(async () => {
        const r = await device.poll();
        return r.failures.length === 0 ? r : undefined;
      }, "a complete poll over RTU", { timeoutMs: 15000 });
      assert.deepStrictEqual(first.values, EXPECTED_VALUES);
      await device.write({ setpoint: 3.2, lightOn: false });
      await waitFor(() => server.writes().length >= 2, "pymodbus to log the RTU writes");
      // one request per table, coils first
      assert.deepStrictEqual(server.writes().slice(-2), ["co 1 [false]", "hr 0 [32]"]);
      await device.write({ setpoint: 4, lightOn: true });
    });

    it("reports the exception responses: an address the unit lacks, and (pymodbus answers as a gateway) a unit it lacks", async function () {
      const client = new ModbusClient(transport);
      await assert.rejects(client.readRegisters(1, 3, 95, 10), (err: unknown) => err instanceof ModbusExceptionError && err.exceptionCode === 2);
      await assert.rejects(client.execute(7, { fc: 3, address: 0, quantity: 1 }, 300), (err: unknown) => err instanceof ModbusExceptionError && err.exceptionCode === 11);
      assert.deepStrictEqual(await client.readRegisters(1, 3, 1, 1), [360]);
    });

    it("broadcasts a write to unit 0 without waiting for a response, and the controller applies it", async function () {
      const client = new ModbusClient(transport);
      const before = server.writes().length;
      assert.strictEqual(await client.writeRegister(0, 1, 480), undefined);
      await waitFor(() => server.writes().length > before, "pymodbus to apply the broadcast");
      assert.strictEqual(server.writes().at(-1), "hr 1 [480]");
      assert.deepStrictEqual(await client.readRegisters(1, 3, 1, 1), [480]);
      await client.writeRegister(1, 1, 360);
      await assert.rejects(client.execute(0, { fc: 3, address: 0, quantity: 1 }), /cannot be broadcast/);
    });
  });
});
