/**
 * Worker thread body for CodecSandbox: one QuickJS (WebAssembly) runtime holding the user's codec, compiled once.
 * The codec sees only what QuickJS itself provides (no require, process, timers, I/O): its input goes in as JSON
 * text, its result comes out as JSON text and is checked here before it is posted back.
 *
 * Messages out: {type: "loaded"} once QuickJS is instantiated, {type: "ready", failure?} once the codec is compiled
 * (again after every rebuild), {type: "result", id, ok, value | failure, rebuilding}. Messages in:
 * {id, op: "decodeUplink" | "encodeDownlink", json}. After a timeout, an exhausted memory or stack, the runtime is
 * thrown away and rebuilt (`rebuilding: true`, then "ready" again), so one bad call never poisons the next.
 */
import { parentPort, workerData } from "worker_threads";
import { newQuickJSWASMModule, newVariant, RELEASE_SYNC } from "quickjs-emscripten";
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from "quickjs-emscripten";
import { DEFAULT_MAX_DEPTH, jsonTextDepth } from "../common/payload-limits";

/** the result as a whole ({data: …} counts one level) */
const RESULT_MAX_DEPTH = DEFAULT_MAX_DEPTH + 1;

export type FailureReason = "timeout" | "memory" | "syntax" | "threw" | "invalid-result" | "codec-errors";
export interface Failure {
  reason: FailureReason;
  message: string;
  errors?: string[];
}
export interface WorkerConfig {
  source: string;
  timeoutMs: number;
  memoryBytes: number;
}
export interface WorkerRequest {
  id: number;
  op: "decodeUplink" | "encodeDownlink";
  json: string;
}
export type WorkerMessage =
  | { type: "loaded" }
  | { type: "ready"; failure?: Failure }
  | { type: "result"; id: number; ok: true; value: unknown; rebuilding: boolean }
  | { type: "result"; id: number; ok: false; failure: Failure; rebuilding: boolean };

/** QuickJS's own stack limit; the worker has an 8 MB native stack (codec-sandbox.ts) so QuickJS always trips first */
const QUICKJS_STACK_BYTES = 256 * 1024;
const FILENAME = "codec.js";

/**
 * The memory limit is enforced on the WebAssembly memory itself. QuickJS's own setMemoryLimit counts each allocation
 * by malloc_usable_size, which this emscripten build lacks, so it adds 8 bytes per allocation whatever its size: a
 * 1 MB Uint8Array or a 65,536-element array counted as 8 bytes and a codec allocating in a loop grew the process by
 * hundreds of MB until the backstop. A WebAssembly.Memory with a maximum makes malloc fail (QuickJS then throws
 * "out of memory") once the heap cannot grow. The build needs 16 MB of initial memory, of which the engine itself
 * (static data, stack, runtime, context) takes about ENGINE_OVERHEAD_MB; the maximum adds the codec's limit to that.
 */
const WASM_PAGE = 65536;
const WASM_INITIAL_BYTES = 16 * 1024 * 1024;
export const ENGINE_OVERHEAD_MB = 6;

/** the WebAssembly memory a codec with this limit gets: memoryBytes + the engine's overhead, at least the initial 16 MB */
export function wasmMemoryBytes(memoryBytes: number): number {
  const wanted = Math.max(WASM_INITIAL_BYTES, memoryBytes + ENGINE_OVERHEAD_MB * 1024 * 1024);
  return Math.ceil(wanted / WASM_PAGE) * WASM_PAGE;
}

let wasmMemory: WebAssembly.Memory | undefined;

/**
 * the heap has grown to (nearly) its maximum: a failure to allocate now is the memory limit. "Nearly": malloc grows
 * the heap in steps, so the last step that did not fit may leave up to about a megabyte unused.
 */
const heapAtLimit = (): boolean => !!wasmMemory && wasmMemory.buffer.byteLength + 2 * 1024 * 1024 > wasmMemoryBytes(config.memoryBytes);

function newModule(): Promise<QuickJSWASMModule> {
  wasmMemory = new WebAssembly.Memory({ initial: WASM_INITIAL_BYTES / WASM_PAGE, maximum: wasmMemoryBytes(config.memoryBytes) / WASM_PAGE });
  return newQuickJSWASMModule(newVariant(RELEASE_SYNC, { wasmMemory }));
}

const limitMb = (): string => `${Math.round((config.memoryBytes / 1048576) * 100) / 100}`;
const memoryMessage = (detail = ""): string => `the codec exceeded its ${limitMb()} MB memory limit${detail}`;

