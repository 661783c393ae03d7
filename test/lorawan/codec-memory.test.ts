/**
 * The codec sandbox's memory limit holds for every allocation pattern: each is stopped by the memory limit (the error
 * names it) within the codec's time limit, the next call works, and the resident memory of the process hosting the
 * worker stays within the bound the help states (memoryMb + 80 MB: QuickJS's heap capped at memoryMb + 6 MB of engine,
 * the worker's JavaScript heap at 64 MB, the worker's fixed cost).
 */
import * as assert from "assert";
import { CodecError, CodecSandbox } from "../../lib/lorawan/codec-sandbox";

const uplink = (fPort: number) => ({ bytes: [1, 2, 3], fPort, recvTime: new Date() });

/** fPort 66 runs the pattern; any other port answers, so the test can see the runtime was rebuilt */
const PATTERNS: Array<[string, string]> = [
  ["new Array(65536).fill(x) in a loop", "for (;;) hoard.push(new Array(65536).fill(input.fPort));"],
  ["new Uint8Array(1 << 20) in a loop", "for (;;) hoard.push(new Uint8Array(1 << 20));"],
  ["an ArrayBuffer of 64 MB at once", "hoard.push(new ArrayBuffer(64 * 1024 * 1024));"],
  ["string doubling, flattened", "var s = 'x'; for (;;) { s = s + s; hoard.push(s.charCodeAt(s.length - 1)); hoard.push(s.slice(1)); }"],
  ["string doubling (ropes)", "var s = 'x'; for (;;) s = s + s;"],
  ["an object graph", "for (var i = 0; ; i++) hoard.push({ id: i, tags: ['a', 'b'], inner: { n: i, s: 'v' + i } });"],
  ["an array grown by index", "var a = []; for (var i = 0; ; i++) a[i] = i + 0.5;"],
  ["a Map of strings", "var m = new Map(); for (var i = 0; ; i++) m.set('k' + i, 'value-' + i);"],
];

const codecFor = (body: string) => `var hoard = [];
function decodeUplink(input) {
  if (input.fPort === 66) { ${body} }
  return { data: { hoarded: hoard.length } };
}`;

const MB = 1024 * 1024;
/** what edge-lorawan-uplink's help states one codec's worker may add to the process: memoryMb + 80 MB */
const RSS_BOUND_MB = 16 + 80;

