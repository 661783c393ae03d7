/**
 * int16x8 cases of the operator differential test (int16 activations with zero point 0, int8 weights, int64 bias):
 * the arithmetic, convolutions, quantization, pooling, reductions, activations and data movement that TFLite has an
 * int16 kernel for. XNNPACK takes no int16, so tfjs-tflite runs TFLite's own kernels on them: both arithmetics.
 */
import { B, O, F, T, int32Constant, type CaseMaker, type OperatorCase } from "./operator-cases";
import type { OperatorGroup } from "./operator-groups";

const q16 = (scale: number) => ({ scale: [Math.fround(scale)], zeroPoint: [0] });
/** an int16 activation scale: full scale from about ±0.3 to ±30 */
const scale16 = (m: CaseMaker) => 2 ** (m.next() * 7 - 17);
const act16 = (m: CaseMaker, shape: number[], scale = scale16(m)) => ({ shape, type: T.INT16, quantization: q16(scale) });

function int16Arithmetic(m: CaseMaker, k: number): OperatorCase[] {
  const cases: OperatorCase[] = [];
  for (const [op, name, optionsType, slot] of [
    [B.ADD, "ADD", O.AddOptions, F.AddOptions.fused_activation_function],
    [B.SUB, "SUB", O.SubOptions, F.SubOptions.fused_activation_function],
    [B.MUL, "MUL", O.MulOptions, F.MulOptions.fused_activation_function],
  ] as const) {
    const [a, b, y] = m.broadcastPair(m.int(1, 4));
    const activation = m.pick([0, 1, 3]);
    // scales that are not powers of two: TFLite's general int16 path whatever pot_scale_int16 says
    const options = [{ slot, kind: "int8" as const, value: activation }];
    const sy = op === B.MUL ? scale16(m) * 2 ** (m.next() * 4) : scale16(m);
    cases.push({ label: `${name} INT16 [${a}] [${b}] activation ${activation}`, builtin: op, inputs: [act16(m, a), act16(m, b)], outputs: [act16(m, y, sy)], optionsType, options });
  }
  for (const [op, name, optionsType, slot] of [
    [B.ADD, "ADD", O.AddOptions, F.AddOptions.fused_activation_function],
    [B.SUB, "SUB", O.SubOptions, F.SubOptions.fused_activation_function],
  ] as const) {
    // power-of-two scales (pot_scale_int16 left at its default, true): one input at the output's scale, the other
    // at the same or a smaller one, as TFLite's 16-bit fixed-point path requires; equal shapes (with broadcasting
    // tfjs-tflite's TFLite aborts)
    const y = m.shape(m.int(1, 4));
    const [a, b] = [y, y];
    const out = -m.int(8, 14);
    const smaller = out - m.int(0, 4);
    const [ea, eb] = k % 2 ? [out, smaller] : [smaller, out];
    const activation = m.pick([0, 1, 3]);
    cases.push({ label: `${name} INT16 power-of-two scales 2^${ea} 2^${eb} → 2^${out} [${a}] [${b}] activation ${activation}`, builtin: op, inputs: [act16(m, a, 2 ** ea), act16(m, b, 2 ** eb)], outputs: [act16(m, y, 2 ** out)], optionsType, options: [{ slot, kind: "int8", value: activation }] });
  }
  for (const [op, name] of [[B.MAXIMUM, "MAXIMUM"], [B.MINIMUM, "MINIMUM"]] as const) {
    const [a, b, y] = m.broadcastPair(m.int(1, 4));
    const q = scale16(m);
    cases.push({ label: `${name} INT16 [${a}] [${b}]`, builtin: op, inputs: [act16(m, a, q), act16(m, b, q)], outputs: [act16(m, y, q)] });
  }
  void k;
  return cases;
}

/** int8 weights (per-channel along `axis`, or per-tensor), symmetric */
function weights8(m: CaseMaker, shape: number[], axis: number, perChannel: boolean) {
  const count = shape.reduce((p, d) => p * d, 1);
  const scale = Array.from({ length: perChannel ? shape[axis] : 1 }, () => Math.fround(0.002 + m.next() * 0.02));
  return { shape, type: T.INT8, values: Array.from({ length: count }, () => m.int(-127, 127)), quantization: { scale, zeroPoint: scale.map(() => 0), quantizedDimension: axis } };
}

