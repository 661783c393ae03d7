/**
 * Operator and dtype pairs the other groups leave out, found by the audit of docs/TFLITE-OPERATORS.md: uint8 binary
 * operators, comparisons, reductions and activations, int8 / uint8 L2_NORMALIZATION, uint8 CONCATENATION of inputs
 * quantized apart, uint8 TRANSPOSE_CONV, int16 resize, ABS, PACK and SPLIT, uint8 and int16 shape operators.
 */
import { B, O, F, T, int32Constant, type CaseMaker, type OperatorCase } from "./operator-cases";
import type { OperatorGroup } from "./operator-groups";

function quant8(m: CaseMaker, type: T, scale?: number): { scale: number[]; zeroPoint: number[] } {
  const q = m.quant();
  if (scale !== undefined) q.scale[0] = Math.fround(scale);
  if (type === T.UINT8) q.zeroPoint[0] += 128;
  return q;
}

const COMPARISONS = [
  [B.EQUAL, "EQUAL"],
  [B.NOT_EQUAL, "NOT_EQUAL"],
  [B.LESS, "LESS"],
  [B.LESS_EQUAL, "LESS_EQUAL"],
  [B.GREATER, "GREATER"],
  [B.GREATER_EQUAL, "GREATER_EQUAL"],
] as const;

