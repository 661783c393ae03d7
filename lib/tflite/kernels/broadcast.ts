/** NumPy-style broadcasting: for each output element, the flat index into each input. */
import type { Tensor } from "../tensor";
import { extendShape, stridesOf } from "./common";

/** undefined when every input already has the output's size (no broadcasting: index k everywhere). */
export function broadcastMaps(inputs: readonly Tensor[], y: Tensor): Int32Array[] | undefined {
  if (inputs.every((t) => t.size === y.size)) return undefined;
  const rank = Math.max(y.shape.length, ...inputs.map((t) => t.shape.length));
  const ys = extendShape(y.shape, rank);
  const strides = inputs.map((t) => {
    const s = extendShape(t.shape, rank);
    return stridesOf(s).map((v, i) => (s[i] === 1 ? 0 : v));
  });
  const n = y.size;
  const maps = inputs.map(() => new Int32Array(n));
  const idx = new Array<number>(rank).fill(0);
  for (let k = 0; k < n; k++) {
    for (let t = 0; t < inputs.length; t++) {
      let p = 0;
      for (let d = 0; d < rank; d++) p += idx[d] * strides[t][d];
      maps[t][k] = p;
    }
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < ys[d]) break;
      idx[d] = 0;
    }
  }
  return maps;
}

/** The broadcast shape of two shapes, or undefined where they are incompatible. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] | undefined {
  const rank = Math.max(a.length, b.length);
  const as = extendShape(a, rank);
  const bs = extendShape(b, rank);
  const out: number[] = [];
  for (let d = 0; d < rank; d++) {
    if (as[d] !== bs[d] && as[d] !== 1 && bs[d] !== 1) return undefined;
    out.push(as[d] === 1 ? bs[d] : as[d]);
  }
  return out;
}
