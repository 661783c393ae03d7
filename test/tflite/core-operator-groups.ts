/**
 * The core operators of edge models as one-operator cases where the other groups have none: float32 arithmetic,
 * convolutions, pooling and activations (tfjs-tflite runs them through XNNPACK, which sums and approximates in its
 * own order: compared within the float tolerance), 8-bit RELU / RELU6, and shape operators in float32 and int8.
 */
import { B, O, F, T, int32Constant, type CaseMaker, type OperatorCase } from "./operator-cases";
import type { OperatorGroup } from "./operator-groups";

const constant = (m: CaseMaker, shape: number[], scale = 0.5) => ({ shape, type: T.FLOAT32, values: Array.from({ length: shape.reduce((p, d) => p * d, 1) }, () => Math.fround((m.next() * 2 - 1) * scale)) });

function floatArithmeticAndConvolutions(m: CaseMaker): OperatorCase[] {
  const cases: OperatorCase[] = [];
  for (const [op, name, optionsType, slot] of [
    [B.ADD, "ADD", O.AddOptions, F.AddOptions.fused_activation_function],
    [B.SUB, "SUB", O.SubOptions, F.SubOptions.fused_activation_function],
    [B.MUL, "MUL", O.MulOptions, F.MulOptions.fused_activation_function],
  ] as const) {
    const [a, b, y] = m.broadcastPair(m.int(1, 4));
    const activation = m.pick([0, 1, 3]);
    cases.push({ label: `${name} FLOAT32 [${a}] [${b}] activation ${activation}`, builtin: op, inputs: [{ shape: a, type: T.FLOAT32 }, { shape: b, type: T.FLOAT32 }], outputs: [{ shape: y, type: T.FLOAT32 }], optionsType, options: [{ slot, kind: "int8", value: activation }], range: [-8, 8] });
  }
  const activation = m.pick([0, 1, 3]);
  {
    const [batches, depth, units] = [m.int(1, 3), m.int(1, 40), m.int(1, 12)];
    cases.push({
      label: `FULLY_CONNECTED FLOAT32 [${batches},${depth}] × ${units} activation ${activation}`,
      builtin: B.FULLY_CONNECTED,
      inputs: [{ shape: [batches, depth], type: T.FLOAT32 }, constant(m, [units, depth]), constant(m, [units])],
      outputs: [{ shape: [batches, units], type: T.FLOAT32 }],
      optionsType: O.FullyConnectedOptions,
      options: [{ slot: F.FullyConnectedOptions.fused_activation_function, kind: "int8", value: activation }],
    });
  }
  const [n, h, w, c, kh, kw] = [m.int(1, 2), m.int(2, 8), m.int(2, 8), m.int(1, 8), m.int(1, 3), m.int(1, 3)];
  const [sh, sw] = [m.int(1, 2), m.int(1, 2)];
  const same = m.next() < 0.5;
  const out = (size: number, f: number, s: number) => (same ? Math.ceil(size / s) : Math.floor((size - f + s) / s));
  const [oh, ow] = [out(h, kh, sh), out(w, kw, sw)];
  const padding = { kind: "int8" as const, value: same ? 0 : 1 };
  if (oh > 0 && ow > 0) {
    const oc = m.int(1, 8);
    const S = F.Conv2DOptions;
    cases.push({
      label: `CONV_2D FLOAT32 [${n},${h},${w},${c}] ${kh}×${kw}×${oc} stride ${sh},${sw} ${same ? "SAME" : "VALID"} activation ${activation}`,
      builtin: B.CONV_2D,
      inputs: [{ shape: [n, h, w, c], type: T.FLOAT32 }, constant(m, [oc, kh, kw, c]), constant(m, [oc])],
      outputs: [{ shape: [n, oh, ow, oc], type: T.FLOAT32 }],
      optionsType: O.Conv2DOptions,
      options: [{ slot: S.padding, ...padding }, { slot: S.stride_w, kind: "int32", value: sw }, { slot: S.stride_h, kind: "int32", value: sh }, { slot: S.fused_activation_function, kind: "int8", value: activation }],
    });
    const dm = m.pick([1, 1, 2]);
    const D = F.DepthwiseConv2DOptions;
    cases.push({
      label: `DEPTHWISE_CONV_2D FLOAT32 [${n},${h},${w},${c}] ${kh}×${kw} ×${dm} stride ${sh},${sw} ${same ? "SAME" : "VALID"} activation ${activation}`,
      builtin: B.DEPTHWISE_CONV_2D,
      inputs: [{ shape: [n, h, w, c], type: T.FLOAT32 }, constant(m, [1, kh, kw, c * dm]), constant(m, [c * dm])],
      outputs: [{ shape: [n, oh, ow, c * dm], type: T.FLOAT32 }],
      optionsType: O.DepthwiseConv2DOptions,
      options: [{ slot: D.padding, ...padding }, { slot: D.stride_w, kind: "int32", value: sw }, { slot: D.stride_h, kind: "int32", value: sh }, { slot: D.depth_multiplier, kind: "int32", value: dm }, { slot: D.fused_activation_function, kind: "int8", value: activation }],
    });
    const P = F.Pool2DOptions;
    for (const [op, name] of [[B.AVERAGE_POOL_2D, "AVERAGE_POOL_2D"], [B.MAX_POOL_2D, "MAX_POOL_2D"]] as const) {
      cases.push({
        label: `${name} FLOAT32 [${n},${h},${w},${c}] ${kh}×${kw} stride ${sh},${sw} ${same ? "SAME" : "VALID"} activation ${activation}`,
        builtin: op,
        inputs: [{ shape: [n, h, w, c], type: T.FLOAT32 }],
        outputs: [{ shape: [n, oh, ow, c], type: T.FLOAT32 }],
        optionsType: O.Pool2DOptions,
        options: [{ slot: P.padding, ...padding }, { slot: P.stride_w, kind: "int32", value: sw }, { slot: P.stride_h, kind: "int32", value: sh }, { slot: P.filter_width, kind: "int32", value: kw }, { slot: P.filter_height, kind: "int32", value: kh }, { slot: P.fused_activation_function, kind: "int8", value: activation }],
      });
    }
  }
  {
    const [tn, th, tw, tc, toc, tkh, tkw, tsh, tsw] = [m.int(1, 2), m.int(1, 5), m.int(1, 5), m.int(1, 6), m.int(1, 6), m.int(1, 3), m.int(1, 3), m.int(1, 2), m.int(1, 2)];
    const tsame = m.next() < 0.5;
    const [toh, tow] = tsame ? [th * tsh, tw * tsw] : [(th - 1) * tsh + tkh, (tw - 1) * tsw + tkw];
    const S = F.TransposeConvOptions;
    cases.push({
      label: `TRANSPOSE_CONV FLOAT32 [${tn},${th},${tw},${tc}] ${tkh}×${tkw}×${toc} stride ${tsh},${tsw} ${tsame ? "SAME" : "VALID"}`,
      builtin: B.TRANSPOSE_CONV,
      inputs: [int32Constant([tn, toh, tow, toc]), constant(m, [toc, tkh, tkw, tc]), { shape: [tn, th, tw, tc], type: T.FLOAT32 }, constant(m, [toc])],
      outputs: [{ shape: [tn, toh, tow, toc], type: T.FLOAT32 }],
      optionsType: O.TransposeConvOptions,
      options: [{ slot: S.padding, kind: "int8", value: tsame ? 0 : 1 }, { slot: S.stride_w, kind: "int32", value: tsw }, { slot: S.stride_h, kind: "int32", value: tsh }],
    });
  }
  return cases;
}

