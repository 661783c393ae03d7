/**
 * One-operator models for the operator differential test: each case is a model written by the model builder
 * (random shapes, values and quantization from a seeded generator) and the range its random inputs are drawn from.
 */
import { BuiltinOperator as B, BuiltinOptionsType as O, F, TensorType as T } from "../../lib/tflite/schema";
import type { OperandSpec, OptionField } from "../../lib/tflite/model-builder";

export interface OperatorCase {
  label: string;
  builtin: number;
  inputs: Array<OperandSpec | null>;
  outputs: OperandSpec[];
  optionsType?: number;
  options?: OptionField[];
  /** real-valued range of random float inputs (default [-2, 2]); integer inputs span their type */
  range?: [number, number];
  /**
   * tfjs-tflite runs this case through XNNPACK, whose integer arithmetic differs from TFLite's reference kernel:
   * only the xnnpack arithmetic is compared with it
   */
  xnnpackOnly?: boolean;
  /** the integer range of random int32 inputs (default ±1000) */
  intRange?: [number, number];
  /**
   * the range of random int8 / uint8 / int16 inputs (default: the whole type), its two ends drawn one time in eight
   * each, so edge values always come up
   */
  quantizedRange?: [number, number];
}

/** Deterministic pseudo-random numbers (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class CaseMaker {
  constructor(readonly next: () => number) {}

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  shape(rank: number, lo = 1, hi = 5): number[] {
    return Array.from({ length: rank }, () => this.int(lo, hi));
  }

  pick<V>(values: readonly V[]): V {
    return values[Math.floor(this.next() * values.length)];
  }

  quant(): NonNullable<OperandSpec["quantization"]> {
    return { scale: [Math.fround(0.005 + this.next() * 0.05)], zeroPoint: [this.int(-40, 40)] };
  }

  /** an operand of `type`: quantized (random parameters, or those given) for int8 */
  operand(type: T, shape: number[], quantization?: OperandSpec["quantization"]): OperandSpec {
    if (type === T.INT8 || type === T.UINT8 || type === T.INT16) return { shape, type, quantization: quantization ?? this.quant() };
    return { shape, type };
  }

  /** Shapes of a broadcasting pair: equal, one side broadcast along some dimensions, or a scalar. */
  broadcastPair(rank: number): [number[], number[], number[]] {
    const out = this.shape(rank);
    const kind = this.int(0, 3);
    if (kind === 0) return [out, [...out], out];
    if (kind === 1) return [out, [out[rank - 1]], out];
    const a = out.map((d) => (this.next() < 0.4 ? 1 : d));
    const b = out.map((d, i) => (a[i] === 1 ? d : this.next() < 0.4 ? 1 : d));
    const y = a.map((d, i) => Math.max(d, b[i]));
    return kind === 2 ? [a, b, y] : [[], b, b];
  }
}

export const int32Constant = (values: number[], shape = [values.length]): OperandSpec => ({ shape, type: T.INT32, values });

export { B, O, F, T };