function uint8Operators(m: CaseMaker, k: number): OperatorCase[] {
  const cases: OperatorCase[] = [];
  const u8 = (shape: number[], q = quant8(m, T.UINT8)) => m.operand(T.UINT8, shape, q);
  const [a, b, y] = m.broadcastPair(m.int(1, 4));
  const q = quant8(m, T.UINT8);
  for (const [op, name] of [[B.MAXIMUM, "MAXIMUM"], [B.MINIMUM, "MINIMUM"]] as const) cases.push({ label: `${name} UINT8 [${a}] [${b}]`, builtin: op, inputs: [u8(a, q), u8(b, q)], outputs: [u8(y, q)] });
  const [op, name] = COMPARISONS[k % COMPARISONS.length];
  const qb = k % 2 ? q : quant8(m, T.UINT8);
  cases.push({ label: `${name} UINT8 [${a}] [${b}]`, builtin: op, inputs: [u8(a, q), u8(b, qb)], outputs: [{ shape: y, type: T.BOOL }] });
  cases.push({ label: `SELECT_V2 UINT8 [${y}] [${a}] [${b}]`, builtin: B.SELECT_V2, inputs: [{ shape: y, type: T.BOOL }, u8(a, q), u8(b, q)], outputs: [u8(y, q)] });
  const shape = m.shape(m.int(1, 4), 1, 6);
  const channels = shape[shape.length - 1];
  cases.push({
    label: `PRELU UINT8 [${shape}]`,
    builtin: B.PRELU,
    inputs: [u8(shape), { ...u8([channels]), values: Array.from({ length: channels }, () => m.int(0, 255)) }],
    outputs: [u8(shape)],
  });
  cases.push({ label: `RELU_N1_TO_1 UINT8 [${shape}]`, builtin: B.RELU_N1_TO_1, inputs: [u8(shape)], outputs: [u8(shape)] });
  const axis = m.int(0, shape.length - 1);
  cases.push({
    label: `ARG_MAX UINT8 [${shape}] axis ${axis}`,
    builtin: B.ARG_MAX,
    inputs: [u8(shape), int32Constant([axis], [])],
    outputs: [{ shape: shape.filter((_, i) => i !== axis), type: T.INT32 }],
    optionsType: O.ArgMaxOptions,
    options: [{ slot: F.ArgMaxOptions.output_type, kind: "int8", value: T.INT32 }],
  });
  const keep = k % 2 === 0;
  const reduced = keep ? shape.map((d, i) => (i === axis ? 1 : d)) : shape.filter((_, i) => i !== axis);
  for (const [rop, rname, same] of [[B.REDUCE_MAX, "REDUCE_MAX", true], [B.REDUCE_MIN, "REDUCE_MIN", true], [B.MEAN, "MEAN", false]] as const) {
    const qx = quant8(m, T.UINT8);
    cases.push({ label: `${rname} UINT8 [${shape}] axis ${axis} keep ${keep}`, builtin: rop, inputs: [u8(shape, qx), int32Constant([axis])], outputs: [u8(reduced, same ? qx : undefined)], optionsType: O.ReducerOptions, options: [{ slot: F.ReducerOptions.keep_dims, kind: "bool", value: keep }] });
  }
  {
    const beta = m.pick([1, 0.5, 2]);
    cases.push({
      label: `SOFTMAX INT8 → INT16 [${shape}] beta ${beta}`,
      builtin: B.SOFTMAX,
      inputs: [m.operand(T.INT8, shape, quant8(m, T.INT8, 0.02 + m.next() * 0.2))],
      outputs: [{ shape, type: T.INT16, quantization: { scale: [1 / 65536], zeroPoint: [-32768] } }],
      optionsType: O.SoftmaxOptions,
      options: [{ slot: F.SoftmaxOptions.beta, kind: "float32", value: beta }],
    });
  }
  for (const type of [T.INT8, T.UINT8]) {
    cases.push({ label: `L2_NORMALIZATION ${T[type]} [${shape}]`, builtin: B.L2_NORMALIZATION, inputs: [m.operand(type, shape, quant8(m, type))], outputs: [m.operand(type, shape, { scale: [1 / 128], zeroPoint: [type === T.UINT8 ? 128 : 0] })] });
  }
  {
    // uint8 CONCATENATION of inputs quantized apart: XNNPACK's delegate (2 to 4 inputs) copies them unscaled, TFLite's
    // kernel (5 and more) rescales them as the reference kernel does
    const count = 2 + (k % 5);
    const cshape = m.shape(m.int(1, 3), 1, 4);
    const caxis = m.int(0, cshape.length - 1);
    const parts = Array.from({ length: count }, () => cshape.map((d, i) => (i === caxis ? m.int(1, 3) : d)));
    cases.push({
      label: `CONCATENATION UINT8 ${count} inputs quantized apart, axis ${caxis}`,
      builtin: B.CONCATENATION,
      inputs: parts.map((p) => u8(p)),
      outputs: [u8(cshape.map((d, i) => (i === caxis ? parts.reduce((s, p) => s + p[i], 0) : d)))],
      optionsType: O.ConcatenationOptions,
      options: [{ slot: F.ConcatenationOptions.axis, kind: "int32", value: caxis }],
      xnnpackOnly: count <= 4,
    });
  }
  {
    // uint8 TRANSPOSE_CONV: uint8 weights around a zero point near 128, a bias quantized at input × weight scale
    const [tn, th, tw, tc, toc, kh, kw, sh, sw] = [m.int(1, 2), m.int(1, 5), m.int(1, 5), m.int(1, 6), m.int(1, 6), m.int(1, 3), m.int(1, 3), m.int(1, 2), m.int(1, 2)];
    const same = m.next() < 0.5;
    const [oh, ow] = same ? [th * sh, tw * sw] : [(th - 1) * sh + kh, (tw - 1) * sw + kw];
    const qx = quant8(m, T.UINT8);
    const ws = Math.fround(0.002 + m.next() * 0.02);
    const S = F.TransposeConvOptions;
    cases.push({
      label: `TRANSPOSE_CONV UINT8 [${tn},${th},${tw},${tc}] ${kh}×${kw}×${toc} stride ${sh},${sw} ${same ? "SAME" : "VALID"}`,
      builtin: B.TRANSPOSE_CONV,
      inputs: [
        int32Constant([tn, oh, ow, toc]),
        { shape: [toc, kh, kw, tc], type: T.UINT8, values: Array.from({ length: toc * kh * kw * tc }, () => m.int(0, 255)), quantization: { scale: [ws], zeroPoint: [m.int(100, 160)] } },
        u8([tn, th, tw, tc], qx),
        { shape: [toc], type: T.INT32, values: Array.from({ length: toc }, () => m.int(-3000, 3000)), quantization: { scale: new Array<number>(toc).fill(Math.fround(qx.scale[0] * ws)), zeroPoint: new Array<number>(toc).fill(0) } },
      ],
      // tfjs-tflite's TFLite refuses a uint8 one whose bias scale exceeds 2 % of the output scale (measured: its
      // kernel_util check "scale_diff / output_scale <= 0.02" fails there even with the bias at input × weight
      // scale), so output scales of at least 60 bias scales
      outputs: [u8([tn, oh, ow, toc], quant8(m, T.UINT8, Math.max(0.02 + m.next() * 0.05, 60 * qx.scale[0] * ws)))],
      optionsType: O.TransposeConvOptions,
      options: [{ slot: S.padding, kind: "int8", value: same ? 0 : 1 }, { slot: S.stride_w, kind: "int32", value: sw }, { slot: S.stride_h, kind: "int32", value: sh }],
    });
  }
  return cases;
}

