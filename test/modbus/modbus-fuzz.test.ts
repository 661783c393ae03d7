/**
 * A hostile peer never crashes or hangs us: every parser fed random and mutated frames (fast-check) throws only
 * its own protocol errors and keeps bounded state; over real sockets, a server that answers garbage and a master
 * that sends garbage leave our master and server working, each request settled within its deadline.
 */
import * as assert from "assert";
import * as net from "net";
import fc from "fast-check";
import { decodeRequest, decodeResponse, encodeRequest, type Request } from "../../lib/modbus/pdu";
import { TcpDeframer, encodeTcpFrame, MAX_ADU } from "../../lib/modbus/mbap";
import { RtuAssembler, MAX_RTU_FRAME } from "../../lib/modbus/rtu-assembler";
import { rtuFrame } from "../../lib/modbus/crc16";
import { ModbusError } from "../../lib/modbus/errors";
import { RegisterBank } from "../../lib/modbus/register-bank";
import { ModbusTcpServer } from "../../lib/modbus/tcp-server";
import { TcpTransport } from "../../lib/modbus/tcp-transport";
import { ModbusClient } from "../../lib/modbus/client";
import { SerialPort } from "serialport";
import { RtuTransport } from "../../lib/modbus/rtu-transport";
import { startPtyPair } from "./modbus-peers";
import { freeTcpPort } from "../harness/ports";
import { waitFor } from "../harness/wait";

const requestArb: fc.Arbitrary<Request> = fc.oneof(
  fc.record({ fc: fc.constantFrom(1 as const, 2 as const), address: fc.integer({ min: 0, max: 60000 }), quantity: fc.integer({ min: 1, max: 2000 }) }),
  fc.record({ fc: fc.constantFrom(3 as const, 4 as const), address: fc.integer({ min: 0, max: 60000 }), quantity: fc.integer({ min: 1, max: 125 }) }),
  fc.record({ fc: fc.constant(5 as const), address: fc.integer({ min: 0, max: 65535 }), value: fc.boolean() }),
  fc.record({ fc: fc.constant(6 as const), address: fc.integer({ min: 0, max: 65535 }), value: fc.integer({ min: 0, max: 65535 }) }),
  fc.record({ fc: fc.constant(15 as const), address: fc.integer({ min: 0, max: 60000 }), values: fc.array(fc.boolean(), { minLength: 1, maxLength: 1968 }) }),
  fc.record({ fc: fc.constant(16 as const), address: fc.integer({ min: 0, max: 60000 }), values: fc.array(fc.integer({ min: 0, max: 65535 }), { minLength: 1, maxLength: 123 }) }),
);
const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a));

/** only our protocol errors may come out of a parser */
function onlyModbusErrors(run: () => unknown): void {
  try {
    run();
  } catch (err) {
    if (!(err instanceof ModbusError)) throw err;
  }
}

describe("Modbus parsers under fuzz", function () {
  this.timeout(120000);

  it("a request survives encode → server decode unchanged", function () {
    fc.assert(fc.property(requestArb, (r) => {
      const d = decodeRequest(encodeRequest(r));
      assert.ok(d.ok);
      assert.deepStrictEqual(d.request, { ...r });
    }), { numRuns: 2000 });
  });

  it("decodeResponse throws nothing but Modbus errors for any bytes as the response to any request", function () {
    fc.assert(fc.property(requestArb, bytes(300), (r, pdu) => onlyModbusErrors(() => decodeResponse(r, pdu))), { numRuns: 10000 });
  });

  it("decodeRequest never throws, and answers malformed PDUs with an exception code", function () {
    fc.assert(fc.property(bytes(300), (pdu) => {
      const d = decodeRequest(pdu);
      if (!d.ok) assert.ok(d.exception >= 1 && d.exception <= 4);
    }), { numRuns: 10000 });
  });

  it("the MBAP deframer keeps at most one partial frame, whatever the stream", function () {
    fc.assert(fc.property(fc.array(bytes(600), { maxLength: 30 }), (chunks) => {
      const d = new TcpDeframer();
      for (const c of chunks) {
        try {
          for (const f of d.push(c)) assert.ok(f.pdu.length <= 253);
        } catch (err) {
          if (!(err instanceof ModbusError)) throw err;
          d.reset();
        }
        assert.ok((d as unknown as { pending: Buffer }).pending.length < MAX_ADU);
      }
    }), { numRuns: 3000 });
  });

  it("the RTU assembler yields a frame only with a good CRC, and keeps at most one frame's bytes", function () {
    fc.assert(fc.property(fc.array(fc.oneof(bytes(300), fc.record({ unit: fc.integer({ min: 0, max: 255 }), pdu: bytes(60) }).map(({ unit, pdu }) => rtuFrame(unit, pdu))), { maxLength: 20 }), (chunks) => {
      const a = new RtuAssembler(20);
      let t = 0;
      for (const c of chunks) {
        const got = a.push(c, (t += 5));
        if (got?.kind === "frame") assert.ok(got.pdu.length <= MAX_RTU_FRAME);
        assert.ok((a as unknown as { buf: Buffer }).buf.length <= MAX_RTU_FRAME);
      }
    }), { numRuns: 5000 });
  });

  it("the RTU assembler completes a frame however it is split, and drops a partial frame after a silence", function () {
    const frame = rtuFrame(1, Buffer.from([3, 4, 0, 40, 1, 104]));
    for (let cut = 1; cut < frame.length; cut++) {
      const a = new RtuAssembler(20);
      assert.strictEqual(a.push(frame.subarray(0, cut), 0), undefined);
      assert.deepStrictEqual(a.push(frame.subarray(cut), 5), { kind: "frame", unitId: 1, pdu: Buffer.from([3, 4, 0, 40, 1, 104]) });
    }
    const a = new RtuAssembler(20);
    assert.strictEqual(a.push(frame.subarray(0, 4), 0), undefined);
    // 30 ms later: the first four bytes were noise, and the frame after the gap stands alone
    assert.strictEqual(a.push(frame.subarray(0, 5), 30), undefined);
    assert.deepStrictEqual(a.push(frame.subarray(5), 31)?.kind, "frame");
    const bad = Buffer.from(frame);
    bad[3] ^= 1;
    assert.deepStrictEqual(new RtuAssembler(20).push(bad, 0)?.kind, "error");
  });

  it("a server's answer to any PDU is a response or an exception, never a throw", function () {
    const server = new ModbusTcpServer(new RegisterBank({ coils: 100, discreteInputs: 100, holdingRegisters: 100, inputRegisters: 100 }), { port: 0 });
    fc.assert(fc.property(bytes(260), (pdu) => {
      const out = server.answer(pdu);
      assert.ok(out.length >= 2 && out.length <= 253);
    }), { numRuns: 10000 });
  });
});

