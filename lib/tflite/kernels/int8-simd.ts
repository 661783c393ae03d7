/**
 * int8 CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED through the WebAssembly SIMD loops (../wasm/int8.wat):
 * the constant filter, the int32 bias and the per-channel requantization parameters are placed in the
 * interpreter's WebAssembly memory once; each run copies the input activations in, runs the whole operator
 * there (accumulation and requantization) and copies the int8 output back. Results are bit-exact with the plain
 * JavaScript loops of conv.ts / fully-connected.ts, which remain the fallback.
 */
import type { Invoke } from "../kernel";
import type { Tensor } from "../tensor";
import type { WasmHeap } from "../wasm-kernels";

export interface Int8Requant {
  /** bias of each output channel (int32 values) */
  bias: Float64Array;
  multipliers: Int32Array;
  shifts: Int32Array;
  /** XNNPACK single-precision scales; when given, requantization follows the `xnnpack` arithmetic */
  fp32Scales?: Float32Array;
  inOffset: number;
  wOffset: number;
  outOffset: number;
  lo: number;
  hi: number;
}

export interface Int8ConvGeometry {
  batches: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  dilH: number;
  dilW: number;
  padH: number;
  padW: number;
}

/** True when the operator's tensors are what the WebAssembly loops handle: int8 in, constant int8 filter, int8 out. */
export function int8SimdApplicable(x: Tensor, w: Tensor, y: Tensor): boolean {
  return x.data instanceof Int8Array && w.data instanceof Int8Array && y.data instanceof Int8Array && w.isConstant;
}

function placeRequant(heap: WasmHeap, q: Int8Requant, channels: number): () => void {
  const bias = heap.place(Int32Array.from(q.bias.subarray(0, channels)));
  const mult = heap.place(q.multipliers.slice(0, channels));
  const shift = heap.place(q.shifts.slice(0, channels));
  const scale = heap.place(q.fp32Scales ? q.fp32Scales.slice(0, channels) : new Float32Array(channels));
  const mode = q.fp32Scales ? 1 : 0;
  const ex = heap.exports;
  return () => ex.set_op(bias, mult, shift, scale, q.outOffset, q.lo, q.hi, mode, q.inOffset, q.wOffset);
}

function ioRun(heap: WasmHeap, x: Tensor, y: Tensor, body: (xPtr: number, yPtr: number) => void): Invoke {
  const xBytes = (x.size + 15) & ~15;
  heap.requestIo(xBytes + y.size);
  return () => {
    const io = heap.io();
    const yPtr = io + xBytes;
    const mem = heap.bytes();
    mem.set(x.data as Int8Array, io);
    body(io, yPtr);
    (y.data as Int8Array).set(mem.subarray(yPtr, yPtr + y.size));
  };
}

export function prepareInt8FullyConnectedSimd(heap: WasmHeap, x: Tensor, w: Tensor, y: Tensor, batches: number, units: number, depth: number, q: Int8Requant): Invoke {
  const wPtr = heap.place(w.data as Int8Array);
  const setOp = placeRequant(heap, q, units);
  const ex = heap.exports;
  return ioRun(heap, x, y, (xPtr, yPtr) => {
    setOp();
    ex.fc(xPtr, wPtr, yPtr, batches, units, depth);
  });
}

export function prepareInt8ConvSimd(heap: WasmHeap, x: Tensor, w: Tensor, y: Tensor, g: Int8ConvGeometry, depthwise: boolean, q: Int8Requant): Invoke {
  const wPtr = heap.place(w.data as Int8Array);
  const setOp = placeRequant(heap, q, g.outC);
  const scratch = heap.alloc(32);
  const ex = heap.exports;
  const depthMultiplier = g.outC / g.inC;
  return ioRun(heap, x, y, (xPtr, yPtr) => {
    setOp();
    if (depthwise) {
      ex.depthwise(xPtr, wPtr, yPtr, g.batches, g.inH, g.inW, g.inC, g.outH, g.outW, g.outC, g.kH, g.kW, g.strideH, g.strideW, g.dilH, g.dilW, g.padH, g.padW, depthMultiplier, scratch);
    } else {
      ex.conv(xPtr, wPtr, yPtr, g.batches, g.inH, g.inW, g.inC, g.outH, g.outW, g.outC, g.kH, g.kW, g.strideH, g.strideW, g.dilH, g.dilW, g.padH, g.padW);
    }
  });
}