/** set up before the codec runs, so the codec cannot replace what the host relies on */
const PRELUDE = `(function (parse, stringify, DateCtor) {
  var noop = function () {};
  globalThis.console = { log: noop, info: noop, warn: noop, error: noop, debug: noop };
  return {
    uplinkInput: function (json) { var input = parse(json); input.recvTime = new DateCtor(input.recvTime); return input; },
    downlinkInput: function (json) { return parse(json); },
    stringify: function (value) { return stringify(value); }
  };
})(JSON.parse, JSON.stringify, Date)`;

class Failed extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

/** the engine threw a host exception (e.g. V8's own stack overflow inside WebAssembly): the module is unusable */
class EngineBroken extends Error {}

interface Engine {
  runtime: QuickJSRuntime;
  context: QuickJSContext;
  handles: QuickJSHandle[];
  uplinkInput: QuickJSHandle;
  downlinkInput: QuickJSHandle;
  stringify: QuickJSHandle;
  decodeUplink?: QuickJSHandle;
  encodeDownlink?: QuickJSHandle;
}

const config = workerData as WorkerConfig;
let wasmModule: QuickJSWASMModule | undefined;
let engine: Engine | undefined;
let deadline = 0;
let interrupted = false;

function post(message: WorkerMessage): void {
  parentPort!.postMessage(message);
}

function startClock(ms = config.timeoutMs): void {
  interrupted = false;
  deadline = Date.now() + ms;
}

interface ErrorInfo {
  thrownNull?: boolean;
  name?: string;
  message: string;
  line?: number;
  column?: number;
}

/** what a thrown QuickJS value says, read defensively (the value may be anything the codec threw) */
function describe(context: QuickJSContext, handle: QuickJSHandle): ErrorInfo {
  const wasInterrupted = interrupted;
  startClock(50); // dumping may run the codec's toJSON/getters: give it a short leash of its own
  // dumping allocates: at QuickJS's own limit it would fail and the "out of memory" error would read as null
  context.runtime.setMemoryLimit(-1);
  try {
    const value: unknown = context.dump(handle);
    if (value !== null && typeof value === "object") {
      const v = value as Record<string, unknown>;
      if (typeof v.message === "string") {
        const where = typeof v.stack === "string" ? /codec\.js:(\d+):(\d+)/.exec(v.stack) : null;
        return {
          name: typeof v.name === "string" ? v.name : undefined,
          message: v.message,
          line: where ? Number(where[1]) : typeof v.lineNumber === "number" ? v.lineNumber : undefined,
          column: where ? Number(where[2]) : undefined,
        };
      }
      return { message: JSON.stringify(value) ?? String(value) };
    }
    return { message: String(value), thrownNull: value === null };
  } catch {
    return { message: "(a value that cannot be displayed)" };
  } finally {
    context.runtime.setMemoryLimit(config.memoryBytes);
    interrupted = wasInterrupted;
  }
}

const where = (info: ErrorInfo): string => (info.line === undefined ? "" : ` (line ${info.line}${info.column === undefined ? "" : `, column ${info.column}`})`);
const text = (info: ErrorInfo): string => `${info.name ? `${info.name}: ` : ""}${info.message}`;

/** classifies a QuickJS exception; `stage` says what was running */
function failureOf(context: QuickJSContext, handle: QuickJSHandle, stage: "compile" | "top-level" | "call" | "result"): Failure {
  const info = describe(context, handle);
  if (interrupted) return { reason: "timeout", message: `the codec ran longer than its limit of ${config.timeoutMs} ms` };
  // with the heap exhausted QuickJS may not even build its InternalError (it throws null), nor can the error be read
  if (heapAtLimit() && (info.thrownNull || !info.name || info.name === "InternalError") && !(info.name === "InternalError" && info.message === "stack overflow")) {
    return { reason: "memory", message: memoryMessage(info.name === "InternalError" && info.message === "out of memory" ? where(info) : "") };
  }
  if (info.name === "InternalError" && info.message === "out of memory") return { reason: "memory", message: memoryMessage(where(info)) };
  // QuickJS's ropes make s + s cheap, so doubling a string meets the length limit (2^30) before the memory limit
  if (info.name === "InternalError" && /^(string|array) too long$|^invalid array length$/.test(info.message)) {
    return { reason: "memory", message: memoryMessage(` (${info.message})${where(info)}`) };
  }
  if (info.name === "RangeError" && /^invalid array buffer length$|^invalid array length$/.test(info.message)) {
    return { reason: "memory", message: memoryMessage(` (${info.message})${where(info)}`) };
  }
  if (info.name === "InternalError" && info.message === "stack overflow") return { reason: "memory", message: `the codec overflowed its stack${where(info)}` };
  if (stage === "compile") return { reason: "syntax", message: `${text(info)}${where(info)}` };
  if (stage === "result") return { reason: "invalid-result", message: `the codec's result cannot be turned into JSON: ${text(info)}` };
  return { reason: "threw", message: `${stage === "top-level" ? "the codec's top-level code threw " : ""}${text(info)}${where(info)}` };
}