describe("Modbus over sockets with a hostile peer", function () {
  this.timeout(60000);

  it("a master facing a server that answers random bytes settles every request in time and stays up", async function () {
    const port = await freeTcpPort();
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    const hostile = net.createServer((s) => {
      s.on("error", () => undefined);
      s.on("data", (req) => {
        // sometimes a right header with a wrong body, sometimes noise, sometimes a frame for another transaction
        const kind = random() % 3;
        const noise = Buffer.from(Array.from({ length: random() % 300 }, () => random() & 0xff));
        if (kind === 0) s.write(encodeTcpFrame({ transactionId: req.readUInt16BE(0), unitId: req[6], pdu: noise.subarray(0, 250) }));
        else if (kind === 1) s.write(noise);
        else s.write(encodeTcpFrame({ transactionId: (req.readUInt16BE(0) + 1) & 0xffff, unitId: req[6], pdu: Buffer.from([3, 2, 0, 1]) }));
      });
    });
    await new Promise<void>((resolve) => hostile.listen(port, "127.0.0.1", resolve));
    const transport = new TcpTransport({ host: "127.0.0.1", port, timeoutMs: 200, reconnectMinMs: 10, reconnectMaxMs: 50, maxInFlight: 4 });
    transport.start();
    const client = new ModbusClient(transport);
    try {
      const started = Date.now();
      const results = await Promise.allSettled(Array.from({ length: 300 }, (_, i) => client.execute(1, { fc: 3, address: i % 100, quantity: 1 + (i % 10) })));
      // queued behind at most 64, each settled by its own 200 ms deadline
      assert.ok(Date.now() - started < 20000, `took ${Date.now() - started} ms`);
      for (const r of results) if (r.status === "rejected") assert.ok(r.reason instanceof ModbusError || r.reason instanceof RangeError, String(r.reason));
      assert.ok(results.some((r) => r.status === "rejected"));
    } finally {
      await transport.close();
      await new Promise<void>((resolve) => hostile.close(() => resolve()));
    }
  });

  it("an RTU master facing a device that answers random bytes settles every request in time", async function () {
    const pair = await startPtyPair();
    const device = new SerialPort({ path: pair.b, baudRate: 19200 });
    let seed = 3;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    device.on("data", () => device.write(Buffer.from(Array.from({ length: random() % 40 }, () => random() & 0xff))));
    device.on("error", () => undefined);
    const transport = new RtuTransport({ path: pair.a, baudRate: 19200, parity: "none", timeoutMs: 150 });
    transport.start();
    const client = new ModbusClient(transport);
    try {
      await waitFor(() => transport.state === "connected", "the master's serial port");
      const started = Date.now();
      const results = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => client.execute(1 + (i % 3), { fc: 3, address: i, quantity: 2 })));
      assert.ok(Date.now() - started < 40 * 150 + 5000, `took ${Date.now() - started} ms`);
      for (const r of results) if (r.status === "rejected") assert.ok(r.reason instanceof ModbusError, String(r.reason));
      assert.ok(results.every((r) => r.status === "rejected"), "random bytes made a valid response");
    } finally {
      await transport.close();
      await new Promise<void>((resolve) => device.close(() => resolve()));
      await pair.stop();
    }
  });

  it("a server fed random bytes by one master keeps answering another", async function () {
    const bank = new RegisterBank({ coils: 10, discreteInputs: 10, holdingRegisters: 10, inputRegisters: 10 });
    bank.holdingRegisters[3] = 1234;
    const server = new ModbusTcpServer(bank, { port: 0, maxConnections: 8 });
    await server.listen();
    const good = new TcpTransport({ host: "127.0.0.1", port: server.port, timeoutMs: 1000 });
    good.start();
    try {
      let seed = 99;
      const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
      const sockets = Array.from({ length: 6 }, () => net.connect(server.port, "127.0.0.1"));
      let closedByServer = 0;
      for (const s of sockets) {
        s.on("error", () => undefined);
        s.once("close", () => closedByServer++);
        for (let i = 0; i < 50; i++) s.write(Buffer.from(Array.from({ length: 1 + (random() % 400) }, () => random() & 0xff)));
        // a header that promises more than it sends: held as one partial frame, not waited on forever
        s.write(Buffer.from([0, 1, 0, 0, 0, 200, 1, 3]));
      }
      const client = new ModbusClient(good);
      for (let i = 0; i < 20; i++) assert.deepStrictEqual(await client.readRegisters(1, 3, 3, 1), [1234]);
      // random bytes are not MBAP (protocol id 0, length 2…254): the server hangs up on each noisy master
      await waitFor(() => closedByServer === sockets.length, "the server to close every noisy connection");
    } finally {
      await good.close();
      await server.close();
    }
  });
});
