/** TS013 payload codecs run in QuickJS in a worker: results, limits, isolation, the event loop, close(). */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { CodecError, CodecErrorReason, CodecSandbox, CODEC_QUEUE_LIMIT } from "../../lib/lorawan/codec-sandbox";
import { waitFor } from "../harness/wait";

const RECEIVED = new Date("2025-03-04T05:06:07.000Z");
const uplink = (bytes: number[], fPort = 1) => ({ bytes, fPort, recvTime: RECEIVED });

async function rejectsWith(promise: Promise<unknown>, reason: CodecErrorReason, pattern: RegExp): Promise<CodecError> {
  let caught: unknown;
  await assert.rejects(promise, (err: unknown) => {
    caught = err;
    assert.ok(err instanceof CodecError, `expected a CodecError, got ${String(err)}`);
    assert.strictEqual(err.reason, reason, `reason of "${err.message}"`);
    assert.match(err.message, pattern);
    return true;
  });
  return caught as CodecError;
}

/** a cold-room tag's codec as vendors ship them: ES5, helpers, switch on fPort, warnings and errors */
const TAG_CODEC = `
// fPort 1: flags (bit 0 door open) | temperature int16 0.01 degC | humidity uint8 0.5 % | battery uint16 mV
var BATTERY_LOW_MV = 2500;

function readInt16BE(bytes, i) {
  var v = (bytes[i] << 8) | bytes[i + 1];
  return v > 0x7fff ? v - 0x10000 : v;
}

function readUInt16BE(bytes, i) {
  return (bytes[i] << 8) | bytes[i + 1];
}

function round(value, decimals) {
  var f = Math.pow(10, decimals);
  return Math.round(value * f) / f;
}

function batteryPercent(mv) {
  var p = ((mv - 2000) / (3000 - 2000)) * 100;
  return Math.max(0, Math.min(100, Math.round(p)));
}

function decodeUplink(input) {
  var bytes = input.bytes;
  var warnings = [];
  switch (input.fPort) {
    case 1:
      if (bytes.length !== 6) {
        return { errors: ["expected 6 bytes on fPort 1, got " + bytes.length] };
      }
      var data = {
        doorOpen: (bytes[0] & 0x01) === 1,
        temperature: round(readInt16BE(bytes, 1) / 100, 2),
        humidity: bytes[3] / 2,
        batteryMv: readUInt16BE(bytes, 4),
        receivedAt: input.recvTime.toISOString()
      };
      data.batteryPercent = batteryPercent(data.batteryMv);
      if (data.batteryMv < BATTERY_LOW_MV) {
        warnings.push("battery low: " + data.batteryMv + " mV");
      }
      return { data: data, warnings: warnings };
    default:
      return { errors: ["unknown fPort " + input.fPort] };
  }
}

function encodeDownlink(input) {
  var interval = input.data.reportIntervalS;
  if (typeof interval !== "number" || interval < 60 || interval > 65535) {
    return { errors: ["reportIntervalS must be 60..65535"] };
  }
  return {
    bytes: [0x01, (interval >> 8) & 0xff, interval & 0xff],
    fPort: 10,
    warnings: interval < 300 ? ["a short interval drains the battery"] : []
  };
}
`;

/** loops forever on fPort 99, answers otherwise */
const LOOPING_CODEC = `
function decodeUplink(input) {
  if (input.fPort === 99) { while (true) {} }
  return { data: { port: input.fPort } };
}`;

