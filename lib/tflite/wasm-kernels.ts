/**
 * The inner loops in WebAssembly with SIMD (lib/tflite/wasm/int8.wat: int8 and float32 convolutions, fully
 * connected, float max pooling, the LSTMs' gate products): loading the module, and one WebAssembly memory per interpreter holding the
 * interpreter's activation arena (kernels work on tensors in place), the packed constant filters, the
 * per-operator parameter blocks and a shared input/output area for tensors kept outside the arena (LSTM state).
 *
 * Where the module comes from:
 * - the published package: `npm run build` assembles lib/tflite/wasm/*.wat into dist/lib/tflite/wasm/*.wasm
 *   (scripts/build.js, with wabt); at run time the .wasm beside this compiled file is read and compiled
 *   synchronously. Nothing is compiled at install time.
 * - from source (tsx: tests, benchmarks): there is no .wasm beside this file, so the .wat beside it is assembled
 *   once by a child process (lib/tflite/wasm/assemble.cjs, needs the wabt devDependency) into the OS temporary
 *   folder, keyed by a hash of the source, and read from there by every later process and worker.
 * When neither is possible, or the engine lacks WebAssembly SIMD (the module does not validate), or
 * EDGE_TFLITE_SIMD=0 is set, the kernels run their plain JavaScript loops, which compute the same results.
 * Further modules (`companions` below: the int16 kernels, the float32 elementwise kernels) share that memory and are
 * loaded the same way; each has a variable that keeps its kernels alone in JavaScript (to compare the two).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { createHash } from "crypto";
import { execFileSync } from "child_process";

/** The subset of the WebAssembly JS API used here (the project's type libraries do not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}

export interface Int8Exports {
  set_op(bias: number, mult: number, shift: number, scale: number, outOffset: number, lo: number, hi: number, mode: number, inOffset: number, wOffset: number): void;
  srdhm(a: number, b: number): number;
  rdpot(x: number, exponent: number): number;
  mbqm(x: number, multiplier: number, shift: number): number;
  requant(acc: number, channel: number): number;
  dot(x: number, w: number, n: number): number;
  set_rq(rq: number, spill: number, shifts: number): void;
  conv(x: number, w: number, y: number, batches: number, inH: number, inW: number, inC: number, outH: number, outW: number, outC: number, kH: number, kW: number, sH: number, sW: number, dH: number, dW: number, pH: number, pW: number, patch: number): void;
  run_op(block: number): void;
  run_ops(list: number, count: number): void;
  fmaxpool(x: number, y: number, batches: number, inH: number, inW: number, depth: number, outH: number, outW: number, sH: number, sW: number, fH: number, fW: number, pH: number, pW: number): void;
  set_fop(bias: number, lo: number, hi: number, spill: number): void;
  fconv(x: number, w: number, y: number, batches: number, inH: number, inW: number, inC: number, outH: number, outW: number, outC: number, kH: number, kW: number, sH: number, sW: number, dH: number, dW: number, pH: number, pW: number, patch: number): void;
  fdepthwise(x: number, w: number, y: number, batches: number, inH: number, inW: number, inC: number, outH: number, outW: number, outC: number, kH: number, kW: number, sH: number, sW: number, dH: number, dW: number, pH: number, pW: number, depthMultiplier: number, paddedOutC: number, columnTable: number): void;
  mv8(w: number, x: number, out: number, rows: number, n: number): void;
  fmv32(w: number, x: number, acc: number, quads: number, n: number): void;
  copy_rows(src: number, dst: number, rows: number, rowBytes: number, dstStride: number): void;
  flip8(ptr: number, n: number): void;
  ibilinear(x: number, y: number, block: number): void;
  fbilinear8(x: number, y: number, block: number): void;
  depthwise(x: number, w: number, y: number, batches: number, pH: number, pW: number, inC: number, outH: number, outW: number, outC: number, kH: number, kW: number, sH: number, sW: number, dH: number, dW: number, depthMultiplier: number): void;
  argmax8(x: number, y: number, rows: number, dim: number, signed: number, wide: number): void;
}

/** lib/tflite/wasm/int16.wat: the int16 kernels, a second module on the same memory. */
export interface Int16Exports {
  rq16(x: number, y: number, n: number, wide: number, inOff: number, m1: number, l1: number, r1: number, m2: number, l2: number, r2: number, outOff: number, lo: number, hi: number): void;
  conv16(x: number, w: number, ch: number, y: number, patch: number, batches: number, inH: number, inW: number, inC: number, outH: number, outW: number, outC: number, kH: number, kW: number, sH: number, sW: number, dH: number, dW: number, pH: number, pW: number, kPad: number, lo: number, hi: number): void;
}

