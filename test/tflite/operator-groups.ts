/** The operator cases of the differential test, grouped by kernel file. */
import { B, O, F, T, int32Constant, type CaseMaker, type OperatorCase } from "./operator-cases";
import { INT16_OPERATOR_GROUPS } from "./int16-operator-groups";
import { DTYPE_COVERAGE_GROUPS } from "./dtype-coverage-groups";
import { CORE_OPERATOR_GROUPS } from "./core-operator-groups";

export interface OperatorGroup {
  name: string;
  seed: number;
  cases: number;
  make: (m: CaseMaker, k: number) => OperatorCase[];
}

const MOVED_TYPES = [T.FLOAT32, T.INT8, T.UINT8, T.INT32] as const;

function dataMovement(m: CaseMaker, k: number): OperatorCase[] {
  const type = MOVED_TYPES[k % MOVED_TYPES.length];
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
    const value = type === T.FLOAT32 ? [Math.fround(m.next() * 4 - 2)] : type === T.UINT8 ? [m.int(0, 255)] : [m.int(-128, 127)];
    const padValue = { shape: [], type, quantization: type === T.INT8 || type === T.UINT8 ? q : undefined, values: value };
    const pads2 = shape.flatMap(() => [m.int(0, 2), m.int(0, 2)]);
    cases.push({ label: `PADV2 ${name} [${shape}] [${pads2}] with ${value[0]}`, builtin: B.PADV2, inputs: [op(shape), int32Constant(pads2, [shape.length, 2]), padValue], outputs: [op(shape.map((d, i) => d + pads2[2 * i] + pads2[2 * i + 1]))] });
  }
  return cases;
}

export const OPERATOR_GROUPS: OperatorGroup[] = [{ name: "data movement (float32, int8, uint8, int32)", seed: 11, cases: 8, make: dataMovement }];

function binaryOps(m: CaseMaker, k: number): OperatorCase[] {
  const cases: OperatorCase[] = [];
  const pair = (rank: number) => m.broadcastPair(rank);
  for (const [op, name, types] of [
    [B.MAXIMUM, "MAXIMUM", [T.FLOAT32, T.INT32, T.INT8]],
    [B.MINIMUM, "MINIMUM", [T.FLOAT32, T.INT32, T.INT8]],
    [B.DIV, "DIV", [T.FLOAT32, T.INT32]],
    [B.FLOOR_DIV, "FLOOR_DIV", [T.FLOAT32, T.INT32]],
    [B.SQUARED_DIFFERENCE, "SQUARED_DIFFERENCE", [T.FLOAT32, T.INT32, T.INT8]],
  ] as const) {
    const type = types[k % types.length];
    const [a, b, y] = pair(m.int(1, 4));
    const q = m.quant();
    // SQUARED_DIFFERENCE: inputs of their own scales, an output scale for squares
    const [qa, qb, qy] = op === B.SQUARED_DIFFERENCE ? [m.quant(), m.quant(), { scale: [Math.fround(0.01 + m.next() * 0.1)], zeroPoint: [-128 + m.int(0, 20)] }] : [q, q, q];
    const divides = op === B.DIV || op === B.FLOOR_DIV;
    // a divisor that is never zero: a constant with no zero element (random inputs may contain 0 for int32)
    const divisor = divides ? { shape: b, type, values: Array.from({ length: b.reduce((p, d) => p * d, 1) }, () => (type === T.FLOAT32 ? Math.fround((m.next() + 0.1) * (m.next() < 0.5 ? -3 : 3)) : m.pick([-7, -3, -2, -1, 1, 2, 3, 5]))) } : undefined;
    const options = op === B.DIV && type === T.FLOAT32 ? { optionsType: O.DivOptions, options: [{ slot: F.DivOptions.fused_activation_function, kind: "int8" as const, value: m.pick([0, 1, 3]) }] } : {};
    cases.push({ label: `${name} ${T[type]} [${a}] [${b}]`, builtin: op, inputs: [m.operand(type, a, qa), divisor ?? m.operand(type, b, qb)], outputs: [m.operand(type, y, qy)], ...options });
  }
  {
    // alpha per channel (the last dimension) or over the whole input: tfjs-tflite's XNNPACK reads a channel's worth
    // of slopes whatever alpha's shape, so an alpha broadcast along the channels would compare with garbage
    const y = m.shape(m.int(1, 4));
    const alpha = k % 2 ? [y[y.length - 1]] : y.map((d, i) => (i === y.length - 1 ? d : 1));
    const type = k % 3 === 2 ? T.INT8 : T.FLOAT32;
    cases.push({ label: `PRELU ${T[type]} [${y}] alpha [${alpha}]`, builtin: B.PRELU, inputs: [m.operand(type, y), { ...m.operand(type, alpha), values: Array.from({ length: alpha.reduce((p, d) => p * d, 1) }, () => (type === T.FLOAT32 ? Math.fround(m.next() - 0.5) : m.int(-128, 127))) }], outputs: [m.operand(type, y)] });
  }
  for (const [op, name] of [
    [B.EQUAL, "EQUAL"],
    [B.NOT_EQUAL, "NOT_EQUAL"],
    [B.LESS, "LESS"],
    [B.LESS_EQUAL, "LESS_EQUAL"],
    [B.GREATER, "GREATER"],
    [B.GREATER_EQUAL, "GREATER_EQUAL"],
  ] as const) {
    const type = [T.FLOAT32, T.INT32, T.INT8][k % 3];
    const [a, b, y] = pair(m.int(1, 4));
    // equal quantization on one case in two, so EQUAL sees ties
    const qa = m.quant();
    const qb = k % 2 === 0 ? qa : m.quant();
    cases.push({ label: `${name} ${T[type]} [${a}] [${b}]`, builtin: op, inputs: [m.operand(type, a, qa), m.operand(type, b, qb)], outputs: [{ shape: y, type: T.BOOL }], intRange: [-3, 3] });
  }
  {
    const [a, b, y] = pair(m.int(1, 3));
    const c = y.map((d) => (m.next() < 0.3 ? 1 : d));
    const type = [T.FLOAT32, T.INT32, T.INT8][k % 3];
    const q = m.quant();
    cases.push({ label: `SELECT_V2 ${T[type]} [${c}] [${a}] [${b}]`, builtin: B.SELECT_V2, inputs: [{ shape: c, type: T.BOOL }, m.operand(type, a, q), m.operand(type, b, q)], outputs: [m.operand(type, y, q)] });
  }
  return cases;
}