function bias64(m: CaseMaker, channels: number, inputScale: number, weightScales: number[]) {
  return { shape: [channels], type: T.INT64, values: Array.from({ length: channels }, () => m.int(-100000, 100000)), quantization: { scale: Array.from({ length: channels }, (_, i) => Math.fround(inputScale * weightScales[weightScales.length > 1 ? i : 0])), zeroPoint: new Array<number>(channels).fill(0) } };
}

function int16Convolutions(m: CaseMaker, k: number): OperatorCase[] {
  const cases: OperatorCase[] = [];
  const perChannel = k % 2 === 0;
  const activation = m.pick([0, 1, 3]);
  const outScale = () => 2 ** (m.next() * 6 - 14);
  {
    const [batches, depth, units] = [m.int(1, 3), m.int(1, 40), m.int(1, 12)];
    const sx = scale16(m);
    const w = weights8(m, [units, depth], 0, perChannel);
    cases.push({
      label: `FULLY_CONNECTED INT16x8 [${batches},${depth}] × ${units} ${perChannel ? "per-channel" : "per-tensor"} activation ${activation}`,
      builtin: B.FULLY_CONNECTED,
      inputs: [act16(m, [batches, depth], sx), w, k % 3 === 2 ? null : bias64(m, units, sx, w.quantization.scale)],
      outputs: [act16(m, [batches, units], outScale())],
      optionsType: O.FullyConnectedOptions,
      options: [{ slot: F.FullyConnectedOptions.fused_activation_function, kind: "int8", value: activation }],
    });
  }
  const [n, h, w, c, kh, kw] = [m.int(1, 2), m.int(2, 8), m.int(2, 8), m.int(1, 8), m.int(1, 3), m.int(1, 3)];
  const [sh, sw] = [m.int(1, 2), m.int(1, 2)];
  const same = m.next() < 0.5;
  const out = (size: number, f: number, s: number) => (same ? Math.ceil(size / s) : Math.floor((size - f + s) / s));
  const [oh, ow] = [out(h, kh, sh), out(w, kw, sw)];
  if (oh > 0 && ow > 0) {
    const sx = scale16(m);
    const oc = m.int(1, 8);
    const wc = weights8(m, [oc, kh, kw, c], 0, perChannel);
    const S = F.Conv2DOptions;
    cases.push({
      label: `CONV_2D INT16x8 [${n},${h},${w},${c}] ${kh}×${kw}×${oc} stride ${sh},${sw} ${same ? "SAME" : "VALID"} activation ${activation}`,
      builtin: B.CONV_2D,
      inputs: [act16(m, [n, h, w, c], sx), wc, bias64(m, oc, sx, wc.quantization.scale)],
      outputs: [act16(m, [n, oh, ow, oc], outScale())],
      optionsType: O.Conv2DOptions,
      options: [{ slot: S.padding, kind: "int8", value: same ? 0 : 1 }, { slot: S.stride_w, kind: "int32", value: sw }, { slot: S.stride_h, kind: "int32", value: sh }, { slot: S.fused_activation_function, kind: "int8", value: activation }],
    });
    const dm = m.pick([1, 2]);
    const wd = weights8(m, [1, kh, kw, c * dm], 3, perChannel);
    const D = F.DepthwiseConv2DOptions;
    cases.push({
      label: `DEPTHWISE_CONV_2D INT16x8 [${n},${h},${w},${c}] ${kh}×${kw} ×${dm} stride ${sh},${sw} ${same ? "SAME" : "VALID"} activation ${activation}`,
      builtin: B.DEPTHWISE_CONV_2D,
      inputs: [act16(m, [n, h, w, c], sx), wd, bias64(m, c * dm, sx, wd.quantization.scale)],
      outputs: [act16(m, [n, oh, ow, c * dm], outScale())],
      optionsType: O.DepthwiseConv2DOptions,
      options: [{ slot: D.padding, kind: "int8", value: same ? 0 : 1 }, { slot: D.stride_w, kind: "int32", value: sw }, { slot: D.stride_h, kind: "int32", value: sh }, { slot: D.depth_multiplier, kind: "int32", value: dm }, { slot: D.fused_activation_function, kind: "int8", value: activation }],
    });
  }
  return cases;
}