function int16Movement(m: CaseMaker, k: number): OperatorCase[] {
  const cases: OperatorCase[] = [];
  const q = { scale: [Math.fround(2 ** (m.next() * 6 - 15))], zeroPoint: [0] };
  const i16 = (shape: number[]) => ({ shape, type: T.INT16, quantization: q });
  const [n, h, w, c] = [m.int(1, 2), m.int(1, 5), m.int(1, 5), m.int(1, 3)];
  const [oh, ow] = [m.int(1, 10), m.int(1, 10)];
  const mode = m.int(0, 2);
  const R = F.ResizeNearestNeighborOptions;
  cases.push({
    label: `RESIZE_NEAREST_NEIGHBOR INT16 [${n},${h},${w},${c}] → ${oh}×${ow} ${["plain", "align_corners", "half_pixel_centers"][mode]}`,
    builtin: B.RESIZE_NEAREST_NEIGHBOR,
    inputs: [i16([n, h, w, c]), int32Constant([oh, ow])],
    outputs: [i16([n, oh, ow, c])],
    optionsType: O.ResizeNearestNeighborOptions,
    options: [{ slot: R.align_corners, kind: "bool", value: mode === 1 }, { slot: R.half_pixel_centers, kind: "bool", value: mode === 2 }],
  });
  const B2 = F.ResizeBilinearOptions;
  cases.push({
    label: `RESIZE_BILINEAR INT16 [${n},${h},${w},${c}] → ${oh}×${ow} ${["plain", "align_corners", "half_pixel_centers"][mode]}`,
    builtin: B.RESIZE_BILINEAR,
    inputs: [i16([n, h, w, c]), int32Constant([oh, ow])],
    outputs: [i16([n, oh, ow, c])],
    optionsType: O.ResizeBilinearOptions,
    options: [{ slot: B2.align_corners, kind: "bool", value: mode === 1 }, { slot: B2.half_pixel_centers, kind: "bool", value: mode === 2 }],
  });
  const shape = m.shape(m.int(1, 3));
  // ABS with its own output scale one case in two
  cases.push({ label: `ABS INT16 [${shape}]`, builtin: B.ABS, inputs: [i16(shape)], outputs: [k % 2 ? i16(shape) : { shape, type: T.INT16, quantization: { scale: [Math.fround(q.scale[0] * (0.3 + m.next() * 3))], zeroPoint: [0] } }] });
  const count = m.int(1, 3);
  const axis = m.int(0, shape.length);
  const packed = [...shape.slice(0, axis), count, ...shape.slice(axis)];
  cases.push({ label: `PACK INT16 ${count}×[${shape}] axis ${axis}`, builtin: B.PACK, inputs: Array.from({ length: count }, () => i16(shape)), outputs: [i16(packed)], optionsType: O.PackOptions, options: [{ slot: F.PackOptions.values_count, kind: "int32", value: count }, { slot: F.PackOptions.axis, kind: "int32", value: axis }] });
  cases.push({ label: `UNPACK INT16 [${packed}] axis ${axis}`, builtin: B.UNPACK, inputs: [i16(packed)], outputs: Array.from({ length: count }, () => i16(shape)), optionsType: O.UnpackOptions, options: [{ slot: F.UnpackOptions.num, kind: "int32", value: count }, { slot: F.UnpackOptions.axis, kind: "int32", value: axis }] });
  cases.push({ label: `SPLIT INT16 [${packed}] in ${count} along ${axis}`, builtin: B.SPLIT, inputs: [int32Constant([axis], []), i16(packed)], outputs: Array.from({ length: count }, () => i16(packed.map((d, i) => (i === axis ? 1 : d)))), optionsType: O.SplitOptions, options: [{ slot: F.SplitOptions.num_splits, kind: "int32", value: count }] });
  void k;
  return cases;
}