/** lib/tflite/wasm/float-elementwise.wat: float32 binary elementwise operators (see there for the parameters). */
export interface FloatElementwiseExports {
  fbin(kind: number, a: number, b: number, y: number, calls: number, count: number, rows: number, inner: number, aRow: number, bRow: number, aStep: number, bStep: number, lo: number, hi: number, scratch: number): void;
}

/** lib/tflite/wasm/int-elementwise.wat: integer binary elementwise operators and SELECT_V2 (see there for the parameters). */
export interface IntElementwiseExports {
  ibin(kind: number, a: number, b: number, y: number, calls: number, count: number, rows: number, inner: number, aRow: number, bRow: number, aStep: number, bStep: number, scratch: number): void;
  isel(kind: number, c: number, a: number, b: number, y: number, calls: number, count: number, rows: number, inner: number, cRow: number, aRow: number, bRow: number, cStep: number, aStep: number, bStep: number, scratch: number): void;
  tab8(a: number, b: number, y: number, calls: number, count: number, rows: number, inner: number, aRow: number, bRow: number, aStep: number, bStep: number, table: number): void;
  expand(src: number, dst: number, n: number, block: number, bytes: number): void;
}

/** lib/tflite/wasm/float-unary.wat: float32 unary operators and PRELU (see there for the parameters). */
export interface FloatUnaryExports {
  funary(kind: number, x: number, y: number, n: number, parameter: number): void;
  fprelu(x: number, alpha: number, y: number, rows: number, inner: number, xRow: number, alphaRow: number, xStep: number, alphaStep: number, scratch: number): void;
  prelu8(signed: number, x: number, alpha: number, y: number, rows: number, inner: number, xRow: number, alphaRow: number, xStep: number, alphaStep: number, rowOf: number): void;
}

/** lib/tflite/wasm/float-transcendental.wat: float32 exp, log, tanh, sigmoid, GELU (n elements from x to y; tab a table address), softmax, log softmax. */
export interface FloatTranscendentalExports {
  fexp(x: number, y: number, n: number, tab: number): void;
  flog(x: number, y: number, n: number, tab: number): void;
  ftanh(x: number, y: number, n: number): void;
  fsigmoid(x: number, y: number, n: number): void;
  flogistic(x: number, y: number, n: number, tab: number): void;
  fgelu(x: number, y: number, n: number): void;
  fgelutanh(x: number, y: number, n: number): void;
  fsoftmax(x: number, y: number, rows: number, depth: number): void;
  flogsoftmax(x: number, y: number, rows: number, depth: number, expTab: number, logTab: number): void;
}

/** lib/tflite/wasm/quantized-elementwise.wat: 8-bit and int16 ADD / SUB / MUL, byte-table lookups, dequantization (see there). */
export interface QuantizedElementwiseExports {
  qbin(kind: number, a: number, b: number, y: number, rows: number, inner: number, aRow: number, bRow: number, aStep: number, bStep: number, block: number): void;
  qbin16(kind: number, a: number, b: number, y: number, rows: number, inner: number, aRow: number, bRow: number, aStep: number, bStep: number, block: number): void;
  lut8(x: number, y: number, n: number, table: number): void;
  fquant(x: number, y: number, n: number, out: number, xnn: number, scale: number, flo: number, fhi: number, zero: number, lo: number, hi: number, scratch: number): void;
  dequant(x: number, y: number, n: number, kind: number, zero: number, scale: number): void;
}

