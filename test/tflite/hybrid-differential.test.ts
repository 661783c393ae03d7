/**
 * Hybrid FULLY_CONNECTED, CONV_2D and DEPTHWISE_CONV_2D (float activations, int8 weights) against tfjs-tflite on
 * edge-valued inputs (all zero, constant, one-signed, huge, tiny, a lone extreme), bit for bit in both arithmetics;
 * and the two weight layouts tfjs-tflite's TFLite mishandles — per-channel FULLY_CONNECTED weights and per-channel
 * CONV_2D filters whose scales are all equal, where it reads the legacy per-tensor scale (0) and outputs the bias
 * alone — checked against its per-tensor models: each unit of a per-channel FULLY_CONNECTED against a one-unit model
 * with that unit's scale, an equal-scale filter against the per-tensor filter of that scale.
 */
import { strict as assert } from "assert";
import { Interpreter } from "../../lib/tflite/interpreter";
import { singleOperatorModel, type OperandSpec } from "../../lib/tflite/model-builder";
import { BuiltinOperator as B, BuiltinOptionsType as O, F, TensorType as T } from "../../lib/tflite/schema";
import { TfliteOracle } from "./oracle/tfjs-tflite-oracle";
import { CaseMaker, rng, type OperatorCase } from "./operator-cases";

const f32 = Math.fround;

/** edge-valued inputs of `size` floats */
function edgeInputs(size: number, m: CaseMaker): Array<[string, Float32Array]> {
  const fill = (f: (i: number) => number) => Float32Array.from({ length: size }, (_, i) => f32(f(i)));
  const lone = m.int(0, size - 1);
  return [
    ["uniform", fill(() => m.next() * 4 - 2)],
    ["zeros", fill(() => 0)],
    ["constant", fill(() => 0.75)],
    ["negative constant", fill(() => -1.5)],
    ["all positive", fill(() => 0.5 + m.next() * 3)],
    ["all negative", fill(() => -0.25 - m.next() * 3)],
    ["huge", fill(() => (m.next() * 2 - 1) * 3e4)],
    ["tiny", fill(() => (m.next() * 2 - 1) * 1e-6)],
    ["lone extreme", fill((i) => (i === lone ? -50 : m.next() * 0.1))],
    ["half zeros", fill((i) => (i % 2 ? 0 : m.next() * 2 - 1))],
    ["exact halves", fill((i) => ((i % 5) - 2) * 0.5)],
  ];
}

/** int8 weights with the extremes ±127 and -128 mixed in */
const weights = (m: CaseMaker, n: number) => Array.from({ length: n }, () => m.pick([-128, -127, 127, 0, m.int(-127, 127), m.int(-127, 127), m.int(-5, 5)]));

function fullyConnected(batches: number, depth: number, units: number, w: number[], scale: number[], bias: number[] | undefined, activation: number, asymmetric: boolean): OperatorCase {
  const inputs: Array<OperandSpec | null> = [
    { shape: [batches, depth], type: T.FLOAT32 },
    { shape: [units, depth], type: T.INT8, values: w, quantization: { scale, zeroPoint: scale.map(() => 0), quantizedDimension: 0 } },
  ];
  if (bias) inputs.push({ shape: [units], type: T.FLOAT32, values: bias });
  return {
    label: `FULLY_CONNECTED hybrid [${batches},${depth}] × ${units} ${scale.length > 1 ? "per-channel" : "per-tensor"} ${asymmetric ? "asymmetric" : "symmetric"} activation ${activation}${bias ? "" : " no bias"}`,
    builtin: B.FULLY_CONNECTED,
    inputs,
    outputs: [{ shape: [batches, units], type: T.FLOAT32 }],
    optionsType: O.FullyConnectedOptions,
    options: [
      { slot: F.FullyConnectedOptions.fused_activation_function, kind: "int8", value: activation },
      { slot: F.FullyConnectedOptions.asymmetric_quantize_inputs, kind: "bool", value: asymmetric },
    ],
  };
}

interface ConvShape {
  n: number; h: number; w: number; c: number; oc: number; kh: number; kw: number; sh: number; sw: number; dil: number; same: boolean; depthwise: boolean;
}

function convShape(m: CaseMaker, depthwise: boolean): ConvShape | undefined {
  const s: ConvShape = { n: m.int(1, 2), h: m.int(1, 6), w: m.int(1, 6), c: m.int(1, 4), oc: m.int(2, 4), kh: m.int(1, 3), kw: m.int(1, 3), sh: m.int(1, 2), sw: m.int(1, 2), dil: m.pick([1, 1, 2]), same: m.next() < 0.5, depthwise };
  if (depthwise) s.oc = s.c * m.pick([1, 2]);
  const extent = (k: number) => (k - 1) * s.dil + 1;
  if (!s.same && (s.h < extent(s.kh) || s.w < extent(s.kw))) return undefined;
  return s;
}