describe("LoRaWAN codec sandbox", function () {
  this.timeout(30000);
  const open: CodecSandbox[] = [];
  const sandbox = (source: string, limits?: ConstructorParameters<typeof CodecSandbox>[1]): CodecSandbox => {
    const s = new CodecSandbox(source, limits);
    open.push(s);
    return s;
  };
  afterEach(async function () {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  describe("a real-world codec", function () {
    it("decodes an uplink with helper functions, the receive time and a warning", async function () {
      const codec = sandbox(TAG_CODEC);
      // flags 0x01; -18.52 °C = -1852 = 0xF8C4; 45.5 % = 91 = 0x5B; 2450 mV = 0x0992
      const result = await codec.decodeUplink(uplink([0x01, 0xf8, 0xc4, 0x5b, 0x09, 0x92]));
      assert.deepStrictEqual(result, {
        data: { doorOpen: true, temperature: -18.52, humidity: 45.5, batteryMv: 2450, receivedAt: "2025-03-04T05:06:07.000Z", batteryPercent: 45 },
        warnings: ["battery low: 2450 mV"],
      });
      // a Uint8Array works as well, and the codec keeps serving
      const again = await codec.decodeUplink({ bytes: Uint8Array.from([0x00, 0x00, 0xfa, 0x64, 0x0b, 0xb8]), fPort: 1, recvTime: RECEIVED });
      assert.deepStrictEqual(again.data, { doorOpen: false, temperature: 2.5, humidity: 50, batteryMv: 3000, receivedAt: "2025-03-04T05:06:07.000Z", batteryPercent: 100 });
      assert.deepStrictEqual(again.warnings, []);
    });

    it("reports the codec's own errors as reason codec-errors with the strings", async function () {
      const codec = sandbox(TAG_CODEC);
      const err = await rejectsWith(codec.decodeUplink(uplink([1, 2, 3])), "codec-errors", /expected 6 bytes on fPort 1, got 3/);
      assert.deepStrictEqual(err.errors, ["expected 6 bytes on fPort 1, got 3"]);
      await rejectsWith(codec.decodeUplink(uplink([1], 7)), "codec-errors", /unknown fPort 7/);
    });

    it("encodes a downlink: bytes as a Buffer, fPort and warnings", async function () {
      const codec = sandbox(TAG_CODEC);
      assert.deepStrictEqual(await codec.encodeDownlink({ data: { reportIntervalS: 600 } }), { bytes: Buffer.from([0x01, 0x02, 0x58]), fPort: 10, warnings: [] });
      const short = await codec.encodeDownlink({ data: { reportIntervalS: 120 } });
      assert.ok(Buffer.isBuffer(short.bytes));
      assert.deepStrictEqual([...short.bytes], [0x01, 0x00, 0x78]);
      assert.deepStrictEqual(short.warnings, ["a short interval drains the battery"]);
      const err = await rejectsWith(codec.encodeDownlink({ data: { reportIntervalS: 5 } }), "codec-errors", /reportIntervalS must be 60..65535/);
      assert.deepStrictEqual(err.errors, ["reportIntervalS must be 60..65535"]);
    });

    it("finds functions declared with let/const and tolerates console calls", async function () {
      const codec = sandbox(`const decodeUplink = (input) => { console.log("decoding", input.bytes); return { data: { n: input.bytes.length } }; };`);
      assert.deepStrictEqual(await codec.decodeUplink(uplink([1, 2])), { data: { n: 2 }, warnings: [] });
    });

    it("a missing function is reported when called", async function () {
      await rejectsWith(sandbox(LOOPING_CODEC).encodeDownlink({ data: {} }), "threw", /encodeDownlink is not defined/);
      await rejectsWith(sandbox("function encodeDownlink(i) { return { bytes: [] }; }").decodeUplink(uplink([])), "threw", /decodeUplink is not defined/);
    });
  });

  describe("limits", function () {
    it("stops while(true){} within its time limit, and the sandbox keeps working", async function () {
      const codec = sandbox(LOOPING_CODEC, { timeoutMs: 100 });
      assert.deepStrictEqual(await codec.decodeUplink(uplink([], 5)), { data: { port: 5 }, warnings: [] }); // worker started
      for (let i = 0; i < 2; i++) {
        const started = Date.now();
        // QuickJS's interrupt handler stopped it (the backstop's message would say "did not return within")
        await rejectsWith(codec.decodeUplink(uplink([], 99)), "timeout", /ran longer than its limit of 100 ms/);
        const elapsed = Date.now() - started;
        assert.ok(elapsed >= 100 && elapsed < 1000, `stopped after ${elapsed} ms`);
        assert.deepStrictEqual(await codec.decodeUplink(uplink([], 6)), { data: { port: 6 }, warnings: [] });
      }
    });

    it("a loop in the top-level code fails every call by timeout", async function () {
      const codec = sandbox("while (true) {}\nfunction decodeUplink(i) { return { data: {} }; }", { timeoutMs: 100 });
      await rejectsWith(codec.decodeUplink(uplink([])), "timeout", /ran longer than its limit/);
      await rejectsWith(codec.decodeUplink(uplink([])), "timeout", /ran longer than its limit/);
    });

    it("stops a memory bomb at the memory limit and rebuilds the runtime", async function () {
      const codec = sandbox(
        `var hoard = [];
         function decodeUplink(input) {
           if (input.fPort === 66) { var chunk = "x".repeat(65536); while (true) { hoard.push(chunk + hoard.length); } }
           return { data: { hoarded: hoard.length } };
         }`,
        { timeoutMs: 20000, memoryMb: 16 },
      );
      assert.deepStrictEqual((await codec.decodeUplink(uplink([]))).data, { hoarded: 0 });
      const started = Date.now();
      await rejectsWith(codec.decodeUplink(uplink([], 66)), "memory", /^the codec exceeded its 16 MB memory limit/);
      assert.ok(Date.now() - started < 20000, "stopped by the memory limit, not the clock");
      // the hoard went with the old runtime
      assert.deepStrictEqual((await codec.decodeUplink(uplink([]))).data, { hoarded: 0 });
    });

    it("stops runaway recursion as an exhausted stack", async function () {
      const codec = sandbox("function down(n) { return down(n + 1) + 1; }\nfunction decodeUplink(input) { return { data: { v: down(0) } }; }");
      await rejectsWith(codec.decodeUplink(uplink([])), "memory", /overflowed its stack/);
    });

    it("replaces a worker stuck where the interrupt handler is not polled, after timeoutMs + 1 s", async function () {
      // a native sort does not poll the interrupt handler, and QuickJS polls only every 10,000 loop iterations
      const codec = sandbox(
        `function decodeUplink(input) {
           if (input.fPort === 98) { var a = "9081726354".repeat(10000).split(""); for (;;) { a.sort(); a.reverse(); } }
           return { data: { port: input.fPort } };
         }`,
        { timeoutMs: 100, memoryMb: 64 },
      );
      await codec.decodeUplink(uplink([], 1));
      const started = Date.now();
      await rejectsWith(codec.decodeUplink(uplink([], 98)), "timeout", /did not return within 1100 ms; its worker was restarted/);
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 1100 && elapsed < 5000, `gave up after ${elapsed} ms`);
      assert.deepStrictEqual(await codec.decodeUplink(uplink([], 2)), { data: { port: 2 }, warnings: [] });
    });

    it("keeps the Node-RED event loop ticking while a codec loops", async function () {
      const codec = sandbox(LOOPING_CODEC, { timeoutMs: 3000 });
      await codec.decodeUplink(uplink([], 1));
      let ticks = 0;
      const interval = setInterval(() => ticks++, 10);
      try {
        let settled = false;
        const looping = codec.decodeUplink(uplink([], 99)).finally(() => (settled = true));
        const outcome = rejectsWith(looping, "timeout", /ran longer than its limit of 3000 ms/);
        const before = ticks;
        await waitFor(() => ticks >= before + 20, "20 interval ticks", { timeoutMs: 2500 });
        assert.strictEqual(settled, false, "the codec was still running while the timer ticked");
        await outcome;
      } finally {
        clearInterval(interval);
      }
    });

    it("rejects calls beyond the queue limit, and close() rejects the waiting ones", async function () {
      const codec = sandbox(LOOPING_CODEC, { timeoutMs: 5000 });
      await codec.decodeUplink(uplink([], 1));
      const calls: Promise<unknown>[] = [];
      for (let i = 0; i <= CODEC_QUEUE_LIMIT; i++) calls.push(codec.decodeUplink(uplink([], 99)).catch((e: unknown) => e));
      assert.strictEqual(codec.waiting, CODEC_QUEUE_LIMIT, "one call runs, the rest wait");
      await rejectsWith(codec.decodeUplink(uplink([], 1)), "queue-full", /1000 calls are already waiting/);
      await codec.close();
      const outcomes = await Promise.all(calls);
      assert.ok(outcomes.every((e) => e instanceof CodecError && e.reason === "closed"));
    });
  });

  describe("isolation", function () {
    it("gives the codec no host objects", async function () {
      const codec = sandbox(`
        function decodeUplink(input) {
          var global = (function () { return this; })();
          var escaped;
          try { escaped = typeof this.constructor.constructor("return process")(); } catch (e) { escaped = "threw " + e.name; }
          var names = ["require", "process", "module", "exports", "__dirname", "Buffer", "setTimeout", "setInterval", "setImmediate",
                       "queueMicrotask", "fetch", "XMLHttpRequest", "WebSocket", "importScripts", "std", "os"];
          var found = names.filter(function (n) { return typeof global[n] !== "undefined"; });
          return { data: {
            require: typeof require, process: typeof process, globalThisProcess: typeof globalThis.process,
            found: found, escaped: escaped
          } };
        }`);
      const { data } = await codec.decodeUplink(uplink([]));
      assert.deepStrictEqual(data, { require: "undefined", process: "undefined", globalThisProcess: "undefined", found: [], escaped: "threw ReferenceError" });
    });

    it("require() and process.exit() fail inside the codec only", async function () {
      await rejectsWith(sandbox("function decodeUplink(i) { var fs = require('fs'); return { data: {} }; }").decodeUplink(uplink([])), "threw", /ReferenceError: .*require.* is not defined/);
      await rejectsWith(sandbox("function decodeUplink(i) { process.exit(1); }").decodeUplink(uplink([])), "threw", /ReferenceError: .*process.* is not defined/);
      await rejectsWith(sandbox("function decodeUplink(i) { return globalThis.process.env; }").decodeUplink(uplink([])), "threw", /TypeError/);
      assert.ok(process.exitCode === undefined || process.exitCode === 0);
    });

    it("keeps sandboxes apart", async function () {
      const a = sandbox("var n = 0; function decodeUplink(i) { n++; globalThis.shared = n; return { data: { n: n } }; }");
      const b = sandbox("function decodeUplink(i) { return { data: { shared: typeof shared } }; }");
      await a.decodeUplink(uplink([]));
      assert.deepStrictEqual((await a.decodeUplink(uplink([]))).data, { n: 2 });
      assert.deepStrictEqual((await b.decodeUplink(uplink([]))).data, { shared: "undefined" });
    });
  });

  describe("errors", function () {
    it("reports a syntax error with QuickJS's message and line, on every call", async function () {
      const codec = sandbox("var a = 1;\nfunction decodeUplink(input) {\n  return { data: { a: } };\n}");
      await rejectsWith(codec.decodeUplink(uplink([])), "syntax", /^SyntaxError: .+ \(line 3, column \d+\)$/);
      await rejectsWith(codec.decodeUplink(uplink([])), "syntax", /line 3/);
      await rejectsWith(codec.encodeDownlink({ data: {} }), "syntax", /line 3/);
    });

    it("a SyntaxError thrown by top-level code at run time is not a syntax error of the codec", async function () {
      await rejectsWith(sandbox("var cfg = JSON.parse('{');\nfunction decodeUplink(i) { return { data: {} }; }").decodeUplink(uplink([])), "threw", /top-level code threw SyntaxError/);
    });

    it("reports what the codec threw", async function () {
      const codec = sandbox("function decodeUplink(input) {\n  if (input.fPort === 2) throw 'plain string';\n  throw new RangeError('bad frame ' + input.bytes.length);\n}");
      await rejectsWith(codec.decodeUplink(uplink([1, 2])), "threw", /^RangeError: bad frame 2 \(line 3, column \d+\)$/);
      await rejectsWith(codec.decodeUplink(uplink([], 2)), "threw", /^plain string$/);
    });

    const BAD_UPLINKS: Array<[string, RegExp]> = [
      ["return undefined;", /returned undefined/],
      ["return 5;", /must return an object, got number/],
      ["return null;", /must return an object, got null/],
      ["return [1];", /must return an object, got an array/],
      ["return { data: [1, 2] };", /must return \{data: \{...\}\}, got data \[1,2\]/],
      ["return { data: null };", /got data null/],
      ["return { warnings: [] };", /got data missing/],
      ["return { data: {}, warnings: 'careful' };", /warnings that is not an array of strings/],
      ["return { data: {}, errors: 'broken' };", /errors that is not an array of strings/],
      ["var d = {}; d.self = d; return { data: d };", /cannot be turned into JSON: TypeError/],
      ["return { data: { f: function () {} }, toJSON: function () { return undefined; } };", /has no JSON form/],
    ];
    for (const [body, pattern] of BAD_UPLINKS) {
      it(`rejects a decodeUplink that does \`${body}\``, async function () {
        await rejectsWith(sandbox(`function decodeUplink(input) { ${body} }`).decodeUplink(uplink([])), "invalid-result", pattern);
      });
    }

    const BAD_DOWNLINKS: Array<[string, RegExp]> = [
      ["return { bytes: [1, 256] };", /bytes\[1\] = 256, not an integer 0..255/],
      ["return { bytes: [1.5] };", /bytes\[0\] = 1.5/],
      ["return { bytes: ['1'] };", /bytes\[0\] = "1"/],
      ["return { bytes: '0102' };", /must return \{bytes: \[...\]\}, got bytes "0102"/],
      ["return { fPort: 1 };", /got bytes missing/],
      ["return { bytes: [], fPort: 0 };", /fPort 0, not an integer 1..223/],
      ["return { bytes: [], fPort: 224 };", /fPort 224/],
      ["return { bytes: [], fPort: '2' };", /fPort "2"/],
    ];
    for (const [body, pattern] of BAD_DOWNLINKS) {
      it(`rejects an encodeDownlink that does \`${body}\``, async function () {
        await rejectsWith(sandbox(`function encodeDownlink(input) { ${body} }`).encodeDownlink({ data: {} }), "invalid-result", pattern);
      });
    }

    it("accepts a downlink without fPort", async function () {
      const result = await sandbox("function encodeDownlink(input) { return { bytes: input.data.b }; }").encodeDownlink({ data: { b: [0, 255] } });
      assert.deepStrictEqual(result, { bytes: Buffer.from([0, 255]), warnings: [] });
      assert.ok(!("fPort" in result));
    });

    it("rejects bad input from the caller with a TypeError, without calling the codec", async function () {
      const codec = sandbox(LOOPING_CODEC);
      await assert.rejects(codec.decodeUplink({ bytes: [300], fPort: 1, recvTime: RECEIVED }), (e: unknown) => e instanceof TypeError && /bytes\[0\] = 300/.test(e.message));
      await assert.rejects(codec.decodeUplink({ bytes: [], fPort: 1.5, recvTime: RECEIVED }), TypeError);
      await assert.rejects(codec.decodeUplink({ bytes: [], fPort: 1, recvTime: new Date("nope") }), TypeError);
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      await assert.rejects(codec.encodeDownlink({ data: cyclic }), TypeError);
      assert.throws(() => new CodecSandbox("", { timeoutMs: 0 }), RangeError);
    });
  });

  describe("compiled", function () {
    const outDir = path.resolve(__dirname, "../../test-output", `codec-sandbox-dist-${process.pid}`);
    after(function () {
      fs.rmSync(outDir, { recursive: true, force: true });
    });

    it("works compiled to CommonJS as in dist/, its worker started from the .js file without tsx", async function () {
      // transpiled like tsc does for dist/lib/lorawan/ (a CommonJS-only mistake, e.g. a top-level \`let module\`, fails here)
      const libDir = path.join(outDir, "lib", "lorawan");
      const repoLib = path.resolve(__dirname, "../../lib");
      // the two modules and every module of lib/ they import, relative paths kept
      const pending = [path.join(repoLib, "lorawan", "codec-sandbox.ts"), path.join(repoLib, "lorawan", "codec-sandbox-worker.ts")];
      const done = new Set<string>();
      while (pending.length > 0 && done.size < 50) {
        const file = pending.pop()!;
        if (done.has(file)) continue;
        done.add(file);
        const source = fs.readFileSync(file, "utf8");
        for (const m of source.matchAll(/from "(\.{1,2}\/[^"]+)"/g)) pending.push(path.resolve(path.dirname(file), `${m[1]}.ts`));
        const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
        const out = path.join(outDir, "lib", path.relative(repoLib, file).replace(/\.ts$/, ".js"));
        fs.mkdirSync(path.dirname(out), { recursive: true });
        fs.writeFileSync(out, outputText);
      }
      const compiled = require(path.join(libDir, "codec-sandbox.js")) as typeof import("../../lib/lorawan/codec-sandbox");
      const codec = new compiled.CodecSandbox(TAG_CODEC);
      open.push(codec);
      const { data } = await codec.decodeUplink(uplink([0x00, 0x09, 0xc4, 0x50, 0x0b, 0xb8]));
      assert.deepStrictEqual(data, { doorOpen: false, temperature: 25, humidity: 40, batteryMv: 3000, receivedAt: "2025-03-04T05:06:07.000Z", batteryPercent: 100 });
      const loop = new compiled.CodecSandbox(LOOPING_CODEC);
      open.push(loop);
      await assert.rejects(loop.decodeUplink(uplink([], 99)), (e: Error & { reason?: string }) => e.reason === "timeout" && /ran longer than its limit/.test(e.message));
    });
  });

  describe("close()", function () {
    it("rejects the running and waiting calls and every later one with reason closed", async function () {
      const codec = sandbox(LOOPING_CODEC, { timeoutMs: 5000 });
      await codec.decodeUplink(uplink([], 1));
      const started = Date.now();
      const running = rejectsWith(codec.decodeUplink(uplink([], 99)), "closed", /closed/);
      const waiting = rejectsWith(codec.decodeUplink(uplink([], 1)), "closed", /closed/);
      await codec.close();
      await Promise.all([running, waiting]);
      assert.ok(Date.now() - started < 2000, "close() does not wait for the codec's time limit");
      await rejectsWith(codec.decodeUplink(uplink([], 1)), "closed", /closed/);
      await rejectsWith(codec.encodeDownlink({ data: {} }), "closed", /closed/);
      await codec.close(); // twice is fine
    });

    it("can close a sandbox whose worker is still starting", async function () {
      const codec = new CodecSandbox(LOOPING_CODEC);
      await codec.close();
      await rejectsWith(codec.decodeUplink(uplink([], 1)), "closed", /closed/);
    });
  });
});
