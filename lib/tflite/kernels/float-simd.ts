/**
 * float32 CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED through the f32x4 loops of ../wasm/int8.wat: the filter
 * (packed by blocks of four output channels) and the bias are placed in the interpreter's WebAssembly memory
 * once; each run copies the input in and the output out. Sums run in single precision in TFLite's order per
 * output (taps, then input channels, then the bias), as TFLite's reference kernels do; the JS loops of conv.ts /
 * fully-connected.ts (double precision) remain the fallback.
 */
import type { Invoke } from "../kernel";
import type { Tensor } from "../tensor";
import type { WasmHeap } from "../wasm-kernels";
import { OpKind, opRun, placeOp } from "./int8-simd";
import type { ConvGeometry } from "./conv";

const ceilTo = (n: number, m: number) => Math.ceil(n / m) * m;

/** True when the operator's tensors are float32 with a constant filter. */
export function floatSimdApplicable(x: Tensor, w: Tensor, y: Tensor): boolean {
  return x.data instanceof Float32Array && w.data instanceof Float32Array && y.data instanceof Float32Array && w.isConstant;
}

/** The filter [M][K] as blocks of four output channels, per input k the four weights (zeros beyond M). */
export function packFloatFilter(w: Float32Array, m: number, k: number): Float32Array {
  const out = new Float32Array(ceilTo(m, 4) * k);
  for (let oc = 0; oc < m; oc++) {
    const block = (oc >> 2) * k * 4 + (oc & 3);
    const row = oc * k;
    for (let i = 0; i < k; i++) out[block + i * 4] = w[row + i];
  }
  return out;
}

/** Places the bias (padded to four channels and four more) and returns words 1..13 of the parameter block. */
function placeBias(heap: WasmHeap, bias: Float64Array, channels: number, lo: number, hi: number): number[] {
  const padded = new Float32Array(ceilTo(Math.max(channels, 1), 4) + 4);
  for (let c = 0; c < channels; c++) padded[c] = bias[c];
  const b = heap.place(padded);
  const spill = heap.alloc(16);
  const bits = new Int32Array(new Float32Array([lo, hi]).buffer);
  return [b, bits[0], bits[1], spill, 0, 0, 0, 0, 0, 0, 0, 0, 0];
}

export function prepareFloatFullyConnectedSimd(heap: WasmHeap, x: Tensor, w: Tensor, y: Tensor, batches: number, units: number, depth: number, bias: Float64Array, lo: number, hi: number): Invoke {
  const wPtr = heap.place(packFloatFilter(w.data as Float32Array, units, depth));
  const header = placeBias(heap, bias, units, lo, hi);
  return opRun(heap, x, y, placeOp(heap, OpKind.FloatConv, header, [0, wPtr, 0, batches, 1, 1, depth, 1, 1, units, 1, 1, 1, 1, 1, 1, 0, 0, 0]));
}

export function prepareFloatConvSimd(heap: WasmHeap, x: Tensor, w: Tensor, y: Tensor, g: ConvGeometry, depthwise: boolean, bias: Float64Array, lo: number, hi: number): Invoke {
  const wd = w.data as Float32Array;
  const header = placeBias(heap, bias, g.outC, lo, hi);
  if (depthwise) {
    const outCp = ceilTo(g.outC, 4);
    const taps = g.kH * g.kW;
    const packed = new Float32Array(taps * outCp + 4);
    for (let t = 0; t < taps; t++) for (let c = 0; c < g.outC; c++) packed[t * outCp + c] = wd[t * g.outC + c];
    const wPtr = heap.place(packed);
    const dm = g.outC / g.inC;
    // the kernel's table of the filter columns inside the input per output column (16 bytes each)
    const cols = heap.alloc(16 * g.outW);
    return opRun(heap, x, y, placeOp(heap, OpKind.FloatDepthwise, header, [0, wPtr, 0, g.batches, g.inH, g.inW, g.inC, g.outH, g.outW, g.outC, g.kH, g.kW, g.strideH, g.strideW, g.dilH, g.dilW, g.padH, g.padW, dm, outCp, cols]));
  }
  const k = g.kH * g.kW * g.inC;
  const wPtr = heap.place(packFloatFilter(wd, g.outC, k));
  const patch = heap.alloc(4 * k + 16);
  return opRun(heap, x, y, placeOp(heap, OpKind.FloatConv, header, [0, wPtr, 0, g.batches, g.inH, g.inW, g.inC, g.outH, g.outW, g.outC, g.kH, g.kW, g.strideH, g.strideW, g.dilH, g.dilW, g.padH, g.padW, patch]));
}