function conv(s: ConvShape, w: number[], scale: number[], bias: number[], activation: number): OperatorCase {
  const out = (size: number, k: number, stride: number) => (s.same ? Math.ceil(size / stride) : Math.floor((size - ((k - 1) * s.dil + 1) + stride) / stride));
  const S = s.depthwise ? F.DepthwiseConv2DOptions : F.Conv2DOptions;
  const options: OperatorCase["options"] = [
    { slot: S.padding, kind: "int8", value: s.same ? 0 : 1 },
    { slot: S.stride_w, kind: "int32", value: s.sw },
    { slot: S.stride_h, kind: "int32", value: s.sh },
    { slot: S.fused_activation_function, kind: "int8", value: activation },
    { slot: S.dilation_w_factor, kind: "int32", value: s.dil },
    { slot: S.dilation_h_factor, kind: "int32", value: s.dil },
  ];
  if (s.depthwise) options.push({ slot: F.DepthwiseConv2DOptions.depth_multiplier, kind: "int32", value: s.oc / s.c });
  return {
    label: `${s.depthwise ? "DEPTHWISE_CONV_2D" : "CONV_2D"} hybrid [${s.n},${s.h},${s.w},${s.c}] ${s.kh}×${s.kw}×${s.oc} stride ${s.sh},${s.sw} dilation ${s.dil} ${s.same ? "SAME" : "VALID"} ${scale.length} scale(s) activation ${activation}`,
    builtin: s.depthwise ? B.DEPTHWISE_CONV_2D : B.CONV_2D,
    inputs: [
      { shape: [s.n, s.h, s.w, s.c], type: T.FLOAT32 },
      { shape: s.depthwise ? [1, s.kh, s.kw, s.oc] : [s.oc, s.kh, s.kw, s.c], type: T.INT8, values: w, quantization: { scale, zeroPoint: scale.map(() => 0), quantizedDimension: s.depthwise ? 3 : 0 } },
      { shape: [s.oc], type: T.FLOAT32, values: bias },
    ],
    outputs: [{ shape: [s.n, out(s.h, s.kh, s.sh), out(s.w, s.kw, s.sw), s.oc], type: T.FLOAT32 }],
    optionsType: s.depthwise ? O.DepthwiseConv2DOptions : O.Conv2DOptions,
    options,
  };
}

function ours(bytes: Uint8Array, arithmetic: "reference" | "xnnpack", input: Float32Array): Float32Array {
  const it = new Interpreter(bytes, { arithmetic });
  (it.inputs[0].data as Float32Array).set(input);
  it.invoke();
  return (it.outputs[0].data as Float32Array).slice();
}

function sameBits(label: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  assert.equal(a.length, b.length, `${label}: lengths`);
  for (let i = 0; i < b.length; i++) assert.ok(Object.is(a[i], b[i]) || a[i] === b[i], `${label}[${i}]: ours ${a[i]} tfjs-tflite ${b[i]}`);
}

const scales = (m: CaseMaker, n: number) => Array.from({ length: n }, () => f32(0.001 + m.next() * 0.03));
const biases = (m: CaseMaker, n: number) => Array.from({ length: n }, () => f32(m.next() - 0.5));

