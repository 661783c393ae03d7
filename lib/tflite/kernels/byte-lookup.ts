/**
 * The invoke of an 8-bit elementwise operator whose output depends only on the input value: the operator's own
 * per-element arithmetic run once per possible input at prepare time, then one lookup per element. Each input
 * kind gets its own loop so V8 sees a single typed-array kind in it.
 */
import { TensorType } from "../schema";
import type { Invoke } from "../kernel";
import type { Tensor } from "../tensor";

/** `perElement` maps an input value (int8 -128..127, uint8 0..255) to its output value, already clamped. */
export function byteLookup(x: Tensor, y: Tensor, perElement: (q: number) => number): Invoke {
  const n = y.size;
  const table = new Int32Array(256);
  if (x.type === TensorType.INT8) {
    for (let q = -128; q <= 127; q++) table[q + 128] = perElement(q);
    return () => {
      const xd = x.data as Int8Array;
      const yd = y.data as Int8Array;
      for (let i = 0; i < n; i++) yd[i] = table[xd[i] + 128];
    };
  }
  if (x.type !== TensorType.UINT8) throw new TypeError(`byteLookup needs an 8-bit input, not ${x.typeName}`);
  for (let q = 0; q <= 255; q++) table[q] = perElement(q);
  return () => {
    const xd = x.data as Uint8Array;
    const yd = y.data as Uint8Array;
    for (let i = 0; i < n; i++) yd[i] = table[xd[i]];
  };
}