/** Shape operators in the dtypes the other groups leave out: uint8 RESHAPE, SQUEEZE, PAD, STRIDED_SLICE; int16 others. */
function shapeOperators(m: CaseMaker, k: number): OperatorCase[] {
  const cases: OperatorCase[] = [];
  const shape = m.shape(m.int(1, 4), 1, 5);
  const rank = shape.length;
  const qu = quant8(m, T.UINT8);
  const u8 = (s: number[]) => m.operand(T.UINT8, s, qu);
  const q16 = { scale: [Math.fround(2 ** (m.next() * 6 - 15))], zeroPoint: [0] };
  const i16 = (s: number[]) => ({ shape: s, type: T.INT16, quantization: q16 });
  cases.push({ label: `RESHAPE UINT8 [${shape}]`, builtin: B.RESHAPE, inputs: [u8(shape), int32Constant([-1])], outputs: [u8([shape.reduce((a, b) => a * b, 1)])] });
  const squeezeType = k % 2 ? T.UINT8 : T.FLOAT32;
  cases.push({ label: `SQUEEZE ${T[squeezeType]} [1,${shape}]`, builtin: B.SQUEEZE, inputs: [m.operand(squeezeType, [1, ...shape], qu)], outputs: [m.operand(squeezeType, shape, qu)] });
  const pads = shape.flatMap(() => [m.int(0, 2), m.int(0, 2)]);
  const padded = shape.map((d, i) => d + pads[2 * i] + pads[2 * i + 1]);
  cases.push({ label: `PAD UINT8 [${shape}] [${pads}]`, builtin: B.PAD, inputs: [u8(shape), int32Constant(pads, [rank, 2])], outputs: [u8(padded)] });
  cases.push({ label: `PADV2 INT16 [${shape}] [${pads}]`, builtin: B.PADV2, inputs: [i16(shape), int32Constant(pads, [rank, 2]), { ...i16([]), values: [m.int(-30000, 30000)] }], outputs: [i16(padded)] });
  const begin = shape.map((d) => m.int(0, d - 1));
  const strides = shape.map(() => m.pick([1, 1, 2]));
  const end = begin.map((b, i) => m.int(b + 1, shape[i]));
  cases.push({ label: `STRIDED_SLICE UINT8 [${shape}] [${begin}:${end}:${strides}]`, builtin: B.STRIDED_SLICE, inputs: [u8(shape), int32Constant(begin), int32Constant(end), int32Constant(strides)], outputs: [u8(begin.map((b, i) => Math.ceil((end[i] - b) / strides[i])))], optionsType: O.StridedSliceOptions, options: [] });
  const [a, b, y] = m.broadcastPair(m.int(1, 3));
  cases.push({ label: `SELECT_V2 INT16 [${y}] [${a}] [${b}]`, builtin: B.SELECT_V2, inputs: [{ shape: y, type: T.BOOL }, i16(a), i16(b)], outputs: [i16(y)] });
  const axis = m.int(0, rank);
  cases.push({ label: `EXPAND_DIMS INT16 [${shape}] at ${axis}`, builtin: B.EXPAND_DIMS, inputs: [i16(shape), int32Constant([axis], [])], outputs: [i16([...shape.slice(0, axis), 1, ...shape.slice(axis)])] });
  const depth = m.int(1, rank);
  const count = m.int(1, 4);
  const nd = Array.from({ length: count }, () => shape.slice(0, depth).map((d) => m.int(0, d - 1))).flat();
  cases.push({ label: `GATHER_ND INT16 [${shape}] by [${count}, ${depth}]`, builtin: B.GATHER_ND, inputs: [i16(shape), int32Constant(nd, [count, depth])], outputs: [i16([count, ...shape.slice(depth)])] });
  const splitAxis = m.int(0, rank - 1);
  const sizes = [m.int(0, 2), m.int(1, 2)];
  const total = shape.map((d, i) => (i === splitAxis ? sizes[0] + sizes[1] : d));
  cases.push({
    label: `SPLIT_V INT16 [${total}] in [${sizes}] along ${splitAxis}`,
    builtin: B.SPLIT_V,
    inputs: [i16(total), int32Constant(sizes), int32Constant([splitAxis], [])],
    outputs: sizes.map((n) => i16(shape.map((d, i) => (i === splitAxis ? n : d)))),
    optionsType: O.SplitVOptions,
    options: [{ slot: F.SplitOptions.num_splits, kind: "int32", value: 2 }],
  });
  return cases;
}

