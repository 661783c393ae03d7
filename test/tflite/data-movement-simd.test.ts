/**
 * The data-movement operators and the resizes in WebAssembly (wasm/data-movement.wat) give exactly the JavaScript
 * kernels' outputs, byte for byte, for every element width: shapes whose merged runs hit the 16-byte loop, its
 * 8/4/2/1-byte tails and memory.copy, strided element loops (transposes, strides, negative strides, repeats), and
 * a tensor outside the heap (the fallback); CAST float32 → int32 on values in and out of the int32 range.
 */
import { strict as assert } from "assert";
import { Interpreter } from "../../lib/tflite/interpreter";
import { singleOperatorModel, type OperandSpec } from "../../lib/tflite/model-builder";
import { BuiltinOptionsType as O, F, TensorType as T } from "../../lib/tflite/schema";
import { B, CaseMaker, int32Constant, rng, type OperatorCase } from "./operator-cases";
import { skipWithoutSimd } from "./simd-skip";

const TYPES = [T.FLOAT32, T.INT8, T.UINT8, T.INT16, T.INT32] as const;
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** One case per operator, of `type`, dimensions up to `big` (runs from 1 to a few hundred bytes). */
function cases(m: CaseMaker, type: T, big: number): OperatorCase[] {
  const q = { scale: [0.05], zeroPoint: [type === T.UINT8 ? 128 : 0] };
  const op = (shape: number[]): OperandSpec => ({ shape, type, quantization: type === T.INT8 || type === T.UINT8 || type === T.INT16 ? q : undefined });
  const shape = (rank: number) => Array.from({ length: rank }, () => m.int(1, big));
  const name = T[type];
  const out: OperatorCase[] = [];
  {
    const s = shape(m.int(2, 5));
    const perm = [...s.keys()].sort(() => m.next() - 0.5);
    out.push({ label: `TRANSPOSE ${name} [${s}] by [${perm}]`, builtin: B.TRANSPOSE, inputs: [op(s), int32Constant(perm)], outputs: [op(perm.map((p) => s[p]))] });
  }
  {
    const s = shape(m.int(1, 3));
    const count = m.int(1, 4);
    const axis = m.int(0, s.length);
    const packed = [...s.slice(0, axis), count, ...s.slice(axis)];
    out.push({ label: `PACK ${name} ${count}×[${s}] axis ${axis}`, builtin: B.PACK, inputs: Array.from({ length: count }, () => op(s)), outputs: [op(packed)], optionsType: O.PackOptions, options: [{ slot: F.PackOptions.values_count, kind: "int32", value: count }, { slot: F.PackOptions.axis, kind: "int32", value: axis }] });
    out.push({ label: `UNPACK ${name} [${packed}] axis ${axis}`, builtin: B.UNPACK, inputs: [op(packed)], outputs: Array.from({ length: count }, () => op(s)), optionsType: O.UnpackOptions, options: [{ slot: F.UnpackOptions.num, kind: "int32", value: count }, { slot: F.UnpackOptions.axis, kind: "int32", value: axis }] });
    const parts = [...s.slice(0, axis), m.int(1, big), ...s.slice(axis)];
    const whole = [...parts];
    whole[axis] = parts[axis] * count;
    out.push({ label: `SPLIT ${name} [${whole}] in ${count} along ${axis}`, builtin: B.SPLIT, inputs: [int32Constant([axis], []), op(whole)], outputs: Array.from({ length: count }, () => op(parts)), optionsType: O.SplitOptions, options: [{ slot: F.SplitOptions.num_splits, kind: "int32", value: count }] });
    const sizes = Array.from({ length: count }, () => m.int(0, big));
    if (!sizes.some((v) => v > 0)) sizes[0] = 1;
    const total = [...parts];
    total[axis] = sizes.reduce((a, b) => a + b, 0);
    out.push({ label: `SPLIT_V ${name} [${total}] in [${sizes}] along ${axis}`, builtin: B.SPLIT_V, inputs: [op(total), int32Constant(sizes), int32Constant([axis], [])], outputs: sizes.map((v) => op(parts.map((d, i) => (i === axis ? v : d)))), optionsType: O.SplitVOptions, options: [{ slot: F.SplitOptions.num_splits, kind: "int32", value: count }] });
    const others = Array.from({ length: count }, () => parts.map((d, i) => (i === axis ? m.int(1, big) : d)));
    out.push({ label: `CONCATENATION ${name} ${others.map((o) => `[${o}]`).join(" ")} axis ${axis}`, builtin: B.CONCATENATION, inputs: others.map(op), outputs: [op(parts.map((d, i) => (i === axis ? others.reduce((a, o) => a + o[i], 0) : d)))], optionsType: O.ConcatenationOptions, options: [{ slot: F.ConcatenationOptions.axis, kind: "int32", value: axis }] });
  }
  {
    const s = shape(m.int(1, 4));
    const pads = s.flatMap(() => [m.int(0, 3), m.int(0, 3)]);
    const padded = s.map((d, i) => d + pads[2 * i] + pads[2 * i + 1]);
    out.push({ label: `PAD ${name} [${s}] [${pads}]`, builtin: B.PAD, inputs: [op(s), int32Constant(pads, [s.length, 2])], outputs: [op(padded)] });
    const value = { ...op([]), values: [type === T.FLOAT32 ? 0.75 : 7] };
    out.push({ label: `PADV2 ${name} [${s}] [${pads}]`, builtin: B.PADV2, inputs: [op(s), int32Constant(pads, [s.length, 2]), value], outputs: [op(padded)] });
  }
  {
    const s = shape(m.int(1, 4));
    const begin = s.map((d) => m.int(0, d - 1));
    const sizes = s.map((d, i) => m.int(1, d - begin[i]));
    out.push({ label: `SLICE ${name} [${s}] at [${begin}] size [${sizes}]`, builtin: B.SLICE, inputs: [op(s), int32Constant(begin), int32Constant(sizes)], outputs: [op(sizes)] });
    const steps = s.map(() => m.pick([1, 1, 2, 3, -1, -2]));
    const starts = s.map((d, i) => (steps[i] > 0 ? m.int(0, d - 1) : m.int(0, d - 1)));
    const ends = s.map((d, i) => (steps[i] > 0 ? m.int(starts[i] + 1, d) : m.int(-1, starts[i] - 1)));
    // an end of -1 counts from the back: stop before the first element through the end mask instead
    const endMask = ends.reduce((acc, e, i) => (e === -1 ? acc | (1 << i) : acc), 0);
    const counts = s.map((_, i) => Math.max(0, Math.ceil((ends[i] - starts[i]) / steps[i])));
    out.push({
      label: `STRIDED_SLICE ${name} [${s}] [${starts}:${ends}:${steps}]`,
      builtin: B.STRIDED_SLICE,
      inputs: [op(s), int32Constant(starts), int32Constant(ends.map((e) => (e === -1 ? 0 : e))), int32Constant(steps)],
      outputs: [op(counts)],
      optionsType: O.StridedSliceOptions,
      options: [{ slot: F.StridedSliceOptions.end_mask, kind: "int32", value: endMask }],
    });
  }
  {
    const s = shape(m.int(1, 4)).map((d) => Math.min(d, 9));
    const multiples = s.map(() => m.int(1, 3));
    out.push({ label: `TILE ${name} [${s}] × [${multiples}]`, builtin: B.TILE, inputs: [op(s), int32Constant(multiples)], outputs: [op(s.map((d, i) => d * multiples[i]))] });
  }
  {
    const b = m.int(2, 3);
    const [n, h, w, c] = [m.int(1, 2), m.int(1, 6), m.int(1, 6), m.int(1, big)];
    out.push({ label: `DEPTH_TO_SPACE ${name} [${[n, h, w, c * b * b]}] block ${b}`, builtin: B.DEPTH_TO_SPACE, inputs: [op([n, h, w, c * b * b])], outputs: [op([n, h * b, w * b, c])], optionsType: O.DepthToSpaceOptions, options: [{ slot: F.DepthToSpaceOptions.block_size, kind: "int32", value: b }] });
    out.push({ label: `SPACE_TO_DEPTH ${name} [${[n, h * b, w * b, c]}] block ${b}`, builtin: B.SPACE_TO_DEPTH, inputs: [op([n, h * b, w * b, c])], outputs: [op([n, h, w, c * b * b])], optionsType: O.SpaceToDepthOptions, options: [{ slot: F.SpaceToDepthOptions.block_size, kind: "int32", value: b }] });
  }
  {
    const s = shape(m.int(1, 4));
    const axis = m.int(0, s.length - 1);
    const ishape = [m.int(1, 5)];
    const indices = Array.from({ length: ishape[0] }, () => m.int(0, s[axis] - 1));
    out.push({ label: `GATHER ${name} [${s}] axis ${axis} by [${indices}]`, builtin: B.GATHER, inputs: [op(s), int32Constant(indices, ishape)], outputs: [op([...s.slice(0, axis), ...ishape, ...s.slice(axis + 1)])], optionsType: O.GatherOptions, options: [{ slot: F.GatherOptions.axis, kind: "int32", value: axis }] });
  }
  {
    const [n, h, w, c] = [m.int(1, 2), m.int(1, 12), m.int(1, 12), m.int(1, Math.min(big, 12))];
    const [oh, ow] = [m.int(1, 24), m.int(1, 24)];
    const mode = m.int(0, 2);
    const options = (o: typeof F.ResizeBilinearOptions | typeof F.ResizeNearestNeighborOptions) => [
      { slot: o.align_corners, kind: "bool" as const, value: mode === 1 },
      { slot: o.half_pixel_centers, kind: "bool" as const, value: mode === 2 },
    ];
    const inputs = [op([n, h, w, c]), int32Constant([oh, ow])];
    out.push({ label: `RESIZE_NEAREST_NEIGHBOR ${name} [${[n, h, w, c]}] → ${oh}×${ow} mode ${mode}`, builtin: B.RESIZE_NEAREST_NEIGHBOR, inputs, outputs: [op([n, oh, ow, c])], optionsType: O.ResizeNearestNeighborOptions, options: options(F.ResizeNearestNeighborOptions) });
    if (type !== T.INT32) out.push({ label: `RESIZE_BILINEAR ${name} [${[n, h, w, c]}] → ${oh}×${ow} mode ${mode}`, builtin: B.RESIZE_BILINEAR, inputs, outputs: [op([n, oh, ow, c])], optionsType: O.ResizeBilinearOptions, options: options(F.ResizeBilinearOptions) });
  }
  return out;
}