function activationsAndShapes(m: CaseMaker, k: number): OperatorCase[] {
  const cases: OperatorCase[] = [];
  const shape = m.shape(m.int(1, 4), 1, 8);
  const f = (s: number[]) => ({ shape: s, type: T.FLOAT32 });
  const beta = m.pick([1, 0.5, 2]);
  cases.push({ label: `SOFTMAX FLOAT32 [${shape}] beta ${beta}`, builtin: B.SOFTMAX, inputs: [f(shape)], outputs: [f(shape)], optionsType: O.SoftmaxOptions, options: [{ slot: F.SoftmaxOptions.beta, kind: "float32", value: beta }], range: [-8, 8] });
  for (const [op, name] of [[B.LOGISTIC, "LOGISTIC"], [B.TANH, "TANH"], [B.RELU, "RELU"], [B.RELU6, "RELU6"]] as const) cases.push({ label: `${name} FLOAT32 [${shape}]`, builtin: op, inputs: [f(shape)], outputs: [f(shape)], range: [-8, 8] });
  const alpha = Math.fround(m.pick([0.1, 0.2, 0.3]));
  cases.push({ label: `LEAKY_RELU FLOAT32 [${shape}] alpha ${alpha}`, builtin: B.LEAKY_RELU, inputs: [f(shape)], outputs: [f(shape)], optionsType: O.LeakyReluOptions, options: [{ slot: F.LeakyReluOptions.alpha, kind: "float32", value: alpha }] });
  const type8 = k % 2 ? T.UINT8 : T.INT8;
  for (const [op, name] of [[B.RELU, "RELU"], [B.RELU6, "RELU6"]] as const) {
    const qx = m.quant();
    const qy = m.quant();
    if (type8 === T.UINT8) [qx, qy].forEach((q) => (q.zeroPoint[0] += 128));
    cases.push({ label: `${name} ${T[type8]} [${shape}]`, builtin: op, inputs: [m.operand(type8, shape, qx)], outputs: [m.operand(type8, shape, k % 3 ? qy : qx)] });
  }
  const type = k % 2 ? T.INT8 : T.FLOAT32;
  const q = m.quant();
  const op = (s: number[]) => m.operand(type, s, q);
  const rank = shape.length;
  const axis = m.int(0, rank - 1);
  const other = shape.map((d, i) => (i === axis ? m.int(1, 3) : d));
  cases.push({ label: `CONCATENATION ${T[type]} [${shape}] [${other}] axis ${axis}`, builtin: B.CONCATENATION, inputs: [op(shape), op(other)], outputs: [op(shape.map((d, i) => (i === axis ? d + other[i] : d)))], optionsType: O.ConcatenationOptions, options: [{ slot: F.ConcatenationOptions.axis, kind: "int32", value: axis }] });
  const pads = shape.flatMap(() => [m.int(0, 2), m.int(0, 2)]);
  cases.push({ label: `PAD ${T[type]} [${shape}] [${pads}]`, builtin: B.PAD, inputs: [op(shape), int32Constant(pads, [rank, 2])], outputs: [op(shape.map((d, i) => d + pads[2 * i] + pads[2 * i + 1]))] });
  cases.push({ label: `RESHAPE ${T[type]} [${shape}]`, builtin: B.RESHAPE, inputs: [op(shape), int32Constant([-1])], outputs: [op([shape.reduce((a, b) => a * b, 1)])] });
  const begin = shape.map((d) => m.int(0, d - 1));
  const strides = shape.map(() => m.pick([1, 1, 2]));
  const end = begin.map((b, i) => m.int(b + 1, shape[i]));
  const sliced = begin.map((b, i) => Math.ceil((end[i] - b) / strides[i]));
  cases.push({ label: `STRIDED_SLICE ${T[type]} [${shape}] [${begin}:${end}:${strides}]`, builtin: B.STRIDED_SLICE, inputs: [op(shape), int32Constant(begin), int32Constant(end), int32Constant(strides)], outputs: [op(sliced)], optionsType: O.StridedSliceOptions, options: [] });
  const axes = [axis];
  const keep = k % 2 === 0;
  cases.push({ label: `MEAN FLOAT32 [${shape}] axis ${axis} keep ${keep}`, builtin: B.MEAN, inputs: [f(shape), int32Constant(axes)], outputs: [f(keep ? shape.map((d, i) => (i === axis ? 1 : d)) : shape.filter((_, i) => i !== axis))], optionsType: O.ReducerOptions, options: [{ slot: F.ReducerOptions.keep_dims, kind: "bool", value: keep }] });
  const dq = m.quant();
  if (type8 === T.UINT8) dq.zeroPoint[0] += 128;
  cases.push({ label: `DEQUANTIZE ${T[type8]} [${shape}]`, builtin: B.DEQUANTIZE, inputs: [m.operand(type8, shape, dq)], outputs: [f(shape)] });
  return cases;
}

export const CORE_OPERATOR_GROUPS: OperatorGroup[] = [
  { name: "float32 ADD, SUB, MUL, FULLY_CONNECTED, CONV_2D, DEPTHWISE_CONV_2D, pooling, TRANSPOSE_CONV", seed: 151, cases: 10, make: floatArithmeticAndConvolutions },
  { name: "float32 activations; 8-bit RELU, RELU6; CONCATENATION, PAD, RESHAPE, STRIDED_SLICE, MEAN, DEQUANTIZE", seed: 157, cases: 10, make: activationsAndShapes },
];