/** Hybrid DEPTHWISE_CONV_2D: float activations, an int8 filter with a scale per channel (TFLite takes no other). */
function hybridDepthwise(m: CaseMaker): OperatorCase[] {
  const [n, h, w, c, kh, kw, dm] = [m.int(1, 2), m.int(1, 7), m.int(1, 7), m.int(1, 6), m.int(1, 3), m.int(1, 3), m.pick([1, 1, 2])];
  const [sh, sw] = [m.int(1, 2), m.int(1, 2)];
  const same = m.next() < 0.5;
  const out = (size: number, f: number, s: number) => (same ? Math.ceil(size / s) : Math.floor((size - f + s) / s));
  const [oh, ow] = [out(h, kh, sh), out(w, kw, sw)];
  if (oh < 1 || ow < 1) return [];
  const oc = c * dm;
  const scale = Array.from({ length: oc }, () => Math.fround(0.002 + m.next() * 0.02));
  const activation = m.pick([0, 1, 3]);
  const D = F.DepthwiseConv2DOptions;
  return [
    {
      label: `DEPTHWISE_CONV_2D hybrid [${n},${h},${w},${c}] ${kh}×${kw} ×${dm} stride ${sh},${sw} ${same ? "SAME" : "VALID"} activation ${activation}`,
      builtin: B.DEPTHWISE_CONV_2D,
      inputs: [
        { shape: [n, h, w, c], type: T.FLOAT32 },
        { shape: [1, kh, kw, oc], type: T.INT8, values: Array.from({ length: kh * kw * oc }, () => m.int(-127, 127)), quantization: { scale, zeroPoint: scale.map(() => 0), quantizedDimension: 3 } },
        { shape: [oc], type: T.FLOAT32, values: Array.from({ length: oc }, () => Math.fround(m.next() - 0.5)) },
      ],
      outputs: [{ shape: [n, oh, ow, oc], type: T.FLOAT32 }],
      optionsType: O.DepthwiseConv2DOptions,
      options: [{ slot: D.padding, kind: "int8", value: same ? 0 : 1 }, { slot: D.stride_w, kind: "int32", value: sw }, { slot: D.stride_h, kind: "int32", value: sh }, { slot: D.depth_multiplier, kind: "int32", value: dm }, { slot: D.fused_activation_function, kind: "int8", value: activation }],
    },
  ];
}

