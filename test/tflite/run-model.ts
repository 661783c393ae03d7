/** Test helpers around the interpreter: set inputs, run, read outputs dequantized. */
import { Interpreter } from "../../lib/tflite/interpreter";
import { TensorType } from "../../lib/tflite/schema";
import type { Tensor } from "../../lib/tflite/tensor";

export function quantizeInto(t: Tensor, values: ArrayLike<number>): void {
  if (t.type === TensorType.FLOAT32) {
    (t.data as Float32Array).set(values);
    return;
  }
  const lo = t.type === TensorType.UINT8 ? 0 : -128;
  const hi = t.type === TensorType.UINT8 ? 255 : 127;
  for (let i = 0; i < values.length; i++) {
    const q = Math.round(values[i] / t.scale) + t.zeroPoint;
    (t.data as Int8Array)[i] = Math.max(lo, Math.min(hi, q));
  }
}

export function dequantized(t: Tensor): number[] {
  if (t.type === TensorType.FLOAT32) return Array.from(t.data as Float32Array);
  return Array.from(t.data as Int8Array, (v) => (v - t.zeroPoint) * t.scale);
}

export function argMax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

export function runOnce(it: Interpreter, inputs: ArrayLike<number>[]): number[][] {
  inputs.forEach((v, i) => quantizeInto(it.inputs[i], v));
  it.invoke();
  return it.outputs.map(dequantized);
}
