/**
 * float32 EXP, LOG, TANH and LOGISTIC in WebAssembly SIMD (../wasm/float-transcendental.wat), four elements per
 * step, bit for bit the JavaScript functions they mirror: musl's expf and logf (expf.ts, logf.ts: what TFLite's
 * EXP and LOG call), Eigen's tanh and TFLite's GELU through Eigen's erf or tanh (eigen-activations.ts: TFLite's float TANH, GELU) and XNNPACK's sigmoid
 * (xnnpack-sigmoid.ts: what tfjs-tflite's delegate runs for LOGISTIC); SOFTMAX with beta 1 as XNNPACK's
 * (xnnpack-softmax.ts) and LOG_SOFTMAX as TFLite's (normalization.ts). The LSTM's Eigen logistic is here too
 * (heapFunction). A tensor outside the heap runs the JavaScript loop (constants are copied in once).
 */
import type { Invoke } from "../kernel";
import type { Tensor } from "../tensor";
import type { WasmHeap } from "../wasm-kernels";
import { LOGF_TABLE_BITS } from "./logf";
import { EXPF_TABLE_BITS } from "./expf";

export enum FloatFunction {
  Exp,
  Log,
  /** Eigen's */
  Tanh,
  /** XNNPACK's (LOGISTIC) */
  Sigmoid,
  /** Eigen's (the LSTM's gates) */
  Logistic,
  /** TFLite's float GELU through Eigen's erf, and its tanh form */
  Gelu,
  GeluApproximate,
}

/** The two tables, placed once per heap: expf's 2^(j/32) as musl stores them (j << 47 taken off the bits), logf's 1/c and log c. */
const tables = new WeakMap<WasmHeap, { exp: number; log: number }>();

function tablesOf(heap: WasmHeap): { exp: number; log: number } {
  let t = tables.get(heap);
  if (!t) {
    const exp = heap.place(BigUint64Array.from(EXPF_TABLE_BITS));
    const log = heap.place(BigUint64Array.from(LOGF_TABLE_BITS));
    t = { exp, log };
    tables.set(heap, t);
  }
  return t;
}

/** f of n floats at heap address x into y (y may be x); undefined without the module. */
export function heapFunction(heap: WasmHeap, f: FloatFunction): ((x: number, y: number, n: number) => void) | undefined {
  const ex = heap.floatTranscendental();
  if (!ex) return undefined;
  const { exp, log } = tablesOf(heap);
  switch (f) {
    case FloatFunction.Exp:
      return (x, y, n) => ex.fexp(x, y, n, exp);
    case FloatFunction.Log:
      return (x, y, n) => ex.flog(x, y, n, log);
    case FloatFunction.Tanh:
      return (x, y, n) => ex.ftanh(x, y, n);
    case FloatFunction.Sigmoid:
      return (x, y, n) => ex.fsigmoid(x, y, n);
    case FloatFunction.Logistic:
      return (x, y, n) => ex.flogistic(x, y, n, exp);
    case FloatFunction.Gelu:
      return (x, y, n) => ex.fgelu(x, y, n);
    case FloatFunction.GeluApproximate:
      return (x, y, n) => ex.fgelutanh(x, y, n);
  }
}

/**
 * The SIMD invoke for y = f(x) elementwise, or undefined where it does not apply; `fallback` (the JavaScript loop)
 * runs whenever a tensor is not in the heap.
 */
export function prepareFloatFunctionSimd(heap: WasmHeap | undefined, f: FloatFunction, x: Tensor, y: Tensor, fallback: Invoke): Invoke | undefined {
  const kernel = heap && heapFunction(heap, f);
  if (!heap || !kernel) return undefined;
  if (!(x.data instanceof Float32Array && y.data instanceof Float32Array) || x.isVariable || y.isVariable) return undefined;
  const n = y.size;
  if (n === 0 || x.size !== n) return undefined;
  const xConst = x.isConstant ? heap.place(x.data) : -1;
  return () => {
    const buffer = heap.buffer;
    if ((!x.isConstant && x.data.buffer !== buffer) || y.data.buffer !== buffer) return fallback();
    kernel(xConst >= 0 ? xConst : x.data.byteOffset, y.data.byteOffset, n);
  };
}

/** XNNPACK's SOFTMAX (beta 1) or TFLite's LOG_SOFTMAX over the rows of the last dimension, or undefined where it does not apply. */
export function prepareSoftmaxSimd(heap: WasmHeap | undefined, log: boolean, x: Tensor, y: Tensor, rows: number, depth: number, fallback: Invoke): Invoke | undefined {
  const ex = heap?.floatTranscendental();
  if (!heap || !ex) return undefined;
  if (!(x.data instanceof Float32Array && y.data instanceof Float32Array) || x.isVariable || y.isVariable) return undefined;
  if (rows * depth === 0 || x.size !== rows * depth || y.size !== x.size) return undefined;
  const xConst = x.isConstant ? heap.place(x.data) : -1;
  const { exp, log: logTable } = tablesOf(heap);
  return () => {
    const buffer = heap.buffer;
    if ((!x.isConstant && x.data.buffer !== buffer) || y.data.buffer !== buffer) return fallback();
    const xPtr = xConst >= 0 ? xConst : x.data.byteOffset;
    if (log) ex.flogsoftmax(xPtr, y.data.byteOffset, rows, depth, exp, logTable);
    else ex.fsoftmax(xPtr, y.data.byteOffset, rows, depth);
  };
}