/** float values a cast converts in range (C++ leaves out-of-range float → integer conversions undefined) */
function castRange(to: T): [number, number] {
  if (to === T.UINT8) return [0, 255];
  if (to === T.INT8) return [-128, 127];
  return [-200, 200];
}

function unaryOps(m: CaseMaker, k: number): OperatorCase[] {
  const cases: OperatorCase[] = [];
  const shape = m.shape(m.int(1, 4));
  for (const [op, name, range, int] of [
    [B.ABS, "ABS", [-3, 3], false],
    [B.NEG, "NEG", [-3, 3], true],
    [B.SQUARE, "SQUARE", [-3, 3], false],
    [B.SQRT, "SQRT", [0, 9], false],
    [B.RSQRT, "RSQRT", [0.05, 9], false],
    [B.EXP, "EXP", [-6, 6], false],
    [B.LOG, "LOG", [0.01, 20], false],
    [B.HARD_SWISH, "HARD_SWISH", [-5, 5], false],
    [B.GELU, "GELU", [-5, 5], false],
    [B.RELU_N1_TO_1, "RELU_N1_TO_1", [-2, 2], false],
  ] as const) {
    const type = int && k % 2 === 1 ? T.INT32 : T.FLOAT32;
    const options = op === B.GELU ? { optionsType: O.GeluOptions, options: [{ slot: F.GeluOptions.approximate, kind: "bool" as const, value: k % 2 === 1 }] } : {};
    cases.push({ label: `${name} ${T[type]} [${shape}]${op === B.GELU ? ` approximate ${k % 2 === 1}` : ""}`, builtin: op, inputs: [{ shape, type }], outputs: [{ shape, type }], range: [range[0], range[1]], ...options });
  }
  const q = m.quant();
  {
    // quantized kernels: ABS int8, GELU int8 and uint8 (int8 RSQRT in dtype-coverage-groups.ts)
    for (const [op, name, lo, hi] of [
      [B.ABS, "ABS", -3, 3],
      [B.GELU, "GELU", -5, 5],
    ] as const) {
      const type = k % 2 && op === B.GELU ? T.UINT8 : T.INT8;
      const qmin = type === T.INT8 ? -128 : 0;
      const sx = Math.fround((hi - lo) / 255);
      const qx = { scale: [sx], zeroPoint: [Math.round(qmin - lo / sx)] };
      const qy = m.quant();
      qy.zeroPoint[0] += type === T.UINT8 ? 128 : 0;
      cases.push({ label: `${name} ${T[type]} [${shape}]`, builtin: op, inputs: [{ shape, type, quantization: qx }], outputs: [{ shape, type, quantization: qy }] });
    }
  }
  for (const type of [T.INT8, T.UINT8]) {
    // output scales from about the input's up to 6× it: HARD_SWISH's range [-0.375, max]
    const qx = { scale: [Math.fround(0.01 + m.next() * 0.05)], zeroPoint: [type === T.INT8 ? m.int(-60, 60) : m.int(60, 200)] };
    const qy = { scale: [Math.fround(qx.scale[0] * (0.5 + m.next() * 5))], zeroPoint: [type === T.INT8 ? m.int(-128, -60) : m.int(0, 60)] };
    cases.push({ label: `HARD_SWISH ${T[type]} [${shape}] scales ${qx.scale[0]} → ${qy.scale[0]}`, builtin: B.HARD_SWISH, inputs: [{ shape, type, quantization: qx }], outputs: [{ shape, type, quantization: qy }] });
  }
  cases.push({ label: `RELU_N1_TO_1 INT8 [${shape}]`, builtin: B.RELU_N1_TO_1, inputs: [m.operand(T.INT8, shape)], outputs: [m.operand(T.INT8, shape, k % 2 ? q : undefined)] });
  const types = [T.FLOAT32, T.INT32, T.INT8, T.UINT8, T.INT16, T.BOOL];
  const from = types[k % types.length];
  for (const to of types) {
    if (to === from) continue;
    cases.push({ label: `CAST ${T[from]} → ${T[to]} [${shape}]`, builtin: B.CAST, inputs: [{ shape, type: from }], outputs: [{ shape, type: to }], range: castRange(to), intRange: [-300, 300], optionsType: O.CastOptions, options: [{ slot: F.CastOptions.in_data_type, kind: "int8", value: from }, { slot: F.CastOptions.out_data_type, kind: "int8", value: to }] });
  }
  return cases;
}

OPERATOR_GROUPS.push({ name: "binary operators with broadcasting", seed: 23, cases: 6, make: binaryOps }, { name: "unary operators and CAST", seed: 37, cases: 6, make: unaryOps });

