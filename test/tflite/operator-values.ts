/**
 * The seeded random inputs of an operator case and the comparison of our outputs with tfjs-tflite's: integer
 * outputs bit for bit, float outputs within 1e-5 of the tensor's largest magnitude plus 1e-6 (shared by the operator
 * differential test and the one-operator benchmark).
 */
import { strict as assert } from "assert";
import { TensorType } from "../../lib/tflite/schema";
import type { Tensor } from "../../lib/tflite/tensor";
import type { OperatorCase } from "./operator-cases";

export function randomValues(t: Tensor, c: OperatorCase, next: () => number): number[] {
  const out: number[] = [];
  const [lo, hi] = c.range ?? [-2, 2];
  const [ilo, ihi] = c.intRange ?? [-1000, 1000];
  for (let i = 0; i < t.size; i++) {
    const quantized = t.type === TensorType.INT8 || t.type === TensorType.UINT8 || t.type === TensorType.INT16;
    if (quantized && c.quantizedRange) {
      // a chosen range with both ends drawn often, so the edge values always come up
      const [qlo, qhi] = c.quantizedRange;
      const u = next();
      out.push(u < 0.125 ? qlo : u < 0.25 ? qhi : qlo + Math.floor(next() * (qhi - qlo + 1)));
      continue;
    }
    switch (t.type) {
      case TensorType.FLOAT32:
        out.push(Math.fround(lo + next() * (hi - lo)));
        break;
      case TensorType.INT8:
        out.push(Math.floor(next() * 256) - 128);
        break;
      case TensorType.UINT8:
        out.push(Math.floor(next() * 256));
        break;
      case TensorType.INT16:
        out.push(Math.floor(next() * 65536) - 32768);
        break;
      case TensorType.BOOL:
        out.push(next() < 0.5 ? 0 : 1);
        break;
      default:
        out.push(ilo + Math.floor(next() * (ihi - ilo + 1)));
    }
  }
  return out;
}

export function compare(label: string, ours: ArrayLike<number | bigint>, theirs: ArrayLike<number | bigint>, float: boolean): void {
  assert.equal(ours.length, theirs.length, `${label}: lengths`);
  let scale = 0;
  for (let i = 0; i < theirs.length; i++) scale = Math.max(scale, Math.abs(Number(theirs[i])));
  for (let i = 0; i < theirs.length; i++) {
    const a = Number(ours[i]);
    const b = Number(theirs[i]);
    if (float) assert.ok((Number.isNaN(a) && Number.isNaN(b)) || a === b || Math.abs(a - b) <= 1e-6 + 1e-5 * scale, `${label}[${i}]: ours ${a} tfjs-tflite ${b} (tensor max ${scale})`);
    else assert.equal(a, b, `${label}[${i}]: ours ${a} tfjs-tflite ${b}`);
  }
}