describe("hybrid operators against tfjs-tflite (edge-valued inputs, per-channel weights)", function () {
  this.timeout(180000);
  let oracle: TfliteOracle;

  before(function () {
    oracle = new TfliteOracle();
  });

  after(async function () {
    await oracle.close();
  });

  async function theirs(bytes: Uint8Array, input: Float32Array): Promise<ArrayLike<number>> {
    await oracle.load(bytes);
    return (await oracle.run([input])).outputs[0].data;
  }

  it("FULLY_CONNECTED, CONV_2D and DEPTHWISE_CONV_2D hybrid on edge-valued inputs, both arithmetics", async function () {
    const m = new CaseMaker(rng(211));
    for (let k = 0; k < 12; k++) {
      const cases: OperatorCase[] = [];
      const [batches, depth, units] = [m.int(1, 3), m.int(1, 12), m.int(1, 5)];
      cases.push(fullyConnected(batches, depth, units, weights(m, units * depth), scales(m, 1), m.next() < 0.8 ? biases(m, units) : undefined, m.pick([0, 1, 3]), k % 2 === 1));
      for (const depthwise of [false, true]) {
        const s = convShape(m, depthwise);
        if (!s) continue;
        const count = depthwise ? s.oc : m.pick([1, s.oc]);
        cases.push(conv(s, weights(m, s.oc * s.kh * s.kw * (depthwise ? 1 : s.c)), scales(m, count), biases(m, s.oc), m.pick([0, 1, 3])));
      }
      for (const c of cases) {
        const bytes = singleOperatorModel(c);
        const size = c.inputs[0]!.shape.reduce((a, b) => a * b, 1);
        for (const [kind, input] of edgeInputs(size, m)) {
          const expected = await theirs(bytes, input);
          for (const arithmetic of ["reference", "xnnpack"] as const) sameBits(`${c.label} ${kind} input (${arithmetic})`, ours(bytes, arithmetic, input), expected);
        }
      }
    }
  });

  it("int32 sums beyond 2^24 (rounded to float32 before scaling, as TFLite converts them)", async function () {
    const m = new CaseMaker(rng(229));
    for (const asymmetric of [false, true]) {
      const depth = 1500;
      const w = Array.from({ length: 2 * depth }, (_, i) => (i < depth ? 127 : m.pick([127, 126, -127])));
      const fc = singleOperatorModel(fullyConnected(1, depth, 2, w, [f32(0.0123)], [0.25, -0.5], 0, asymmetric));
      const s: ConvShape = { n: 1, h: 3, w: 3, c: 600, oc: 2, kh: 3, kw: 3, sh: 1, sw: 1, dil: 1, same: false, depthwise: false };
      const filter = Array.from({ length: 2 * 9 * 600 }, () => m.pick([127, 126, -127, 127]));
      for (const bytes of [fc, singleOperatorModel(conv(s, filter, [f32(0.0123)], [0.25, -0.5], 0)), singleOperatorModel(conv(s, filter, [f32(0.0123), f32(0.0456)], [0.25, -0.5], 0))]) {
        const size = new Interpreter(bytes).inputs[0].size;
        for (const input of [Float32Array.from({ length: size }, (_, i) => (i % 7 ? 1.75 : -2)), Float32Array.from({ length: size }, () => f32(1 + m.next() * 0.01))]) {
          const expected = await theirs(bytes, input);
          for (const arithmetic of ["reference", "xnnpack"] as const) sameBits(`wide ${arithmetic}`, ours(bytes, arithmetic, input), expected);
        }
      }
    }
  });

  it("per-channel FULLY_CONNECTED: each unit as tfjs-tflite's one-unit per-tensor model", async function () {
    const m = new CaseMaker(rng(223));
    for (let k = 0; k < 8; k++) {
      const [batches, depth, units] = [m.int(1, 3), m.int(1, 10), m.int(2, 5)];
      const w = weights(m, units * depth);
      const scale = scales(m, units);
      const bias = biases(m, units);
      const [activation, asymmetric] = [m.pick([0, 1, 3]), k % 2 === 1];
      const perChannel = singleOperatorModel(fullyConnected(batches, depth, units, w, scale, bias, activation, asymmetric));
      for (const [kind, input] of edgeInputs(batches * depth, m).slice(0, 7)) {
        const got = ["reference", "xnnpack"].map((a) => ours(perChannel, a as "reference", input));
        for (let u = 0; u < units; u++) {
          const unit = singleOperatorModel(fullyConnected(batches, depth, 1, w.slice(u * depth, (u + 1) * depth), [scale[u]], [bias[u]], activation, asymmetric));
          const expected = await theirs(unit, input);
          for (const g of got) sameBits(`per-channel FC [${batches},${depth}]×${units} ${asymmetric ? "asymmetric" : "symmetric"} ${kind} unit ${u}`, Array.from({ length: batches }, (_, n) => g[n * units + u]), expected);
        }
      }
    }
  });

  it("CONV_2D per-channel filter with all scales equal: as tfjs-tflite's per-tensor filter of that scale", async function () {
    const m = new CaseMaker(rng(227));
    for (let k = 0; k < 6; k++) {
      const s = convShape(m, false);
      if (!s) continue;
      const w = weights(m, s.oc * s.kh * s.kw * s.c);
      const [scale] = scales(m, 1);
      const bias = biases(m, s.oc);
      const equal = singleOperatorModel(conv(s, w, new Array<number>(s.oc).fill(scale), bias, 0));
      const perTensor = singleOperatorModel(conv(s, w, [scale], bias, 0));
      for (const [kind, input] of edgeInputs(s.n * s.h * s.w * s.c, m).slice(0, 4)) {
        const expected = await theirs(perTensor, input);
        sameBits(`equal-scale CONV_2D ${kind}`, ours(equal, "reference", input), expected);
      }
    }
  });
});