function reductions(m: CaseMaker, k: number): OperatorCase[] {
  const cases: OperatorCase[] = [];
  const reduceCase = (op: number, name: string, type: T, sameQuant: boolean, globalPool = false): OperatorCase => {
    const shape = globalPool ? [m.int(1, 2), m.int(1, 7), m.int(1, 7), m.int(1, 6)] : m.shape(m.int(1, 4), 1, 6);
    const axes = globalPool ? [1, 2] : shape.map((_, i) => i).filter(() => m.next() < 0.5);
    if (axes.length === 0) axes.push(m.int(0, shape.length - 1));
    const keep = globalPool ? true : m.next() < 0.5;
    const declared = axes.map((a) => (m.next() < 0.3 ? a - shape.length : a));
    const out = keep ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
    const qIn = m.quant();
    return {
      label: `${name} ${T[type]} [${shape}] axes [${declared}] keep ${keep}${type === T.FLOAT32 ? "" : sameQuant ? " same quantization" : " requantized"}`,
      builtin: op,
      inputs: [m.operand(type, shape, qIn), int32Constant(declared)],
      outputs: [m.operand(type, out, sameQuant ? qIn : undefined)],
      optionsType: O.ReducerOptions,
      options: [{ slot: F.ReducerOptions.keep_dims, kind: "bool", value: keep }],
    };
  };
  cases.push(reduceCase(B.SUM, "SUM", T.FLOAT32, true));
  cases.push(reduceCase(B.SUM, "SUM", T.INT8, false));
  cases.push(reduceCase(B.REDUCE_MAX, "REDUCE_MAX", k % 2 ? T.INT8 : T.FLOAT32, true));
  cases.push(reduceCase(B.REDUCE_MIN, "REDUCE_MIN", k % 2 ? T.INT8 : T.FLOAT32, true));
  cases.push(reduceCase(B.MEAN, "MEAN", T.INT8, false));
  cases.push(reduceCase(B.MEAN, "MEAN (global average pooling)", T.INT8, false, true));
  {
    const type = [T.FLOAT32, T.INT8, T.INT32][k % 3];
    const shape = m.shape(m.int(1, 4), 1, 6);
    const axis = m.int(-shape.length, shape.length - 1);
    const a = axis < 0 ? axis + shape.length : axis;
    cases.push({
      label: `ARG_MAX ${T[type]} [${shape}] axis ${axis}`,
      builtin: B.ARG_MAX,
      inputs: [m.operand(type, shape), int32Constant([axis], k % 2 ? [] : [1])],
      outputs: [{ shape: shape.filter((_, i) => i !== a), type: T.INT32 }],
      optionsType: O.ArgMaxOptions,
      options: [{ slot: F.ArgMaxOptions.output_type, kind: "int8", value: T.INT32 }],
      intRange: [-5, 5],
    });
  }
  return cases;
}

OPERATOR_GROUPS.push({ name: "reductions", seed: 41, cases: 8, make: reductions });

function resizes(m: CaseMaker, k: number): OperatorCase[] {
  const cases: OperatorCase[] = [];
  for (const [op, name, optionsType, S] of [
    [B.RESIZE_BILINEAR, "RESIZE_BILINEAR", O.ResizeBilinearOptions, F.ResizeBilinearOptions],
    [B.RESIZE_NEAREST_NEIGHBOR, "RESIZE_NEAREST_NEIGHBOR", O.ResizeNearestNeighborOptions, F.ResizeNearestNeighborOptions],
  ] as const) {
    // uint8 only for nearest neighbour here: uint8 RESIZE_BILINEAR has cases of its own (the uint8 group below for the
    // xnnpack arithmetic, resize-reference.test.ts for the reference one)
    const type = [T.FLOAT32, T.INT8, op === B.RESIZE_BILINEAR ? T.INT8 : T.UINT8][k % 3];
    const [n, h, w, c] = [m.int(1, 2), m.int(1, 6), m.int(1, 6), m.int(1, 4)];
    const [oh, ow] = [m.int(1, 12), m.int(1, 12)];
    const mode = m.int(0, 2);
    const q = m.quant();
    cases.push({
      label: `${name} ${T[type]} [${n},${h},${w},${c}] → ${oh}×${ow} ${["plain", "align_corners", "half_pixel_centers"][mode]}`,
      builtin: op,
      inputs: [m.operand(type, [n, h, w, c], q), int32Constant([oh, ow])],
      outputs: [m.operand(type, [n, oh, ow, c], q)],
      optionsType,
      options: [{ slot: S.align_corners, kind: "bool", value: mode === 1 }, { slot: S.half_pixel_centers, kind: "bool", value: mode === 2 }],
      xnnpackOnly: op === B.RESIZE_BILINEAR && type === T.INT8,
    });
  }
  return cases;
}

OPERATOR_GROUPS.push({ name: "resize", seed: 53, cases: 12, make: resizes });

function matrixOps(m: CaseMaker, k: number): OperatorCase[] {
  const cases: OperatorCase[] = [];
  const shape = m.shape(m.int(1, 4), 1, 6);
  cases.push({ label: `L2_NORMALIZATION FLOAT32 [${shape}]`, builtin: B.L2_NORMALIZATION, inputs: [{ shape, type: T.FLOAT32 }], outputs: [{ shape, type: T.FLOAT32 }] });
  cases.push({ label: `LOG_SOFTMAX FLOAT32 [${shape}]`, builtin: B.LOG_SOFTMAX, inputs: [{ shape, type: T.FLOAT32 }], outputs: [{ shape, type: T.FLOAT32 }], range: [-8, 8] });
  {
    const type = k % 2 ? T.INT8 : T.FLOAT32;
    const [mm, kk, nn] = [m.int(1, 5), m.int(1, 8), m.int(1, 5)];
    const [ba, bb, by] = m.broadcastPair(m.int(0, 2) || 1);
    const noBatch = m.next() < 0.25;
    const [adjX, adjY] = [m.next() < 0.5, m.next() < 0.5];
    const aShape = [...(noBatch ? [] : ba), ...(adjX ? [kk, mm] : [mm, kk])];
    const bShape = [...(noBatch ? [] : bb), ...(adjY ? [nn, kk] : [kk, nn])];
    const yShape = [...(noBatch ? [] : by), mm, nn];
    const qy = { scale: [Math.fround(0.05 + m.next() * 0.3)], zeroPoint: [m.int(-20, 20)] };
    cases.push({
      label: `BATCH_MATMUL ${T[type]} [${aShape}] × [${bShape}] adj ${adjX} ${adjY}`,
      builtin: B.BATCH_MATMUL,
      inputs: [m.operand(type, aShape), m.operand(type, bShape, type === T.INT8 ? { scale: [Math.fround(0.01 + m.next() * 0.05)], zeroPoint: [0] } : undefined)],
      outputs: [m.operand(type, yShape, qy)],
      optionsType: O.BatchMatMulOptions,
      options: [{ slot: F.BatchMatMulOptions.adj_x, kind: "bool", value: adjX }, { slot: F.BatchMatMulOptions.adj_y, kind: "bool", value: adjY }],
      xnnpackOnly: type === T.INT8,
    });
  }
  return cases;
}