/** lib/tflite/wasm/quantized-softmax.wat: 8-bit and int16 SOFTMAX, 8-bit LOG_SOFTMAX (see ../kernels/quantized-softmax-simd.ts). */
export interface QuantizedSoftmaxExports {
  qsoftmax(x: number, y: number, rows: number, depth: number, table: number, flip: number, out: number, yScale: number, zero: number, lo: number, hi: number): void;
  qrowstats(x: number, rows: number, depth: number, table: number, flip: number, stats: number): void;
  qlogsoftmax(x: number, y: number, rows: number, depth: number, flip: number, stats: number, ratio: number, zero: number, lo: number, hi: number): void;
  qsoftmax16(x: number, y: number, rows: number, depth: number, exp: number, recip: number): void;
}
/** lib/tflite/wasm/byte-affine.wat: an 8-bit map as arithmetic where that reproduces its table (see ../kernels/byte-affine.ts). */
export interface ByteAffineExports {
  q15map8(x: number, y: number, n: number, flip: number, pivot: number, a1: number, a2: number, z1: number, z2: number, k: number, j: number, lo: number, hi: number, outFlip: number): void;
}
/** lib/tflite/wasm/reduce-pool.wat: reductions, quantized / average pooling, L2_NORMALIZATION (see ../kernels/reduce-pool-simd.ts). */
export interface ReducePoolExports {
  reduce(kind: number, x: number, acc: number, outer: number, red: number, inner: number, list: number, calls: number): void;
  fill(at: number, n: number, bytes: number, value: number): void;
  fdiv(y: number, n: number, count: number): void;
  qmean(acc: number, y: number, n: number, count: number, zIn: number, zOut: number, type: number): void;
  qrescale(acc: number, y: number, n: number, mean: number, count: number, scale: number, bias: number, zOut: number, lo: number, hi: number, type: number): void;
  maxpool_i8: Pool2d;
  maxpool_u8: Pool2d;
  maxpool_i16: Pool2d;
  avgpool_i8: Pool2d;
  avgpool_u8: Pool2d;
  avgpool_i16: Pool2d;
  avgpool_f32: Pool2d;
  fl2(x: number, y: number, rows: number, depth: number): void;
  ql2(x: number, y: number, rows: number, depth: number, zero: number, unsigned: number): void;
}
type Pool2d = (x: number, y: number, batches: number, inH: number, inW: number, depth: number, outH: number, outW: number, sH: number, sW: number, fH: number, fW: number, pH: number, pW: number, lo: number, hi: number) => void;

/** lib/tflite/wasm/data-movement.wat: strided copies, GATHER and the resize kernels (see there for the parameters). */
export interface DataMovementExports {
  moves(list: number, count: number): void;
  gather(x: number, y: number, indices: number, block: number): number;
  nearest(x: number, y: number, block: number): void;
  bilinear_f32(x: number, y: number, block: number): void;
  bilinear_i8(x: number, y: number, block: number): void;
  bilinear_i16(x: number, y: number, block: number): void;
  bilinear_u8(x: number, y: number, block: number): void;
  bilinear_q11_s8(x: number, y: number, block: number): void;
  bilinear_q11_u8(x: number, y: number, block: number): void;
  cast_f32_i32(x: number, y: number, n: number): void;
}

/** lib/tflite/wasm/matrix.wat: matrix products (BATCH_MATMUL, TRANSPOSE_CONV, int16x8 depthwise, SVDF; see there). */
export interface MatrixExports {
  pack(src: number, dst: number, rows: number, cols: number, rs: number, cs: number, dstRow: number, type: number, offset: number): void;
  mm_f32(a: number, aI: number, aP: number, b: number, y: number, m: number, n: number, k: number, nPad: number): void;
  mm_f64(a: number, b: number, y: number, m: number, n: number, k: number, nPad: number): void;
  tconv(x: number, w: number, acc: number, col: number, batches: number, inH: number, inW: number, inC: number, outH: number, outW: number, ocPad: number, kH: number, kW: number, sH: number, sW: number, pH: number, pW: number): void;
  out_f32(acc: number, accRow: number, bias: number, y: number, pixels: number, channels: number, lo: number, hi: number): void;
  dw16x8(x: number, w: number, ch: number, y: number, batches: number, inH: number, inW: number, inC: number, outH: number, outW: number, kH: number, kW: number, sH: number, sW: number, dH: number, dW: number, pH: number, pW: number, cPad: number, inOff: number, outOff: number, lo: number, hi: number): void;
  rowdot_f32(s: number, w: number, out: number, rows: number, filters: number, mem: number): void;
}

const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
let moduleCache: object | null | undefined;
let loadError: string | undefined;

function moduleBytes(name: string): Uint8Array | undefined {
  const built = path.join(__dirname, "wasm", `${name}.wasm`);
  if (fs.existsSync(built)) return fs.readFileSync(built);
  const wat = path.join(__dirname, "wasm", `${name}.wat`);
  const assembler = path.join(__dirname, "wasm", "assemble.cjs");
  if (!fs.existsSync(wat) || !fs.existsSync(assembler)) return undefined;
  const hash = createHash("sha256").update(fs.readFileSync(wat)).update(fs.readFileSync(assembler)).digest("hex").slice(0, 16);
  const cached = path.join(os.tmpdir(), `edge-ai-tflite-${name}-${hash}.wasm`);
  if (!fs.existsSync(cached)) execFileSync(process.execPath, [assembler, wat, cached], { stdio: ["ignore", "ignore", "pipe"], timeout: 60000 });
  return fs.readFileSync(cached);
}

