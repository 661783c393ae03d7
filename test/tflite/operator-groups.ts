/** The operator cases of the differential test, grouped by kernel file. */
import { B, O, F, T, int32Constant, type CaseMaker, type OperatorCase } from "./operator-cases";

export interface OperatorGroup {
  name: string;
  seed: number;
  cases: number;
  make: (m: CaseMaker, k: number) => OperatorCase[];
}

const MOVED_TYPES = [T.FLOAT32, T.INT8] as const;

function dataMovement(m: CaseMaker, k: number): OperatorCase[] {
  const type = MOVED_TYPES[k % 2];
  const q = m.quant();
  const op = (shape: number[]) => m.operand(type, shape, q);
  const name = T[type].toLowerCase();
  const cases: OperatorCase[] = [];
  // TRANSPOSE
  {
    const rank = m.int(2, 4);
    const shape = m.shape(rank);
    const perm = [...Array(rank).keys()].sort(() => m.next() - 0.5);
    cases.push({ label: `TRANSPOSE ${name} [${shape}] by [${perm}]`, builtin: B.TRANSPOSE, inputs: [op(shape), int32Constant(perm)], outputs: [op(perm.map((p) => shape[p]))] });
  }
  // PACK / UNPACK
  {
    const shape = m.shape(m.int(1, 3));
    const count = m.int(1, 4);
    const axis = m.int(0, shape.length);
    const packed = [...shape.slice(0, axis), count, ...shape.slice(axis)];
    cases.push({
      label: `PACK ${name} ${count}×[${shape}] axis ${axis}`,
      builtin: B.PACK,
      inputs: Array.from({ length: count }, () => op(shape)),
      outputs: [op(packed)],
      optionsType: O.PackOptions,
      options: [{ slot: F.PackOptions.values_count, kind: "int32", value: count }, { slot: F.PackOptions.axis, kind: "int32", value: axis }],
    });
    cases.push({
      label: `UNPACK ${name} [${packed}] axis ${axis}`,
      builtin: B.UNPACK,
      inputs: [op(packed)],
      outputs: Array.from({ length: count }, () => op(shape)),
      optionsType: O.UnpackOptions,
      options: [{ slot: F.UnpackOptions.num, kind: "int32", value: count }, { slot: F.UnpackOptions.axis, kind: "int32", value: axis }],
    });
  }
  // SPLIT / SPLIT_V
  {
    const shape = m.shape(m.int(1, 4));
    const axis = m.int(0, shape.length - 1);
    const parts = m.int(1, 3);
    const split = [...shape];
    split[axis] = m.int(1, 3);
    const whole = [...shape];
    whole[axis] = split[axis] * parts;
    cases.push({
      label: `SPLIT ${name} [${whole}] in ${parts} along ${axis}`,
      builtin: B.SPLIT,
      inputs: [int32Constant([axis - (k % 3 === 0 ? whole.length : 0)], []), op(whole)],
      outputs: Array.from({ length: parts }, () => op(split)),
      optionsType: O.SplitOptions,
      options: [{ slot: F.SplitOptions.num_splits, kind: "int32", value: parts }],
    });
    const sizes = Array.from({ length: parts }, () => m.int(0, 3));
    if (!sizes.some((s) => s > 0)) sizes[0] = 1;
    const total = [...shape];
    total[axis] = sizes.reduce((a, b) => a + b, 0);
    const declared = [...sizes];
    if (k % 2 === 0) declared[m.int(0, parts - 1)] = -1;
    cases.push({
      label: `SPLIT_V ${name} [${total}] in [${declared}] along ${axis}`,
      builtin: B.SPLIT_V,
      inputs: [op(total), int32Constant(declared), int32Constant([axis], [])],
      outputs: sizes.map((s) => op(shape.map((d, i) => (i === axis ? s : d)))),
      optionsType: O.SplitVOptions,
      options: [{ slot: F.SplitOptions.num_splits, kind: "int32", value: parts }],
    });
  }
  // SLICE
  {
    const shape = m.shape(m.int(1, 4), 1, 6);
    const begin = shape.map((d) => m.int(0, d - 1));
    const size = shape.map((d, i) => (m.next() < 0.2 ? -1 : m.int(1, d - begin[i])));
    cases.push({ label: `SLICE ${name} [${shape}] at [${begin}] size [${size}]`, builtin: B.SLICE, inputs: [op(shape), int32Constant(begin), int32Constant(size)], outputs: [op(size.map((s, i) => (s === -1 ? shape[i] - begin[i] : s)))] });
  }
  // GATHER / GATHER_ND
  {
    const shape = m.shape(m.int(1, 4));
    const axis = m.int(0, shape.length - 1);
    const ishape = m.shape(m.int(1, 2), 1, 4);
    const indices = Array.from({ length: ishape.reduce((a, b) => a * b, 1) }, () => m.int(0, shape[axis] - 1));
    cases.push({
      label: `GATHER ${name} [${shape}] axis ${axis} by [${ishape}]`,
      builtin: B.GATHER,
      inputs: [op(shape), int32Constant(indices, ishape)],
      outputs: [op([...shape.slice(0, axis), ...ishape, ...shape.slice(axis + 1)])],
      optionsType: O.GatherOptions,
      options: [{ slot: F.GatherOptions.axis, kind: "int32", value: axis }],
    });
    const depth = m.int(1, shape.length);
    const count = m.int(1, 4);
    const nd = Array.from({ length: count }, () => shape.slice(0, depth).map((d) => m.int(0, d - 1))).flat();
    cases.push({ label: `GATHER_ND ${name} [${shape}] by [${count}, ${depth}]`, builtin: B.GATHER_ND, inputs: [op(shape), int32Constant(nd, [count, depth])], outputs: [op([count, ...shape.slice(depth)])] });
  }
  // TILE / EXPAND_DIMS
  {
    const shape = m.shape(m.int(1, 4), 1, 3);
    const multiples = shape.map(() => m.int(1, 3));
    cases.push({ label: `TILE ${name} [${shape}] × [${multiples}]`, builtin: B.TILE, inputs: [op(shape), int32Constant(multiples)], outputs: [op(shape.map((d, i) => d * multiples[i]))] });
    const axis = m.int(-shape.length - 1, shape.length);
    const a = axis < 0 ? axis + shape.length + 1 : axis;
    cases.push({ label: `EXPAND_DIMS ${name} [${shape}] at ${axis}`, builtin: B.EXPAND_DIMS, inputs: [op(shape), int32Constant([axis], [])], outputs: [op([...shape.slice(0, a), 1, ...shape.slice(a)])] });
  }
  // DEPTH_TO_SPACE / SPACE_TO_DEPTH
  {
    const b = m.int(1, 3);
    const [n, h, w, c] = [m.int(1, 2), m.int(1, 3), m.int(1, 3), m.int(1, 3)];
    cases.push({ label: `DEPTH_TO_SPACE ${name} block ${b}`, builtin: B.DEPTH_TO_SPACE, inputs: [op([n, h, w, c * b * b])], outputs: [op([n, h * b, w * b, c])], optionsType: O.DepthToSpaceOptions, options: [{ slot: F.DepthToSpaceOptions.block_size, kind: "int32", value: b }] });
    cases.push({ label: `SPACE_TO_DEPTH ${name} block ${b}`, builtin: B.SPACE_TO_DEPTH, inputs: [op([n, h * b, w * b, c])], outputs: [op([n, h, w, c * b * b])], optionsType: O.SpaceToDepthOptions, options: [{ slot: F.SpaceToDepthOptions.block_size, kind: "int32", value: b }] });
  }
  // MIRROR_PAD / PADV2
  {
    const shape = m.shape(m.int(1, 4), 2, 5);
    const symmetric = k % 2 === 1;
    const pads = shape.flatMap((d) => [m.int(0, symmetric ? d : d - 1), m.int(0, symmetric ? d : d - 1)]);
    const padded = shape.map((d, i) => d + pads[2 * i] + pads[2 * i + 1]);
    cases.push({ label: `MIRROR_PAD ${name} [${shape}] ${symmetric ? "symmetric" : "reflect"} [${pads}]`, builtin: B.MIRROR_PAD, inputs: [op(shape), int32Constant(pads, [shape.length, 2])], outputs: [op(padded)], optionsType: O.MirrorPadOptions, options: [{ slot: F.MirrorPadOptions.mode, kind: "int8", value: symmetric ? 1 : 0 }] });
    const value = type === T.FLOAT32 ? [Math.fround(m.next() * 4 - 2)] : [m.int(-128, 127)];
    const padValue = { shape: [], type, quantization: type === T.FLOAT32 ? undefined : q, values: value };
    const pads2 = shape.flatMap(() => [m.int(0, 2), m.int(0, 2)]);
    cases.push({ label: `PADV2 ${name} [${shape}] [${pads2}] with ${value[0]}`, builtin: B.PADV2, inputs: [op(shape), int32Constant(pads2, [shape.length, 2]), padValue], outputs: [op(shape.map((d, i) => d + pads2[2 * i] + pads2[2 * i + 1]))] });
  }
  return cases;
}

export const OPERATOR_GROUPS: OperatorGroup[] = [{ name: "data movement (float32, int8)", seed: 11, cases: 6, make: dataMovement }];