OPERATOR_GROUPS.push({ name: "normalization and BATCH_MATMUL", seed: 67, cases: 10, make: matrixOps });

/**
 * per-tensor weights, inputs quantized symmetrically or asymmetrically (per-channel weights are checked unit by unit
 * in hybrid-differential.test.ts: tfjs-tflite outputs the bias alone for them)
 */
function hybridOps(m: CaseMaker): OperatorCase[] {
  const [batches, depth, units] = [m.int(1, 3), m.int(1, 12), m.int(1, 6)];
  const weights = Array.from({ length: units * depth }, () => m.int(-127, 127));
  const scale = Array.from({ length: 1 }, () => Math.fround(0.002 + m.next() * 0.02));
  const activation = m.pick([0, 1, 3]);
  const asymmetric = m.next() < 0.5;
  return [
    {
      label: `FULLY_CONNECTED hybrid [${batches},${depth}] × ${units} ${asymmetric ? "asymmetric" : "symmetric"} activation ${activation}`,
      builtin: B.FULLY_CONNECTED,
      inputs: [{ shape: [batches, depth], type: T.FLOAT32 }, { shape: [units, depth], type: T.INT8, values: weights, quantization: { scale, zeroPoint: scale.map(() => 0) } }, { shape: [units], type: T.FLOAT32, values: Array.from({ length: units }, () => Math.fround(m.next() - 0.5)) }],
      outputs: [{ shape: [batches, units], type: T.FLOAT32 }],
      optionsType: O.FullyConnectedOptions,
      options: [
        { slot: F.FullyConnectedOptions.fused_activation_function, kind: "int8", value: activation },
        { slot: F.FullyConnectedOptions.asymmetric_quantize_inputs, kind: "bool", value: asymmetric },
      ],
    },
  ];
}

/** per-tensor filters (symmetric input quantization) or per-channel ones (asymmetric, TFLite's EvalHybridPerChannel), dilated or not */
function hybridConv(m: CaseMaker, k: number): OperatorCase[] {
  const [n, h, w, c, oc, kh, kw] = [m.int(1, 2), m.int(1, 7), m.int(1, 7), m.int(1, 4), m.int(1, 4), m.int(1, 3), m.int(1, 3)];
  const [sh, sw] = [m.int(1, 2), m.int(1, 2)];
  const dil = m.pick([1, 1, 2]);
  const perChannel = k % 2 === 1 && oc > 1;
  const same = m.next() < 0.5;
  const out = (size: number, f: number, s: number) => (same ? Math.ceil(size / s) : Math.floor((size - ((f - 1) * dil + 1) + s) / s));
  const [oh, ow] = [out(h, kh, sh), out(w, kw, sw)];
  if (oh < 1 || ow < 1) return [];
  const activation = m.pick([0, 1, 3]);
  const scale = Array.from({ length: perChannel ? oc : 1 }, () => Math.fround(0.002 + m.next() * 0.02));
  const S = F.Conv2DOptions;
  return [
    {
      label: `CONV_2D hybrid [${n},${h},${w},${c}] ${kh}×${kw}×${oc} ${perChannel ? "per-channel" : "per-tensor"} stride ${sh},${sw} dilation ${dil} ${same ? "SAME" : "VALID"} activation ${activation}`,
      builtin: B.CONV_2D,
      inputs: [
        { shape: [n, h, w, c], type: T.FLOAT32 },
        { shape: [oc, kh, kw, c], type: T.INT8, values: Array.from({ length: oc * kh * kw * c }, () => m.int(-127, 127)), quantization: { scale, zeroPoint: scale.map(() => 0), quantizedDimension: 0 } },
        { shape: [oc], type: T.FLOAT32, values: Array.from({ length: oc }, () => Math.fround(m.next() - 0.5)) },
      ],
      outputs: [{ shape: [n, oh, ow, oc], type: T.FLOAT32 }],
      optionsType: O.Conv2DOptions,
      options: [
        { slot: S.padding, kind: "int8", value: same ? 0 : 1 },
        { slot: S.stride_w, kind: "int32", value: sw },
        { slot: S.stride_h, kind: "int32", value: sh },
        { slot: S.dilation_w_factor, kind: "int32", value: dil },
        { slot: S.dilation_h_factor, kind: "int32", value: dil },
        { slot: S.fused_activation_function, kind: "int8", value: activation },
      ],
    },
  ];
}

OPERATOR_GROUPS.push({ name: "hybrid FULLY_CONNECTED", seed: 83, cases: 12, make: hybridOps }, { name: "hybrid CONV_2D", seed: 89, cases: 14, make: hybridConv });

/** random 8-bit quantization of `type` (uint8 zero points around 128) */
function quant8(m: CaseMaker, type: T, scale?: number): { scale: number[]; zeroPoint: number[] } {
  const q = m.quant();
  if (scale !== undefined) q.scale[0] = Math.fround(scale);
  if (type === T.UINT8) q.zeroPoint[0] += 128;
  return q;
}