function int16Others(m: CaseMaker, k: number): OperatorCase[] {
  const cases: OperatorCase[] = [];
  const shape = m.shape(m.int(1, 4));
  // QUANTIZE float → int16, int16 → int16, int16 → int8 (tfjs-tflite's TFLite has no int8 → int16); DEQUANTIZE int16 → float
  cases.push({ label: `QUANTIZE FLOAT32 → INT16 [${shape}]`, builtin: B.QUANTIZE, inputs: [{ shape, type: T.FLOAT32 }], outputs: [act16(m, shape)], range: [-40, 40] });
  cases.push({ label: `QUANTIZE INT16 → INT16 [${shape}]`, builtin: B.QUANTIZE, inputs: [act16(m, shape)], outputs: [act16(m, shape)] });
  cases.push({ label: `QUANTIZE INT16 → INT8 [${shape}]`, builtin: B.QUANTIZE, inputs: [act16(m, shape)], outputs: [m.operand(T.INT8, shape)] });
  cases.push({ label: `DEQUANTIZE INT16 → FLOAT32 [${shape}]`, builtin: B.DEQUANTIZE, inputs: [act16(m, shape)], outputs: [{ shape, type: T.FLOAT32 }] });
  // pooling
  {
    const [n, h, w, c] = [m.int(1, 2), m.int(1, 8), m.int(1, 8), m.int(1, 6)];
    const [fh, fw, sh, sw] = [m.int(1, 3), m.int(1, 3), m.int(1, 2), m.int(1, 2)];
    const same = m.next() < 0.5;
    const out = (size: number, f: number, s: number) => (same ? Math.ceil(size / s) : Math.floor((size - f + s) / s));
    const [oh, ow] = [out(h, fh, sh), out(w, fw, sw)];
    if (oh > 0 && ow > 0) {
      const q = scale16(m);
      const P = F.Pool2DOptions;
      for (const [op, name] of [[B.AVERAGE_POOL_2D, "AVERAGE_POOL_2D"], [B.MAX_POOL_2D, "MAX_POOL_2D"]] as const) {
        const activation = m.pick([0, 1, 3]);
        cases.push({
          label: `${name} INT16 [${n},${h},${w},${c}] ${fh}×${fw} stride ${sh},${sw} ${same ? "SAME" : "VALID"} activation ${activation}`,
          builtin: op,
          inputs: [act16(m, [n, h, w, c], q)],
          outputs: [act16(m, [n, oh, ow, c], q)],
          optionsType: O.Pool2DOptions,
          options: [{ slot: P.padding, kind: "int8", value: same ? 0 : 1 }, { slot: P.stride_w, kind: "int32", value: sw }, { slot: P.stride_h, kind: "int32", value: sh }, { slot: P.filter_width, kind: "int32", value: fw }, { slot: P.filter_height, kind: "int32", value: fh }, { slot: P.fused_activation_function, kind: "int8", value: activation }],
        });
      }
    }
  }
  // reductions
  {
    const rshape = m.shape(m.int(1, 4), 1, 6);
    const axes = rshape.map((_, i) => i).filter(() => m.next() < 0.5);
    if (axes.length === 0) axes.push(m.int(0, rshape.length - 1));
    const keep = m.next() < 0.5;
    const outShape = keep ? rshape.map((d, i) => (axes.includes(i) ? 1 : d)) : rshape.filter((_, i) => !axes.includes(i));
    const q = scale16(m);
    // int16 SUM only with the input's quantization (tfjs-tflite's TFLite refuses to run others)
    for (const [op, name, same] of [[B.MEAN, "MEAN", false], [B.SUM, "SUM", true], [B.REDUCE_MAX, "REDUCE_MAX", true], [B.REDUCE_MIN, "REDUCE_MIN", true]] as const) {
      cases.push({ label: `${name} INT16 [${rshape}] axes [${axes}] keep ${keep}`, builtin: op, inputs: [act16(m, rshape, q), int32Constant(axes)], outputs: [act16(m, outShape, same ? q : undefined)], optionsType: O.ReducerOptions, options: [{ slot: F.ReducerOptions.keep_dims, kind: "bool", value: keep }] });
    }
    // 8-bit SUM with the input's quantization (TFLite's generic reducer, raw values): here for want of a better place
    const type = k % 2 ? T.UINT8 : T.INT8;
    const q8 = m.quant();
    cases.push({ label: `SUM ${T[type]} [${rshape}] axes [${axes}] keep ${keep} same quantization`, builtin: B.SUM, inputs: [m.operand(type, rshape, q8), int32Constant(axes)], outputs: [m.operand(type, outShape, q8)], optionsType: O.ReducerOptions, options: [{ slot: F.ReducerOptions.keep_dims, kind: "bool", value: keep }] });
  }
  // activations
  cases.push({ label: `RELU INT16 [${shape}]`, builtin: B.RELU, inputs: [act16(m, shape)], outputs: [act16(m, shape)] });
  cases.push({ label: `RELU6 INT16 [${shape}]`, builtin: B.RELU6, inputs: [act16(m, shape)], outputs: [act16(m, shape)] });
  const alpha = Math.fround(m.pick([0.1, 0.2, 0.3]));
  cases.push({ label: `LEAKY_RELU INT16 [${shape}] alpha ${alpha}`, builtin: B.LEAKY_RELU, inputs: [act16(m, shape)], outputs: [act16(m, shape)], optionsType: O.LeakyReluOptions, options: [{ slot: F.LeakyReluOptions.alpha, kind: "float32", value: alpha }] });
  // data movement
  {
    const q = scale16(m);
    const rank = m.int(2, 4);
    const s = m.shape(rank);
    const perm = [...Array(rank).keys()].sort(() => m.next() - 0.5);
    cases.push({ label: `TRANSPOSE INT16 [${s}] by [${perm}]`, builtin: B.TRANSPOSE, inputs: [act16(m, s, q), int32Constant(perm)], outputs: [act16(m, perm.map((p) => s[p]), q)] });
    cases.push({ label: `RESHAPE INT16 [${s}]`, builtin: B.RESHAPE, inputs: [act16(m, s, q), int32Constant([-1])], outputs: [act16(m, [s.reduce((a, b) => a * b, 1)], q)] });
    const axis = m.int(0, rank - 1);
    const other = s.map((d, i) => (i === axis ? m.int(1, 3) : d));
    cases.push({
      label: `CONCATENATION INT16 [${s}] [${other}] axis ${axis}`,
      builtin: B.CONCATENATION,
      inputs: [act16(m, s, q), act16(m, other, q)],
      outputs: [act16(m, s.map((d, i) => (i === axis ? d + other[i] : d)), q)],
      optionsType: O.ConcatenationOptions,
      options: [{ slot: F.ConcatenationOptions.axis, kind: "int32", value: axis }],
    });
    const pads = s.flatMap(() => [m.int(0, 2), m.int(0, 2)]);
    cases.push({ label: `PAD INT16 [${s}] [${pads}]`, builtin: B.PAD, inputs: [act16(m, s, q), int32Constant(pads, [rank, 2])], outputs: [act16(m, s.map((d, i) => d + pads[2 * i] + pads[2 * i + 1]), q)] });
    const begin = s.map((d) => m.int(0, d - 1));
    const size = s.map((d, i) => m.int(1, d - begin[i]));
    cases.push({ label: `SLICE INT16 [${s}] at [${begin}] size [${size}]`, builtin: B.SLICE, inputs: [act16(m, s, q), int32Constant(begin), int32Constant(size)], outputs: [act16(m, size, q)] });
    const end = begin.map((b, i) => b + size[i]);
    cases.push({ label: `STRIDED_SLICE INT16 [${s}] [${begin}:${end}]`, builtin: B.STRIDED_SLICE, inputs: [act16(m, s, q), int32Constant(begin), int32Constant(end), int32Constant(s.map(() => 1))], outputs: [act16(m, size, q)], optionsType: O.StridedSliceOptions, options: [] });
    const gaxis = m.int(0, rank - 1);
    const idx = Array.from({ length: m.int(1, 4) }, () => m.int(0, s[gaxis] - 1));
    cases.push({ label: `GATHER INT16 [${s}] axis ${gaxis}`, builtin: B.GATHER, inputs: [act16(m, s, q), int32Constant(idx)], outputs: [act16(m, [...s.slice(0, gaxis), idx.length, ...s.slice(gaxis + 1)], q)], optionsType: O.GatherOptions, options: [{ slot: F.GatherOptions.axis, kind: "int32", value: gaxis }] });
  }
  void k;
  return cases;
}

export const INT16_OPERATOR_GROUPS: OperatorGroup[] = [
  { name: "int16 ADD, SUB (general and power-of-two scales), MUL, MAXIMUM, MINIMUM", seed: 127, cases: 10, make: int16Arithmetic },
  { name: "int16x8 FULLY_CONNECTED, CONV_2D, DEPTHWISE_CONV_2D", seed: 131, cases: 10, make: int16Convolutions },
  { name: "int16 QUANTIZE, DEQUANTIZE, pooling, reductions, activations, data movement", seed: 137, cases: 8, make: int16Others },
];