/** The quantized kernels of issue #16: int8 RSQRT, int8 and uint8 LOG_SOFTMAX, uint8 DIV, int16 BATCH_MATMUL. */
function quantizedKernels(m: CaseMaker, k: number): OperatorCase[] {
  const cases: OperatorCase[] = [];
  const shape = m.shape(m.int(1, 4), 1, 6);
  {
    // inputs from the zero point (a real 0: TFLite's 127) up; an output scale that saturates one case in three
    const sx = Math.fround(0.002 + m.next() * 0.1);
    const zx = m.int(-128, 60);
    const largest = 1 / Math.sqrt(sx);
    const sy = Math.fround((largest / 255) * (k % 3 === 0 ? 0.2 + m.next() * 0.5 : 1 + m.next() * 2));
    cases.push({
      label: `RSQRT INT8 [${shape}] scales ${sx} → ${sy} input zero point ${zx}`,
      builtin: B.RSQRT,
      inputs: [{ shape, type: T.INT8, quantization: { scale: [sx], zeroPoint: [zx] } }],
      outputs: [{ shape, type: T.INT8, quantization: { scale: [sy], zeroPoint: [m.int(-128, -100)] } }],
      quantizedRange: [zx, 127],
    });
  }
  for (const type of [T.INT8, T.UINT8]) {
    // input scales from fine to coarse (differences beyond the output's 16 saturate); TFLite fixes the output's
    const sx = Math.fround(0.005 + m.next() * m.pick([0.05, 0.3]));
    const zx = type === T.INT8 ? m.int(-40, 40) : m.int(90, 170);
    cases.push({
      label: `LOG_SOFTMAX ${T[type]} [${shape}] input scale ${sx}`,
      builtin: B.LOG_SOFTMAX,
      inputs: [{ shape, type, quantization: { scale: [sx], zeroPoint: [zx] } }],
      outputs: [{ shape, type, quantization: { scale: [16 / 256], zeroPoint: [type === T.INT8 ? 127 : 255] } }],
    });
  }
  {
    // uint8 DIV with broadcasting and a fused activation; random divisors meet their zero point (a real 0) now and then
    const [a, b, y] = m.broadcastPair(m.int(1, 4));
    const activation = m.pick([0, 0, 1, 3]);
    const q = (scale: number) => ({ scale: [Math.fround(scale)], zeroPoint: [m.int(0, 255)] });
    cases.push({
      label: `DIV UINT8 [${a}] [${b}] activation ${activation}`,
      builtin: B.DIV,
      inputs: [{ shape: a, type: T.UINT8, quantization: q(0.005 + m.next() * 0.1) }, { shape: b, type: T.UINT8, quantization: q(0.005 + m.next() * 0.1) }],
      outputs: [{ shape: y, type: T.UINT8, quantization: q(0.02 + m.next() * m.pick([0.1, 2])) }],
      optionsType: O.DivOptions,
      options: [{ slot: F.DivOptions.fused_activation_function, kind: "int8", value: activation }],
    });
  }
  {
    // int16 BATCH_MATMUL (zero points 0, as TFLite requires): output scales from saturating most sums to none
    const [mm, kk, nn] = [m.int(1, 5), m.int(1, 8), m.int(1, 5)];
    const [ba, bb, by] = m.broadcastPair(m.int(1, 2));
    const [adjX, adjY] = [m.next() < 0.5, m.next() < 0.5];
    const aShape = [...ba, ...(adjX ? [kk, mm] : [mm, kk])];
    const bShape = [...bb, ...(adjY ? [nn, kk] : [kk, nn])];
    const [sa, sb] = [Math.fround(2 ** (m.next() * 6 - 14)), Math.fround(2 ** (m.next() * 6 - 14))];
    const sy = Math.fround(sa * sb * 2 ** (13 + m.next() * 6));
    const q16 = (scale: number) => ({ scale: [scale], zeroPoint: [0] });
    cases.push({
      label: `BATCH_MATMUL INT16 [${aShape}] × [${bShape}] adj ${adjX} ${adjY} scales ${sa} × ${sb} → ${sy}`,
      builtin: B.BATCH_MATMUL,
      inputs: [{ shape: aShape, type: T.INT16, quantization: q16(sa) }, { shape: bShape, type: T.INT16, quantization: q16(sb) }],
      outputs: [{ shape: [...by, mm, nn], type: T.INT16, quantization: q16(sy) }],
      optionsType: O.BatchMatMulOptions,
      options: [{ slot: F.BatchMatMulOptions.adj_x, kind: "bool", value: adjX }, { slot: F.BatchMatMulOptions.adj_y, kind: "bool", value: adjY }],
    });
  }
  return cases;
}

export const DTYPE_COVERAGE_GROUPS: OperatorGroup[] = [
  { name: "int8 RSQRT, int8 / uint8 LOG_SOFTMAX, uint8 DIV, int16 BATCH_MATMUL", seed: 173, cases: 30, make: quantizedKernels },
  { name: "hybrid DEPTHWISE_CONV_2D", seed: 167, cases: 10, make: hybridDepthwise },
  { name: "uint8 binary, comparison, reduction and activation operators; int8 / uint8 L2_NORMALIZATION; int8 → int16 SOFTMAX; uint8 CONCATENATION rescaled; uint8 TRANSPOSE_CONV", seed: 139, cases: 10, make: uint8Operators },
  { name: "int16 RESIZE_NEAREST_NEIGHBOR, RESIZE_BILINEAR, ABS, PACK, UNPACK, SPLIT", seed: 149, cases: 10, make: int16Movement },
  { name: "uint8 RESHAPE, SQUEEZE, PAD, STRIDED_SLICE; int16 PADV2, SELECT_V2, EXPAND_DIMS, GATHER_ND, SPLIT_V", seed: 163, cases: 8, make: shapeOperators },
];