/**
 * int8 and uint8 ADD, SUB and MUL with broadcasting and fused activations: tfjs-tflite runs them through XNNPACK's
 * vadd / vmul, so the xnnpack arithmetic only. Output scales from a tenth to ten times the inputs' (the add
 * multipliers' exponent moves with the larger ratio) and, one case in four, a ratio outside what the delegate takes
 * (TFLite's own kernel: both arithmetics).
 */
function eightBitArithmetic(m: CaseMaker, k: number): OperatorCase[] {
  const cases: OperatorCase[] = [];
  const type = k % 3 === 0 ? T.UINT8 : T.INT8;
  for (const [op, name, optionsType, slot] of [
    [B.ADD, "ADD", O.AddOptions, F.AddOptions.fused_activation_function],
    [B.SUB, "SUB", O.SubOptions, F.SubOptions.fused_activation_function],
    [B.MUL, "MUL", O.MulOptions, F.MulOptions.fused_activation_function],
  ] as const) {
    // one case in four: [n] + [n] with n in the hundreds, equal input scales and an output scale of exactly twice
    // theirs (a residual connection): halves are common there, and XNNPACK rounds them up where TFLite's reference
    // kernel rounds them away from zero
    const residual = k % 4 === 1;
    const [a, b, y] = residual ? [[m.int(200, 900)], [], []].map((_, i, all) => all[0]) : m.broadcastPair(m.int(1, 4));
    const qa = quant8(m, type);
    const qb = residual ? { scale: [...qa.scale], zeroPoint: [qa.zeroPoint[0] + m.int(-5, 5)] } : quant8(m, type);
    const ratio = k % 4 === 3 ? m.pick([1 / 3000, 400]) : residual ? 2 : 0.1 * 100 ** m.next();
    const base = op === B.MUL ? qa.scale[0] * qb.scale[0] : Math.max(qa.scale[0], qb.scale[0]);
    const qy = quant8(m, type, base * ratio);
    const activation = m.pick([0, 1, 3]);
    // a ratio the delegate refuses (ADD/SUB: below 2^-10 or from 2^8; MUL: from 2^8) leaves the operator to TFLite's
    // own kernel: then both arithmetics are the reference one and compare with tfjs-tflite
    const refused = k % 4 === 3 && (op !== B.MUL || ratio > 1);
    cases.push({
      label: `${name} ${T[type]} [${a}] [${b}] output scale ×${ratio.toPrecision(3)} activation ${activation}`,
      builtin: op,
      inputs: [m.operand(type, a, qa), m.operand(type, b, qb)],
      outputs: [m.operand(type, y, qy)],
      optionsType,
      options: [{ slot, kind: "int8", value: activation }],
      xnnpackOnly: !refused,
    });
  }
  return cases;
}

OPERATOR_GROUPS.push({ name: "int8 and uint8 ADD, SUB, MUL (xnnpack)", seed: 97, cases: 16, make: eightBitArithmetic });

/**
 * CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED of `type`: uint8 with uint8 weights (asymmetric, the classic quantized
 * MobileNets) or int8 with per-channel int8 weights. With the bias quantized as converters write it (input scale ×
 * filter scale) the XNNPACK delegate takes them; with a bias that has no quantization parameters it leaves them to
 * TFLite's own kernels, whose arithmetic is the reference one (which the xnnpack arithmetic then follows too).
 */