/** throws the classified failure of a QuickJS exception, freeing its handle */
function raise(context: QuickJSContext, error: QuickJSHandle, stage: "compile" | "top-level"): never {
  try {
    throw new Failed(failureOf(context, error, stage));
  } finally {
    error.dispose();
  }
}

/** runs `fn` in QuickJS, turning host-level failures of the engine into EngineBroken */
function guarded<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof Failed) throw err;
    throw new EngineBroken(err instanceof Error ? err.message : String(err));
  }
}

function disposeEngine(e: Engine): void {
  for (const h of e.handles) if (h.alive) h.dispose();
  e.context.dispose();
  e.runtime.dispose();
}

function build(qjs: QuickJSWASMModule): Engine {
  const runtime = qjs.newRuntime();
  runtime.setMemoryLimit(config.memoryBytes);
  runtime.setMaxStackSize(QUICKJS_STACK_BYTES);
  runtime.setInterruptHandler(() => {
    if (Date.now() <= deadline) return false;
    interrupted = true;
    return true;
  });
  const context = runtime.newContext();
  const e: Partial<Engine> & { runtime: QuickJSRuntime; context: QuickJSContext; handles: QuickJSHandle[] } = { runtime, context, handles: [] };
  const keep = (h: QuickJSHandle): QuickJSHandle => (e.handles.push(h), h);
  try {
    startClock();
    const prelude = context.evalCode(PRELUDE, "prelude.js", { type: "global", strict: true });
    if (prelude.error) raise(context, prelude.error, "top-level");
    const tools = prelude.value;
    e.uplinkInput = keep(context.getProp(tools, "uplinkInput"));
    e.downlinkInput = keep(context.getProp(tools, "downlinkInput"));
    e.stringify = keep(context.getProp(tools, "stringify"));
    tools.dispose();

    startClock();
    const ran = context.evalCode(config.source, FILENAME, { type: "global" });
    if (ran.error) {
      const error = ran.error;
      let stage: "compile" | "top-level" = "top-level";
      if (!interrupted) {
        // a SyntaxError may come from compiling or from top-level code (JSON.parse, eval): compile alone to tell
        startClock();
        const compiled = context.evalCode(config.source, FILENAME, { type: "global", compileOnly: true });
        if (compiled.error) compiled.error.dispose();
        else compiled.value.dispose();
        if (compiled.error) stage = "compile";
      }
      raise(context, error, stage);
    }
    ran.value.dispose();

    for (const name of ["decodeUplink", "encodeDownlink"] as const) {
      startClock();
      // a separate global script also sees the codec's top-level let/const
      const found = context.evalCode(`typeof ${name} === "function" ? ${name} : undefined`, "lookup.js", { type: "global" });
      if (found.error) raise(context, found.error, "top-level");
      if (context.typeof(found.value) === "function") e[name] = keep(found.value);
      else found.value.dispose();
    }
    return e as Engine;
  } catch (err) {
    try {
      disposeEngine(e as Engine);
    } catch {
      wasmModule = undefined; // could not free it cleanly: start from a fresh WebAssembly instance
    }
    throw err;
  }
}

/** (re)builds the engine, then says "ready" with the codec's compile failure if any */
async function rebuild(): Promise<void> {
  let failure: Failure | undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      wasmModule ??= await newModule();
      const qjs = wasmModule;
      engine = guarded(() => build(qjs));
      break;
    } catch (err) {
      engine = undefined;
      if (err instanceof Failed) {
        failure = err.failure;
        break;
      }
      wasmModule = undefined;
      if (attempt >= 1) {
        failure = { reason: "memory", message: memoryMessage(` while loading (the engine failed: ${(err as Error).message})`) };
        break;
      }
    }
  }
  post({ type: "ready", failure });
}

function typeError(message: string): Failed {
  return new Failed({ reason: "invalid-result", message });
}