describe("LoRaWAN codec sandbox: the memory limit against allocation patterns", function () {
  this.timeout(120000);
  const TIME_LIMIT_MS = 1000;

  for (const [label, body] of PATTERNS) {
    it(`stops ${label} with the 16 MB memory error within the ${TIME_LIMIT_MS} ms time limit, RSS bounded`, async function () {
      const codec = new CodecSandbox(codecFor(body), { timeoutMs: TIME_LIMIT_MS, memoryMb: 16 });
      try {
        assert.deepStrictEqual((await codec.decodeUplink(uplink(1))).data, { hoarded: 0 }, "the codec loads and answers");
        global.gc?.();
        const before = process.memoryUsage().rss;
        let peak = before;
        const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
        const started = Date.now();
        let error: unknown;
        try {
          await codec.decodeUplink(uplink(66));
        } catch (err) {
          error = err;
        } finally {
          clearInterval(sampler);
        }
        const elapsed = Date.now() - started;
        peak = Math.max(peak, process.memoryUsage().rss);
        assert.ok(error instanceof CodecError, `a CodecError, got ${String(error)}`);
        assert.strictEqual(error.reason, "memory", error.message);
        assert.match(error.message, /^the codec exceeded its 16 MB memory limit/);
        assert.ok(elapsed < TIME_LIMIT_MS, `stopped by the memory limit in ${elapsed} ms, within the time limit`);
        const grewMb = (peak - before) / MB;
        assert.ok(grewMb < RSS_BOUND_MB, `the process grew by ${grewMb.toFixed(1)} MB, over the ${RSS_BOUND_MB} MB bound`);
        // the hoard went with the old runtime; the next call is served
        assert.deepStrictEqual((await codec.decodeUplink(uplink(1))).data, { hoarded: 0 });
      } finally {
        await codec.close();
      }
    });
  }

  it("with the default limits (100 ms, 16 MB), stops every pattern by one of them long before the worker backstop, RSS bounded", async function () {
    for (const [label, body] of PATTERNS) {
      const codec = new CodecSandbox(codecFor(body));
      try {
        await codec.decodeUplink(uplink(1));
        const before = process.memoryUsage().rss;
        const started = Date.now();
        const error = await codec.decodeUplink(uplink(66)).then(
          () => undefined,
          (err: unknown) => err,
        );
        const elapsed = Date.now() - started;
        assert.ok(error instanceof CodecError, label);
        // the allocation-heavy patterns fill 16 MB well within 100 ms; the allocation-light ones meet the clock
        const fast = /Array\(65536\)|Uint8Array|ArrayBuffer|string doubling/.test(label);
        if (fast) assert.strictEqual(error.reason, "memory", `${label}: ${error.message}`);
        else assert.ok(error.reason === "memory" || error.reason === "timeout", `${label}: ${error.message}`);
        if (error.reason === "memory") assert.match(error.message, /^the codec exceeded its 16 MB memory limit/, label);
        else assert.match(error.message, /ran longer than its limit of 100 ms/, label);
        assert.ok(elapsed < 1000, `${label}: stopped in ${elapsed} ms, before the backstop (1100 ms)`);
        const grewMb = (process.memoryUsage().rss - before) / MB;
        assert.ok(grewMb < RSS_BOUND_MB, `${label}: the process grew by ${grewMb.toFixed(1)} MB`);
      } finally {
        await codec.close();
      }
    }
  });

  it("still lets a codec use most of its limit (12 MB of typed arrays under 16 MB)", async function () {
    const codec = new CodecSandbox(
      `function decodeUplink(input) { var keep = []; for (var i = 0; i < 12; i++) keep.push(new Uint8Array(1 << 20)); return { data: { mb: keep.length } }; }`,
      { timeoutMs: TIME_LIMIT_MS, memoryMb: 16 },
    );
    try {
      assert.deepStrictEqual((await codec.decodeUplink(uplink(1))).data, { mb: 12 });
    } finally {
      await codec.close();
    }
  });

  it("gives a larger limit more room: 40 MB of typed arrays pass under 64 MB and fail under 16 MB", async function () {
    const source = `function decodeUplink(input) { var keep = []; for (var i = 0; i < 40; i++) keep.push(new Uint8Array(1 << 20)); return { data: { mb: keep.length } }; }`;
    const roomy = new CodecSandbox(source, { timeoutMs: 5000, memoryMb: 64 });
    const tight = new CodecSandbox(source, { timeoutMs: 5000, memoryMb: 16 });
    try {
      assert.deepStrictEqual((await roomy.decodeUplink(uplink(1))).data, { mb: 40 });
      await assert.rejects(tight.decodeUplink(uplink(1)), (err: CodecError) => err.reason === "memory" && /16 MB memory limit/.test(err.message));
    } finally {
      await roomy.close();
      await tight.close();
    }
  });

  it("refuses a result nested deeper than 64 levels (the flow could not copy it), and passes one of 64", async function () {
    const codec = new CodecSandbox(
      `function decodeUplink(input) { var v = 1; for (var i = 0; i < input.fPort * 100; i++) v = { v: v }; if (input.fPort === 2) { v = 1; for (var j = 0; j < 63; j++) v = { v: v }; } return { data: { deep: v } }; }`,
      { timeoutMs: TIME_LIMIT_MS, memoryMb: 16 },
    );
    try {
      // 1,000 levels: well past the limit, and quick to build even on a loaded machine
      await assert.rejects(codec.decodeUplink(uplink(10)), (err: CodecError) => err.reason === "invalid-result" && /returned data nested deeper than the 64-level depth limit/.test(err.message));
      assert.ok((await codec.decodeUplink(uplink(2))).data.deep);
    } finally {
      await codec.close();
    }
  });
});