function convolutions(m: CaseMaker, type: T, quantizedBias: boolean): OperatorCase[] {
  const cases: OperatorCase[] = [];
  // without bias quantization tfjs-tflite's delegate still takes int8 CONV_2D and FULLY_CONNECTED (see
  // xnnpackTakesBias): those compare in the xnnpack arithmetic only
  const xnnpackOnly = quantizedBias;
  const int8Taken = quantizedBias || type === T.INT8;
  const act = (shape: number[], q = quant8(m, type)) => m.operand(type, shape, q);
  /** weights: uint8 around a zero point near 128, or int8 symmetric with a scale per channel along `axis` */
  const weights = (shape: number[], axis: number) => {
    const count = shape.reduce((p, d) => p * d, 1);
    if (type === T.UINT8) return { shape, type, values: Array.from({ length: count }, () => m.int(0, 255)), quantization: { scale: [Math.fround(0.002 + m.next() * 0.02)], zeroPoint: [m.int(100, 160)] } };
    const scale = Array.from({ length: shape[axis] }, () => Math.fround(0.002 + m.next() * 0.02));
    return { shape, type, values: Array.from({ length: count }, () => m.int(-127, 127)), quantization: { scale, zeroPoint: scale.map(() => 0), quantizedDimension: axis } };
  };
  const convInputs = (xShape: number[], wShape: number[], axis: number) => {
    const x = act(xShape);
    const w = weights(wShape, axis);
    const channels = wShape[axis];
    const bias = {
      shape: [channels],
      type: T.INT32,
      values: Array.from({ length: channels }, () => m.int(-3000, 3000)),
      quantization: quantizedBias ? { scale: w.quantization.scale.map((s) => Math.fround(x.quantization!.scale[0] * s)), zeroPoint: w.quantization.scale.map(() => 0) } : undefined,
    };
    return [x, w, bias];
  };
  const name = `${T[type]}${quantizedBias ? "" : " (bias without quantization)"}`;
  const activation = m.pick([0, 1, 3]);
  const [n, h, w, c, kh, kw] = [m.int(1, 2), m.int(2, 9), m.int(2, 9), m.int(1, 20), m.int(1, 3), m.int(1, 3)];
  const [sh, sw] = [m.int(1, 2), m.int(1, 2)];
  const same = m.next() < 0.5;
  const out = (size: number, f: number, s: number) => (same ? Math.ceil(size / s) : Math.floor((size - f + s) / s));
  const [oh, ow] = [out(h, kh, sh), out(w, kw, sw)];
  const outQ = () => quant8(m, type, 0.05 + m.next() * 0.3);
  if (oh > 0 && ow > 0) {
    const oc = m.int(1, 24);
    const S = F.Conv2DOptions;
    cases.push({
      label: `CONV_2D ${name} [${n},${h},${w},${c}] ${kh}×${kw}×${oc} stride ${sh},${sw} ${same ? "SAME" : "VALID"} activation ${activation}`,
      builtin: B.CONV_2D,
      inputs: convInputs([n, h, w, c], [oc, kh, kw, c], 0),
      outputs: [act([n, oh, ow, oc], outQ())],
      optionsType: O.Conv2DOptions,
      options: [{ slot: S.padding, kind: "int8", value: same ? 0 : 1 }, { slot: S.stride_w, kind: "int32", value: sw }, { slot: S.stride_h, kind: "int32", value: sh }, { slot: S.fused_activation_function, kind: "int8", value: activation }],
      xnnpackOnly: int8Taken,
    });
    // depth multiplier 1 (the WebAssembly loop), 8 (its other case) or 2 (plain JavaScript)
    const dm = m.pick([1, 1, 8, 2]);
    const D = F.DepthwiseConv2DOptions;
    cases.push({
      label: `DEPTHWISE_CONV_2D ${name} [${n},${h},${w},${c}] ${kh}×${kw} ×${dm} stride ${sh},${sw} ${same ? "SAME" : "VALID"} activation ${activation}`,
      builtin: B.DEPTHWISE_CONV_2D,
      inputs: convInputs([n, h, w, c], [1, kh, kw, c * dm], 3),
      outputs: [act([n, oh, ow, c * dm], outQ())],
      optionsType: O.DepthwiseConv2DOptions,
      options: [{ slot: D.padding, kind: "int8", value: same ? 0 : 1 }, { slot: D.stride_w, kind: "int32", value: sw }, { slot: D.stride_h, kind: "int32", value: sh }, { slot: D.depth_multiplier, kind: "int32", value: dm }, { slot: D.fused_activation_function, kind: "int8", value: activation }],
      xnnpackOnly,
    });
  }
  {
    const [batches, depth, units] = [m.int(1, 3), m.int(1, 40), m.int(1, 12)];
    cases.push({
      label: `FULLY_CONNECTED ${name} [${batches},${depth}] × ${units} activation ${activation}`,
      builtin: B.FULLY_CONNECTED,
      inputs: convInputs([batches, depth], [units, depth], 0),
      outputs: [act([batches, units], outQ())],
      optionsType: O.FullyConnectedOptions,
      options: [{ slot: F.FullyConnectedOptions.fused_activation_function, kind: "int8", value: activation }],
      xnnpackOnly: int8Taken,
    });
  }
  return cases;
}

/**
 * uint8 convolutions as the delegate takes them (convolutions above), an 8-bit requantizing QUANTIZE (int8 → int8,
 * uint8 → uint8) and uint8 RESIZE_BILINEAR, as tfjs-tflite runs them through XNNPACK: the xnnpack arithmetic only.
 */
function uint8Convolutions(m: CaseMaker, k: number): OperatorCase[] {
  const cases = convolutions(m, T.UINT8, true);
  {
    const type = k % 2 ? T.UINT8 : T.INT8;
    const shape = m.shape(m.int(1, 4));
    const qx = quant8(m, type);
    // ratios inside the delegate's [2^-8, 2^7) and, one case in four, outside (TFLite's own kernel then)
    const ratio = k % 4 === 3 ? m.pick([1 / 400, 200]) : 2 ** (m.next() * 10 - 6);
    cases.push({ label: `QUANTIZE ${T[type]} → ${T[type]} [${shape}] ratio ${ratio.toPrecision(3)}`, builtin: B.QUANTIZE, inputs: [m.operand(type, shape, qx)], outputs: [m.operand(type, shape, quant8(m, type, qx.scale[0] / ratio))], xnnpackOnly: true });
  }
  {
    const [h2, w2, c2] = [m.int(1, 6), m.int(1, 6), m.int(1, 4)];
    const [oh2, ow2] = [m.int(1, 12), m.int(1, 12)];
    const mode = m.int(0, 2);
    const q = quant8(m, T.UINT8);
    const R = F.ResizeBilinearOptions;
    cases.push({
      label: `RESIZE_BILINEAR UINT8 [1,${h2},${w2},${c2}] → ${oh2}×${ow2} ${["plain", "align_corners", "half_pixel_centers"][mode]}`,
      builtin: B.RESIZE_BILINEAR,
      inputs: [m.operand(T.UINT8, [1, h2, w2, c2], q), int32Constant([oh2, ow2])],
      outputs: [m.operand(T.UINT8, [1, oh2, ow2, c2], q)],
      optionsType: O.ResizeBilinearOptions,
      options: [{ slot: R.align_corners, kind: "bool", value: mode === 1 }, { slot: R.half_pixel_centers, kind: "bool", value: mode === 2 }],
      xnnpackOnly: true,
    });
  }
  return cases;
}

OPERATOR_GROUPS.push({ name: "uint8 convolutions, 8-bit QUANTIZE, uint8 RESIZE_BILINEAR (xnnpack)", seed: 101, cases: 16, make: uint8Convolutions });

OPERATOR_GROUPS.push({
  name: "int8 and uint8 convolutions that TFLite's own kernels run (bias without quantization)",
  seed: 103,
  cases: 12,
  make: (m, k) => convolutions(m, k % 2 ? T.UINT8 : T.INT8, false),
});

/**
 * 8-bit pooling and activations (int8 and uint8): AVERAGE_POOL_2D and MAX_POOL_2D with padding and fused
 * activations, LOGISTIC, TANH, SOFTMAX (with beta) in both arithmetics, and LEAKY_RELU, which tfjs-tflite runs
 * through XNNPACK's own rescaling (the xnnpack arithmetic only).
 */