/** The compiled int8 SIMD module, or null where it cannot be used (see the file comment). */
export function int8Module(): object | null {
  if (moduleCache !== undefined) return moduleCache;
  moduleCache = null;
  if (process.env.EDGE_TFLITE_SIMD === "0" || !wasmApi) return moduleCache;
  try {
    const bytes = moduleBytes("int8");
    if (!bytes) loadError = "int8.wasm not found";
    else if (!wasmApi.validate(bytes)) loadError = "WebAssembly SIMD is not available";
    else moduleCache = new wasmApi.Module(bytes);
  } catch (err) {
    loadError = err instanceof Error ? err.message : String(err);
  }
  return moduleCache;
}

/**
 * The second and later modules, each on the int8 module's memory: the file name under wasm/ and the variable that
 * keeps one alone in JavaScript (to compare the two). A new kernel module is one entry here and one accessor below.
 */
const companions = {
  int16: { file: "int16", disable: "EDGE_TFLITE_INT16_SIMD" },
  floatElementwise: { file: "float-elementwise", disable: "EDGE_TFLITE_FLOAT_ELEMENTWISE_SIMD" },
  floatUnary: { file: "float-unary", disable: "EDGE_TFLITE_FLOAT_UNARY_SIMD" },
  floatTranscendental: { file: "float-transcendental", disable: "EDGE_TFLITE_FLOAT_TRANSCENDENTAL_SIMD" },
  intElementwise: { file: "int-elementwise", disable: "EDGE_TFLITE_INT_ELEMENTWISE_SIMD" },
  quantizedElementwise: { file: "quantized-elementwise", disable: "EDGE_TFLITE_QUANTIZED_ELEMENTWISE_SIMD" },
  reducePool: { file: "reduce-pool", disable: "EDGE_TFLITE_REDUCE_POOL_SIMD" },
  dataMovement: { file: "data-movement", disable: "EDGE_TFLITE_DATA_MOVEMENT_SIMD" },
  matrix: { file: "matrix", disable: "EDGE_TFLITE_MATRIX_SIMD" },
  quantizedSoftmax: { file: "quantized-softmax", disable: "EDGE_TFLITE_QUANTIZED_SOFTMAX_SIMD" },
  byteAffine: { file: "byte-affine", disable: "EDGE_TFLITE_BYTE_AFFINE_SIMD" },
} as const;
type Companion = keyof typeof companions;
const companionModules = new Map<Companion, object | null>();

/** A companion module compiled, or null where it cannot be used (then its kernels stay in JavaScript). */
function companionModule(name: Companion): object | null {
  const cached = companionModules.get(name);
  if (cached !== undefined) return cached;
  let module: object | null = null;
  if (int8Module() && process.env[companions[name].disable] !== "0") {
    try {
      const bytes = moduleBytes(companions[name].file);
      if (bytes && wasmApi!.validate(bytes)) module = new wasmApi!.Module(bytes);
    } catch {
      // the JavaScript loops compute the same results
    }
  }
  companionModules.set(name, module);
  return module;
}

/** Why the SIMD kernels are not in use, if they are not. */
export function simdUnavailableReason(): string | undefined {
  return int8Module() ? undefined : (loadError ?? "disabled");
}

const PAGE = 65536;
const align16 = (n: number) => (n + 15) & ~15;

/** One interpreter's WebAssembly instance and memory, with a bump allocator filled while kernels prepare. */
export class WasmHeap {
  readonly exports: Int8Exports;
  private readonly memory: WasmMemory;
  private top = 16;
  private ioBytes = 0;
  private ioPtr = -1;
  private ioSize = 0;
  private view: Int8Array;
  /**
   * Counts the growths of the memory (each replaces its buffer): kernels compare it with the one they saw
   * instead of reading memory.buffer, an engine call, on every run.
   */
  generation = 0;
  private words: Int32Array;
  private readonly companionExports = new Map<Companion, object | null>();

  constructor(module: object) {
    this.memory = new wasmApi!.Memory({ initial: 1 });
    this.exports = new wasmApi!.Instance(module, { env: { memory: this.memory } }).exports as unknown as Int8Exports;
    this.view = new Int8Array(this.memory.buffer);
    this.words = new Int32Array(this.memory.buffer);
  }

