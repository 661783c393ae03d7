/**
 * edge-modbus in a real Node-RED, polling pymodbus controllers (one over TCP, one over RTU on a socat pty pair)
 * into edge-ingest with the same EdgeX profile; setpoints written by message and checked in pymodbus's log;
 * refusals and a controller that goes away seen by a Catch node and in the status; the socket and serial port
 * released when the nodes are removed.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import { SerialPort } from "serialport";
import { ensureBuilt, linkPack } from "../harness/build";
import { startNodeRed, type NodeRedProcess } from "../harness/node-red-process";
import { httpRequest, tempDir } from "../harness/peers";
import { waitFor } from "../harness/wait";
import { CONTROLLER_PROFILE, CONTROLLER_TABLES } from "./controller-fixture";
import { startPtyPair, startPymodbusRtu, startPymodbusTcp, type PtyPair, type PymodbusPeer } from "./modbus-peers";

type Rec = { kind: string; node?: string; payload?: Record<string, unknown>; topic?: string; eventId?: string; error?: string; status?: { fill?: string; shape?: string; text?: string } };

const z = "modbus-tab";
const record = (id: string, kind: string) => ({
  id,
  z,
  type: "function",
  name: `record ${kind}`,
  func: [
    `const list = global.get("modbusRecords") || [];`,
    `list.push({ kind: ${JSON.stringify(kind)}, node: msg.status ? msg.status.source.id : msg.error && msg.error.source ? msg.error.source.id : undefined, payload: msg.payload, topic: msg.topic, eventId: msg.eventId, error: msg.error ? String(msg.error.message) : undefined, status: msg.status });`,
    `global.set("modbusRecords", list);`,
    `return null;`,
  ].join("\n"),
  outputs: 0,
  wires: [],
});

function flows(tcpPort: number, ptyPath: string): unknown[] {
  return [
    { id: z, type: "tab", label: "modbus" },
    { id: "profile", type: "edge-device-profile", name: "controller", source: "text", profile: CONTROLLER_PROFILE, file: "", builtin: "" },
    { id: "link-tcp", type: "edge-modbus-link", name: "tcp", transport: "tcp", host: "127.0.0.1", port: String(tcpPort), maxInFlight: "1", timeoutMs: "500" },
    { id: "link-rtu", type: "edge-modbus-link", name: "rtu", transport: "rtu", serialPath: ptyPath, baudRate: "19200", dataBits: "8", parity: "none", stopBits: "1", timeoutMs: "500" },
    { id: "mb-tcp", z, type: "edge-modbus", name: "room 1", link: "link-tcp", profile: "profile", deviceName: "cold-room-1", unitId: "1", intervalS: "0.3", maxGap: "0", writeMultiple: false, wires: [["ingest"], ["rec-writes"]] },
    { id: "mb-rtu", z, type: "edge-modbus", name: "room 2", link: "link-rtu", profile: "profile", deviceName: "cold-room-2", unitId: "1", intervalS: "0.3", maxGap: "0", writeMultiple: false, wires: [["ingest"], ["rec-writes"]] },
    { id: "ingest", z, type: "edge-ingest", profile: "profile", deviceNameFrom: "topic", topicPattern: "+/+deviceName/#", deviceNamePath: "", deviceName: "", outOfRange: "flag", payloadSchema: "", topicTemplate: "edge/{profileName}/{deviceName}", output: "event", originPath: "", calibration: "", wires: [["rec-events"], ["rec-rejected"]] },
    record("rec-events", "event"),
    record("rec-rejected", "rejected"),
    record("rec-writes", "write"),
    { id: "mb-catch", z, type: "catch", scope: ["mb-tcp", "mb-rtu"], uncaught: false, wires: [["rec-caught"]] },
    record("rec-caught", "caught"),
    { id: "mb-status", z, type: "status", scope: ["mb-tcp", "mb-rtu"], wires: [["rec-status"]] },
    record("rec-status", "status"),
    { id: "get-in", z, type: "http in", url: "/modbus/records", method: "get", wires: [["get-read"]] },
    { id: "get-read", z, type: "function", func: `msg.payload = global.get("modbusRecords") || [];\nreturn msg;`, outputs: 1, wires: [["get-out"]] },
    { id: "get-out", z, type: "http response", statusCode: "200", headers: { "content-type": "application/json" }, wires: [] },
    { id: "post-in", z, type: "http in", url: "/modbus/write", method: "post", wires: [["post-route", "post-ok"]] },
    { id: "post-route", z, type: "function", outputs: 2, func: `const to = msg.req.query.to === "rtu" ? 1 : 0; const out = [null, null]; out[to] = { payload: msg.payload }; return out;`, wires: [["mb-tcp"], ["mb-rtu"]] },
    { id: "post-ok", z, type: "http response", statusCode: "204", wires: [] },
  ];
}

describe("edge-modbus in Node-RED against pymodbus", function () {
  this.timeout(120000);
  let tcp: PymodbusPeer & { port: number };
  let pair: PtyPair;
  let rtu: PymodbusPeer;
  let red: NodeRedProcess;

  const records = async (): Promise<Rec[]> => JSON.parse((await httpRequest("GET", `${red.url}/modbus/records`)).body) as Rec[];
  const events = async (device: string) => (await records()).filter((r) => r.kind === "event" && (r.payload as { deviceName?: string })?.deviceName === device);
  const write = (values: Record<string, unknown>, to: "tcp" | "rtu" = "tcp") => httpRequest("POST", `${red.url}/modbus/write?to=${to}`, JSON.stringify(values), { "Content-Type": "application/json" });
  const readingOf = (e: Rec, name: string) => ((e.payload as { readings: Array<{ resourceName: string; value: unknown }> }).readings.find((r) => r.resourceName === name) ?? {}).value;

  before(async function () {
    ensureBuilt();
    tcp = await startPymodbusTcp(CONTROLLER_TABLES);
    pair = await startPtyPair();
    rtu = await startPymodbusRtu(pair.b, 19200, CONTROLLER_TABLES);
    const userDir = tempDir("modbus-red");
    linkPack(userDir);
    red = await startNodeRed({ userDir, flows: flows(tcp.port, pair.a) });
  });
  after(async function () {
    if (process.env.MODBUS_TEST_LOG) console.log(red?.output());
    await red?.stop();
    await rtu?.stop();
    await pair?.stop();
    await tcp?.stop();
  });

  it("polls both controllers into edge-ingest: events with the profile's scale applied, each with its own eventId", async function () {
    for (const device of ["cold-room-1", "cold-room-2"]) {
      const got = await waitFor(async () => ((await events(device)).length >= 3 ? await events(device) : undefined), `three events of ${device}`, { timeoutMs: 20000 });
      const e = got[0];
      assert.strictEqual(readingOf(e, "airTemp"), 3.5);
      assert.strictEqual(readingOf(e, "setpoint"), 4);
      assert.strictEqual(readingOf(e, "evaporatorTemp"), -18.5);
      assert.strictEqual(readingOf(e, "doorOpen"), true);
      assert.strictEqual(readingOf(e, "label"), "CR-01");
      assert.strictEqual(e.topic, `edge/test-cold-room-controller/${device}`);
      assert.strictEqual(new Set(got.map((x) => x.eventId)).size, got.length);
    }
    assert.deepStrictEqual((await records()).filter((r) => r.kind === "rejected" || r.kind === "caught"), []);
    const statuses = (await records()).filter((r) => r.kind === "status");
    await waitFor(async () => (await records()).filter((r) => r.kind === "status" && r.status?.fill === "green").length >= 2, "both nodes green").catch(async (e) => {
      throw new Error(`${e.message}: ${JSON.stringify((await records()).filter((r) => r.kind !== "event"))}`);
    });
    assert.ok(statuses.every((s) => s.status?.fill !== "green" || /polls/.test(s.status.text ?? "")));
  });

  it("writes a setpoint by message (FC 6, scale undone) over TCP and RTU, and the next events show it", async function () {
    assert.strictEqual((await write({ setpoint: 3.5 })).status, 204);
    assert.strictEqual((await write({ setpoint: 2.5, defrostOn: true }, "rtu")).status, 204);
    await waitFor(() => tcp.writes().includes("hr 0 [35]"), "pymodbus TCP to store 35");
    await waitFor(() => rtu.writes().includes("hr 0 [25]") && rtu.writes().includes("co 0 [true]"), "pymodbus RTU to store 25 and the coil");
    await waitFor(async () => (await records()).filter((r) => r.kind === "write").length >= 2, "both write results");
    const results = (await records()).filter((r) => r.kind === "write").map((r) => JSON.stringify(r.payload)).sort();
    assert.deepStrictEqual(results, [JSON.stringify({ setpoint: 2.5, defrostOn: true }), JSON.stringify({ setpoint: 3.5 })]);
    await waitFor(async () => (await events("cold-room-1")).some((e) => readingOf(e, "setpoint") === 3.5), "an event of room 1 with setpoint 3.5");
    await waitFor(async () => (await events("cold-room-2")).some((e) => readingOf(e, "setpoint") === 2.5 && readingOf(e, "defrostOn") === true), "an event of room 2 with setpoint 2.5, defrosting");
  });

  it("refuses a setpoint beyond the profile's maximum, a read-only point and nonsense with an error a Catch node sees, writing nothing", async function () {
    const before = tcp.writes().length;
    await write({ setpoint: 40 });
    await write({ airTemp: 1 });
    await write({ setpoint: "warm" });
    const caught = await waitFor(async () => {
      const c = (await records()).filter((r) => r.kind === "caught");
      return c.length >= 3 ? c : undefined;
    }, "three caught errors");
    assert.match(caught[0].error ?? "", /setpoint: 40 is above the maximum 12/);
    assert.match(caught[1].error ?? "", /airTemp: INPUT_REGISTERS cannot be written/);
    assert.match(caught[2].error ?? "", /setpoint: "warm" is not a number/);
    assert.strictEqual(tcp.writes().length, before);
  });

  it("goes red when the controller stops answering, tells Catch once, and turns green again when it answers", async function () {
    const caughtBefore = (await records()).filter((r) => r.kind === "caught").length;
    const statusBefore = (await records()).length;
    tcp.process.child.kill("SIGSTOP");
    try {
      await waitFor(async () => (await records()).slice(statusBefore).some((r) => r.kind === "status" && r.status?.fill === "red"), "room 1's status red", { timeoutMs: 15000 });
      await waitFor(async () => (await records()).filter((r) => r.kind === "caught").length > caughtBefore, "a caught poll failure");
      const caught = (await records()).filter((r) => r.kind === "caught").slice(caughtBefore);
      assert.match(caught[0].error ?? "", /Reading cold-room-1 failed: .*no response within 500 ms/);
    } finally {
      tcp.process.child.kill("SIGCONT");
    }
    const mark = (await records()).length;
    await waitFor(async () => (await records()).slice(mark).some((r) => r.kind === "status" && r.status?.fill === "green"), "room 1 green again", { timeoutMs: 15000 });
    // several failed polls, one error: the rest is in the status
    const failures = (await records()).filter((r) => r.kind === "caught").slice(caughtBefore);
    assert.ok(failures.length <= 2, `${failures.length} errors for one outage`);
  });

  it("releases the TCP connection and the serial port when its nodes are removed, though the link config nodes stay", async function () {
    const kept = flows(tcp.port, pair.a).filter((n) => ["modbus-tab", "profile", "link-tcp", "link-rtu"].includes((n as { id: string }).id));
    await red.deploy(kept);
    // the serial port opens again (serialport locks it exclusively while a node holds it)
    await waitFor(() => new Promise<boolean>((resolve) => {
      const p = new SerialPort({ path: pair.a, baudRate: 19200, autoOpen: false });
      p.open((err) => (err ? resolve(false) : p.close(() => resolve(true))));
    }), "the pty to be free");
    // no socket of Node-RED's is left connected to the controller
    await waitFor(() => execFileSync("ss", ["-Htn", "state", "established", `( dport = :${tcp.port} )`], { encoding: "utf8" }).trim() === "", "Node-RED's connection to the controller to close");
    assert.doesNotMatch(red.output(), /Unhandled|uncaught/i);
  });
});