function eightBitPoolingAndActivations(m: CaseMaker, k: number): OperatorCase[] {
  const type = k % 2 ? T.UINT8 : T.INT8;
  const cases: OperatorCase[] = [];
  const [n, h, w, c] = [m.int(1, 2), m.int(1, 9), m.int(1, 9), m.int(1, 12)];
  const [fh, fw, sh, sw] = [m.int(1, 3), m.int(1, 3), m.int(1, 2), m.int(1, 2)];
  const same = m.next() < 0.5;
  const out = (size: number, f: number, s: number) => (same ? Math.ceil(size / s) : Math.floor((size - f + s) / s));
  const [oh, ow] = [out(h, fh, sh), out(w, fw, sw)];
  if (oh > 0 && ow > 0) {
    const q = quant8(m, type);
    const P = F.Pool2DOptions;
    for (const [op, name] of [[B.AVERAGE_POOL_2D, "AVERAGE_POOL_2D"], [B.MAX_POOL_2D, "MAX_POOL_2D"]] as const) {
      const activation = m.pick([0, 1, 3]);
      cases.push({
        label: `${name} ${T[type]} [${n},${h},${w},${c}] ${fh}×${fw} stride ${sh},${sw} ${same ? "SAME" : "VALID"} activation ${activation}`,
        builtin: op,
        inputs: [m.operand(type, [n, h, w, c], q)],
        outputs: [m.operand(type, [n, oh, ow, c], q)],
        optionsType: O.Pool2DOptions,
        options: [{ slot: P.padding, kind: "int8", value: same ? 0 : 1 }, { slot: P.stride_w, kind: "int32", value: sw }, { slot: P.stride_h, kind: "int32", value: sh }, { slot: P.filter_width, kind: "int32", value: fw }, { slot: P.filter_height, kind: "int32", value: fh }, { slot: P.fused_activation_function, kind: "int8", value: activation }],
      });
    }
  }
  const shape = m.shape(m.int(1, 3), 1, 12);
  const base = type === T.UINT8 ? 0 : -128;
  // LOGISTIC and SOFTMAX outputs as TFLite requires them: scale 1/256, zero point at the type's minimum
  const unit = { scale: [1 / 256], zeroPoint: [base] };
  cases.push({ label: `LOGISTIC ${T[type]} [${shape}]`, builtin: B.LOGISTIC, inputs: [m.operand(type, shape, quant8(m, type, 0.02 + m.next() * 0.1))], outputs: [m.operand(type, shape, unit)] });
  cases.push({ label: `TANH ${T[type]} [${shape}]`, builtin: B.TANH, inputs: [m.operand(type, shape, quant8(m, type, 0.02 + m.next() * 0.1))], outputs: [m.operand(type, shape, { scale: [1 / 128], zeroPoint: [base + 128] })] });
  const beta = m.pick([1, 0.5, 2]);
  cases.push({ label: `SOFTMAX ${T[type]} [${shape}] beta ${beta}`, builtin: B.SOFTMAX, inputs: [m.operand(type, shape, quant8(m, type, 0.02 + m.next() * 0.2))], outputs: [m.operand(type, shape, unit)], optionsType: O.SoftmaxOptions, options: [{ slot: F.SoftmaxOptions.beta, kind: "float32", value: beta }] });
  const alpha = Math.fround(m.pick([0.1, 0.2, 0.3]));
  cases.push({ label: `LEAKY_RELU ${T[type]} [${shape}] alpha ${alpha}`, builtin: B.LEAKY_RELU, inputs: [m.operand(type, shape, quant8(m, type))], outputs: [m.operand(type, shape, quant8(m, type))], optionsType: O.LeakyReluOptions, options: [{ slot: F.LeakyReluOptions.alpha, kind: "float32", value: alpha }], xnnpackOnly: true });
  return cases;
}

OPERATOR_GROUPS.push({ name: "8-bit pooling and activations", seed: 107, cases: 12, make: eightBitPoolingAndActivations });

/** int8 TRANSPOSE_CONV with per-tensor or per-channel weights and a quantized bias. */
function transposeConvolutions(m: CaseMaker, k: number): OperatorCase[] {
  const [n, h, w, c, oc, kh, kw, sh, sw] = [m.int(1, 2), m.int(1, 6), m.int(1, 6), m.int(1, 8), m.int(1, 8), m.int(1, 3), m.int(1, 3), m.int(1, 2), m.int(1, 2)];
  const same = m.next() < 0.5;
  const [oh, ow] = same ? [h * sh, w * sw] : [(h - 1) * sh + kh, (w - 1) * sw + kw];
  const perChannel = k % 2 === 1;
  const qx = quant8(m, T.INT8);
  const scale = Array.from({ length: perChannel ? oc : 1 }, () => Math.fround(0.002 + m.next() * 0.02));
  const S = F.TransposeConvOptions;
  return [
    {
      label: `TRANSPOSE_CONV INT8 [${n},${h},${w},${c}] ${kh}×${kw}×${oc} stride ${sh},${sw} ${same ? "SAME" : "VALID"} ${perChannel ? "per-channel" : "per-tensor"}`,
      builtin: B.TRANSPOSE_CONV,
      inputs: [
        int32Constant([n, oh, ow, oc]),
        { shape: [oc, kh, kw, c], type: T.INT8, values: Array.from({ length: oc * kh * kw * c }, () => m.int(-127, 127)), quantization: { scale, zeroPoint: scale.map(() => 0), quantizedDimension: 0 } },
        m.operand(T.INT8, [n, h, w, c], qx),
        { shape: [oc], type: T.INT32, values: Array.from({ length: oc }, () => m.int(-2000, 2000)), quantization: { scale: Array.from({ length: oc }, (_, i) => Math.fround(qx.scale[0] * scale[perChannel ? i : 0])), zeroPoint: new Array<number>(oc).fill(0) } },
      ],
      outputs: [m.operand(T.INT8, [n, oh, ow, oc], quant8(m, T.INT8, 0.05 + m.next() * 0.2))],
      optionsType: O.TransposeConvOptions,
      options: [{ slot: S.padding, kind: "int8", value: same ? 0 : 1 }, { slot: S.stride_w, kind: "int32", value: sw }, { slot: S.stride_h, kind: "int32", value: sh }],
    },
  ];
}