  /** A companion module instantiated on this heap's memory (on first use), or undefined where unavailable. */
  private companion<T>(name: Companion): T | undefined {
    let exports = this.companionExports.get(name);
    if (exports === undefined) {
      const module = companionModule(name);
      exports = module ? new wasmApi!.Instance(module, { env: { memory: this.memory } }).exports : null;
      this.companionExports.set(name, exports);
    }
    return (exports ?? undefined) as T | undefined;
  }

  /** The int16 kernels (wasm/int16.wat). */
  int16(): Int16Exports | undefined {
    return this.companion<Int16Exports>("int16");
  }

  /** The float32 elementwise kernels (wasm/float-elementwise.wat). */
  floatElementwise(): FloatElementwiseExports | undefined {
    return this.companion<FloatElementwiseExports>("floatElementwise");
  }

  /** The float32 unary kernels and PRELU (wasm/float-unary.wat). */
  floatUnary(): FloatUnaryExports | undefined {
    return this.companion<FloatUnaryExports>("floatUnary");
  }

  /** The float32 transcendental kernels (wasm/float-transcendental.wat). */
  floatTranscendental(): FloatTranscendentalExports | undefined {
    return this.companion<FloatTranscendentalExports>("floatTranscendental");
  }

  /** The integer elementwise kernels (wasm/int-elementwise.wat). */
  intElementwise(): IntElementwiseExports | undefined {
    return this.companion<IntElementwiseExports>("intElementwise");
  }

  /** The 8-bit elementwise kernels and lookups (wasm/quantized-elementwise.wat). */
  quantizedElementwise(): QuantizedElementwiseExports | undefined {
    return this.companion<QuantizedElementwiseExports>("quantizedElementwise");
  }

  /** The reduction and pooling kernels (wasm/reduce-pool.wat). */
  reducePool(): ReducePoolExports | undefined {
    return this.companion<ReducePoolExports>("reducePool");
  }

  /** The data-movement and resize kernels (wasm/data-movement.wat). */
  dataMovement(): DataMovementExports | undefined {
    return this.companion<DataMovementExports>("dataMovement");
  }

  /** The matrix-product kernels (wasm/matrix.wat). */
  matrix(): MatrixExports | undefined {
    return this.companion<MatrixExports>("matrix");
  }

  /** The quantized SOFTMAX and LOG_SOFTMAX kernels (wasm/quantized-softmax.wat). */
  quantizedSoftmax(): QuantizedSoftmaxExports | undefined {
    return this.companion<QuantizedSoftmaxExports>("quantizedSoftmax");
  }
  /** The 8-bit maps as arithmetic (wasm/byte-affine.wat). */
  byteAffine(): ByteAffineExports | undefined {
    return this.companion<ByteAffineExports>("byteAffine");
  }
  /** Writes an int32 at a (4-byte aligned) address. */
  setWord(at: number, value: number): void {
    if (this.words.buffer !== this.memory.buffer) this.words = new Int32Array(this.memory.buffer);
    this.words[at >> 2] = value;
  }

  /** The memory's current buffer (replaced when the memory grows). */
  get buffer(): ArrayBuffer {
    return this.memory.buffer;
  }

  /** Reserves the shared input/output area now, so that running kernels never grows the memory. */
  finish(): void {
    if (this.ioBytes > 0) this.io();
  }

  /** The heap as int8, current after any growth. */
  bytes(): Int8Array {
    if (this.view.buffer !== this.memory.buffer) this.view = new Int8Array(this.memory.buffer);
    return this.view;
  }

  /** Reserves `size` bytes (16-byte aligned) and returns their address. */
  alloc(size: number): number {
    const at = align16(this.top);
    // 32 bytes of slack: the vector loops read (never use) up to 16 bytes past the data they are given
    this.top = at + size + 32;
    const short = this.top - this.memory.buffer.byteLength;
    if (short > 0) {
      this.memory.grow(Math.ceil(short / PAGE));
      this.generation++;
    }
    return at;
  }

  /** Copies a typed array into a fresh allocation and returns its address. */
  place(data: ArrayBufferView): number {
    const at = this.alloc(data.byteLength);
    this.bytes().set(new Int8Array(data.buffer, data.byteOffset, data.byteLength), at);
    return at;
  }

  /** Declares that a kernel moves up to `size` bytes of activations through the shared area per run. */
  requestIo(size: number): void {
    this.ioBytes = Math.max(this.ioBytes, size);
  }

  /** Address of the shared input/output area (kernels run one at a time, so they share it). */
  io(): number {
    if (this.ioPtr < 0 || this.ioSize < this.ioBytes) {
      this.ioPtr = this.alloc(this.ioBytes);
      this.ioSize = this.ioBytes;
    }
    return this.ioPtr;
  }
}