/** Random bytes of every input (any bit pattern: the kernels only move them, the resizes' float inputs kept finite). */
function fill(its: Interpreter[], m: CaseMaker): void {
  its[0].inputs.forEach((t, i) => {
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    for (let k = 0; k < bytes.length; k++) bytes[k] = m.int(0, 255);
    if (t.data instanceof Float32Array) for (let k = 0; k < t.data.length; k++) t.data[k] = Math.fround((m.next() - 0.5) * 100);
    for (const other of its.slice(1)) new Uint8Array(other.inputs[i].data.buffer, other.inputs[i].data.byteOffset, other.inputs[i].data.byteLength).set(bytes);
  });
}

const bytesOf = (it: Interpreter, j: number) => {
  const d = it.outputs[j].data;
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
};

describe("tflite data movement and resizes in WebAssembly", function () {
  this.timeout(120000);
  before(function () {
    skipWithoutSimd(this);
  });

  it("equal the JavaScript kernels byte for byte for every element width", function () {
    const m = new CaseMaker(rng(1607));
    let checked = 0;
    for (let k = 0; k < 60; k++) {
      const type = TYPES[k % TYPES.length];
      // small dimensions for tails and strided loops, larger ones for the 16-byte loop and memory.copy
      const big = [3, 9, 40, 150][Math.floor(k / TYPES.length) % 4];
      for (const c of cases(m, type, big)) {
        if (size(c.outputs[0].shape) > 400000 || size(c.inputs[0]!.shape) > 400000) continue;
        for (const arithmetic of ["reference", "xnnpack"] as const) {
          const bytes = singleOperatorModel(c);
          const wasm = new Interpreter(bytes, { arithmetic });
          const js = new Interpreter(bytes, { arithmetic, simd: false });
          for (let trial = 0; trial < 2; trial++) {
            fill([wasm, js], m);
            wasm.invoke();
            js.invoke();
            wasm.outputs.forEach((_, j) => {
              const got = bytesOf(wasm, j);
              const want = bytesOf(js, j);
              const at = got.findIndex((g, i) => g !== want[i]);
              assert.equal(at, -1, `${c.label} (${arithmetic}) trial ${trial} output ${j}: byte ${at} of ${want.length} is ${got[at]}, not ${want[at]}`);
            });
            checked++;
          }
        }
      }
    }
    assert.ok(checked > 1000, `${checked} runs compared`);
  });

  it("CAST float32 → int32 equals the Int32Array store's conversion, out-of-range values and NaN included", function () {
    const special = [NaN, -NaN, Infinity, -Infinity, 0, -0, 0.5, -0.5, -1.7, 2.9, 2147483520, -2147483648, 2147483648, -2147483904, 3e9, -3e9, 4294967296, 6442450944, 1e20, -1e20, 9223372036854775808, 3.4e38, -3.4e38, 1e-45];
    const m = new CaseMaker(rng(77));
    for (let k = 0; k < 200; k++) {
      const n = k < 100 ? m.int(1, 70) : m.int(70, 3000);
      const bytes = singleOperatorModel({ builtin: B.CAST, inputs: [{ shape: [n], type: T.FLOAT32 }], outputs: [{ shape: [n], type: T.INT32 }] });
      const wasm = new Interpreter(bytes);
      const js = new Interpreter(bytes, { simd: false });
      // one vector in three with a special value, the others in range
      const values = Array.from({ length: n }, (_, i) => (Math.floor(i / 4) % 3 === 0 && m.next() < 0.5 ? m.pick(special) : Math.fround((m.next() - 0.5) * m.pick([10, 1e6, 4e9]))));
      (wasm.inputs[0].data as Float32Array).set(values);
      (js.inputs[0].data as Float32Array).set(values);
      wasm.invoke();
      js.invoke();
      assert.deepEqual(Array.from(wasm.outputs[0].data as Int32Array), Array.from(js.outputs[0].data as Int32Array), `CAST of ${n}: [${values.slice(0, 8)}...]`);
    }
  });

  it("fall back to the JavaScript kernels for a tensor outside the heap", function () {
    const c = cases(new CaseMaker(rng(5)), T.INT16, 20)[0];
    const bytes = singleOperatorModel(c);
    const wasm = new Interpreter(bytes);
    const js = new Interpreter(bytes, { simd: false });
    fill([wasm, js], new CaseMaker(rng(6)));
    const x = wasm.inputs[0];
    x.data = x.data.slice();
    wasm.invoke();
    js.invoke();
    assert.deepEqual(bytesOf(wasm, 0), bytesOf(js, 0), c.label);
  });
});