OPERATOR_GROUPS.push({ name: "int8 TRANSPOSE_CONV", seed: 109, cases: 10, make: transposeConvolutions });

/** int16 activation quantization as TFLite's int16x8 kernels require: zero point 0, the given scale */
const q16 = (scale: number) => ({ scale: [Math.fround(scale)], zeroPoint: [0] });

/**
 * int16x8 (int16 activations, int8 weights) LOGISTIC, TANH, SOFTMAX and TRANSPOSE_CONV. XNNPACK takes no int16, so
 * tfjs-tflite runs TFLite's optimized builtin kernels: the same arithmetic as the reference ones except LOGISTIC and
 * TANH with a power-of-two input scale (gemmlowp's fixed-point functions there, the sigmoid table in the reference
 * kernels) and SOFTMAX (whose tables tfjs-tflite's older TFLite computes in double precision): those compare in the
 * xnnpack arithmetic only (int16-activations.test.ts checks the reference kernels).
 */
function int16x8Operators(m: CaseMaker, k: number): OperatorCase[] {
  const cases: OperatorCase[] = [];
  const shape = m.shape(m.int(1, 3), 1, 12);
  // input scales: a power of two one case in three (2^-12; for TANH also 2^-11), otherwise from ±1.6 to ±65 full scale
  const pot = k % 3 === 0;
  const randomScale = () => 2 ** (m.next() * 5.3 - 14.3);
  const out = q16(2 ** -15);
  {
    const s = pot ? 2 ** -12 : randomScale();
    cases.push({ label: `LOGISTIC INT16 [${shape}] input scale ${s.toPrecision(4)}`, builtin: B.LOGISTIC, inputs: [{ shape, type: T.INT16, quantization: q16(s) }], outputs: [{ shape, type: T.INT16, quantization: out }], xnnpackOnly: pot });
  }
  {
    const s = pot ? m.pick([2 ** -12, 2 ** -11]) : randomScale();
    cases.push({ label: `TANH INT16 [${shape}] input scale ${s.toPrecision(4)}`, builtin: B.TANH, inputs: [{ shape, type: T.INT16, quantization: q16(s) }], outputs: [{ shape, type: T.INT16, quantization: out }], xnnpackOnly: pot });
  }
  {
    const s = 2 ** (m.next() * 6 - 14);
    const beta = m.pick([1, 0.5, 2]);
    cases.push({ label: `SOFTMAX INT16 [${shape}] input scale ${s.toPrecision(4)} beta ${beta}`, builtin: B.SOFTMAX, inputs: [{ shape, type: T.INT16, quantization: q16(s) }], outputs: [{ shape, type: T.INT16, quantization: q16(1 / 32768) }], optionsType: O.SoftmaxOptions, options: [{ slot: F.SoftmaxOptions.beta, kind: "float32", value: beta }], xnnpackOnly: true });
  }
  {
    const [n, h, w, c, oc, kh, kw, sh, sw] = [m.int(1, 2), m.int(1, 6), m.int(1, 6), m.int(1, 8), m.int(1, 8), m.int(1, 3), m.int(1, 3), m.int(1, 2), m.int(1, 2)];
    const same = m.next() < 0.5;
    const [oh, ow] = same ? [h * sh, w * sw] : [(h - 1) * sh + kh, (w - 1) * sw + kw];
    const perChannel = k % 2 === 1;
    const sx = Math.fround(0.0001 + m.next() * 0.001);
    const scale = Array.from({ length: perChannel ? oc : 1 }, () => Math.fround(0.002 + m.next() * 0.02));
    const S = F.TransposeConvOptions;
    cases.push({
      label: `TRANSPOSE_CONV INT16x8 [${n},${h},${w},${c}] ${kh}×${kw}×${oc} stride ${sh},${sw} ${same ? "SAME" : "VALID"} ${perChannel ? "per-channel" : "per-tensor"}`,
      builtin: B.TRANSPOSE_CONV,
      inputs: [
        int32Constant([n, oh, ow, oc]),
        { shape: [oc, kh, kw, c], type: T.INT8, values: Array.from({ length: oc * kh * kw * c }, () => m.int(-127, 127)), quantization: { scale, zeroPoint: scale.map(() => 0), quantizedDimension: 0 } },
        { shape: [n, h, w, c], type: T.INT16, quantization: q16(sx) },
        { shape: [oc], type: T.INT64, values: Array.from({ length: oc }, () => m.int(-200000, 200000)), quantization: { scale: Array.from({ length: oc }, (_, i) => Math.fround(sx * scale[perChannel ? i : 0])), zeroPoint: new Array<number>(oc).fill(0) } },
      ],
      outputs: [{ shape: [n, oh, ow, oc], type: T.INT16, quantization: q16(0.002 + m.next() * 0.02) }],
      optionsType: O.TransposeConvOptions,
      options: [{ slot: S.padding, kind: "int8", value: same ? 0 : 1 }, { slot: S.stride_w, kind: "int32", value: sw }, { slot: S.stride_h, kind: "int32", value: sh }],
    });
  }
  return cases;
}

OPERATOR_GROUPS.push({ name: "int16x8 LOGISTIC, TANH, SOFTMAX, TRANSPOSE_CONV", seed: 113, cases: 24, make: int16x8Operators });

OPERATOR_GROUPS.push(...INT16_OPERATOR_GROUPS, ...DTYPE_COVERAGE_GROUPS, ...CORE_OPERATOR_GROUPS);