function stringArray(value: unknown, field: string, fn: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) throw typeError(`${fn} returned ${field} that is not an array of strings`);
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** checks the shape of a TS013 result */
function validate(op: WorkerRequest["op"], result: unknown): unknown {
  if (!isPlainObject(result)) throw typeError(`${op} must return an object, got ${result === null ? "null" : Array.isArray(result) ? "an array" : typeof result}`);
  const errors = stringArray(result.errors, "errors", op);
  const warnings = stringArray(result.warnings, "warnings", op);
  if (errors.length > 0) throw new Failed({ reason: "codec-errors", message: `${op} reported: ${errors.join("; ")}`, errors });
  if (op === "decodeUplink") {
    if (!isPlainObject(result.data)) throw typeError(`decodeUplink must return {data: {...}}, got data ${result.data === undefined ? "missing" : JSON.stringify(result.data)}`);
    return { data: result.data, warnings };
  }
  const bytes = result.bytes;
  if (!Array.isArray(bytes)) throw typeError(`encodeDownlink must return {bytes: [...]}, got bytes ${bytes === undefined ? "missing" : JSON.stringify(bytes)}`);
  const bad = bytes.findIndex((b) => !Number.isInteger(b) || b < 0 || b > 255);
  if (bad >= 0) throw typeError(`encodeDownlink returned bytes[${bad}] = ${JSON.stringify(bytes[bad])}, not an integer 0..255`);
  const fPort = result.fPort;
  if (fPort !== undefined && fPort !== null && (!Number.isInteger(fPort) || (fPort as number) < 1 || (fPort as number) > 223)) {
    throw typeError(`encodeDownlink returned fPort ${JSON.stringify(fPort)}, not an integer 1..223`);
  }
  return { bytes, ...(typeof fPort === "number" ? { fPort } : {}), warnings };
}

/** one call into the codec; returns the checked result or throws Failed / EngineBroken */
function call(e: Engine, op: WorkerRequest["op"], json: string): unknown {
  const { context } = e;
  const fn = e[op];
  if (!fn) throw new Failed({ reason: "threw", message: `ReferenceError: ${op} is not defined (the codec must define function ${op}(input))` });
  const owned: QuickJSHandle[] = [];
  const own = (h: QuickJSHandle): QuickJSHandle => (owned.push(h), h);
  try {
    startClock();
    const arg = own(context.newString(json));
    const made = context.callFunction(op === "decodeUplink" ? e.uplinkInput : e.downlinkInput, context.undefined, arg);
    if (made.error) throw new Failed(failureOf(context, own(made.error), "call"));
    const input = own(made.value);
    const returned = context.callFunction(fn, context.undefined, input);
    if (returned.error) throw new Failed(failureOf(context, own(returned.error), "call"));
    const result = own(returned.value);
    if (context.typeof(result) === "undefined") throw typeError(`${op} returned undefined (it must return an object)`);
    const serialised = context.callFunction(e.stringify, context.undefined, result);
    if (serialised.error) throw new Failed(failureOf(context, own(serialised.error), "result"));
    const jsonOut = own(serialised.value);
    if (context.typeof(jsonOut) !== "string") throw typeError(`${op} returned a value that has no JSON form`);
    const text = context.getString(jsonOut);
    // a result the flow cannot copy (Node-RED clones recursively) is refused here, by the pack's depth limit
    if (jsonTextDepth(text, RESULT_MAX_DEPTH) > RESULT_MAX_DEPTH) throw typeError(`${op} returned data nested deeper than the ${DEFAULT_MAX_DEPTH}-level depth limit`);
    return validate(op, JSON.parse(text));
  } finally {
    for (const h of owned) if (h.alive) h.dispose();
  }
}

async function handle(request: WorkerRequest): Promise<void> {
  let broken = false;
  try {
    if (!engine) throw new Failed({ reason: "threw", message: "the codec engine is not available" });
    const e = engine;
    const value = guarded(() => call(e, request.op, request.json));
    post({ type: "result", id: request.id, ok: true, value, rebuilding: false });
    return;
  } catch (err) {
    let failure: Failure;
    if (err instanceof Failed) failure = err.failure;
    else {
      broken = true;
      failure = { reason: "memory", message: memoryMessage(` (the engine failed: ${(err as Error).message})`) };
    }
    const rebuild = broken || failure.reason === "timeout" || failure.reason === "memory";
    post({ type: "result", id: request.id, ok: false, failure, rebuilding: rebuild });
    if (!rebuild) return;
  }
  // a runtime left after a timeout or out of memory may hold the codec's garbage or half-finished state
  if (engine && !broken) {
    try {
      disposeEngine(engine);
    } catch {
      wasmModule = undefined;
    }
  } else wasmModule = undefined;
  engine = undefined;
  await rebuild();
}

let chain: Promise<void> = (async () => {
  wasmModule = await newModule();
  post({ type: "loaded" });
  await rebuild();
})();

parentPort?.on("message", (request: WorkerRequest) => {
  chain = chain.then(() => handle(request)).catch((err) => post({ type: "result", id: request.id, ok: false, failure: { reason: "threw", message: String(err) }, rebuilding: false }));
});
