/**
 * The WebAssembly SIMD int8 loops (lib/tflite/wasm/int8.wat) against the plain JavaScript kernels, which stay
 * the fallback: the dot product and requantization helpers on random values, random one-operator CONV_2D /
 * DEPTHWISE_CONV_2D / FULLY_CONNECTED models in both arithmetic modes, and the shared int8 models, all bit for bit.
 * From source the .wat is assembled on first use (see lib/tflite/wasm-kernels.ts).
 */
import { strict as assert } from "assert";
import fc from "fast-check";
import { Interpreter } from "../../lib/tflite/interpreter";
import { ModelBuilder } from "../../lib/tflite/model-builder";
import { Activation, BuiltinOperator, BuiltinOptionsType, F, Padding, TensorType } from "../../lib/tflite/schema";
import { WasmHeap, int8Module, simdUnavailableReason } from "../../lib/tflite/wasm-kernels";
import { mulByQuantizedMultiplier, roundingDivideByPOT, srdhm } from "../../lib/tflite/fixed-point";
import { floatCopy } from "../../lib/tflite/float-copy";
import { readBytes, sharedAvailable } from "./shared-models";
import { rng as random } from "./operator-cases";

const int32 = fc.integer({ min: -2147483648, max: 2147483647 });

function heapOrSkip(ctx: Mocha.Context): WasmHeap {
  const module = int8Module();
  if (!module) {
    console.log(`      (skipped: WebAssembly SIMD kernels unavailable: ${simdUnavailableReason()})`);
    ctx.skip();
  }
  return new WasmHeap(module);
}

interface ConvCase {
  depthwise: boolean;
  inH: number;
  inW: number;
  inC: number;
  mult: number;
  outC: number;
  kH: number;
  kW: number;
  stride: [number, number];
  dilation: [number, number];
  padding: number;
  activation: number;
  inZero: number;
  outZero: number;
  seed: number;
}

const int8Bytes = (n: number, next: () => number) => new Uint8Array(Int8Array.from({ length: n }, () => Math.floor(next() * 256) - 128).buffer);

function outSize(padding: number, inSize: number, k: number, stride: number, dil: number): number {
  const eff = (k - 1) * dil + 1;
  return padding === Padding.SAME ? Math.ceil(inSize / stride) : Math.floor((inSize - eff) / stride) + 1;
}

/** A one-operator int8 convolution model with per-channel filter scales and an int32 bias. */
/** random convolution cases: depth multipliers to draw from, and the input and output zero points */
function convCases(multipliers: number[], zeroPoint: fc.Arbitrary<number>): fc.Arbitrary<ConvCase> {
  return fc.record({
    depthwise: fc.boolean(),
    inH: fc.integer({ min: 1, max: 9 }),
    inW: fc.integer({ min: 1, max: 9 }),
    inC: fc.integer({ min: 1, max: 24 }),
    mult: fc.constantFrom(...multipliers),
    outC: fc.integer({ min: 1, max: 20 }),
    kH: fc.integer({ min: 1, max: 4 }),
    kW: fc.integer({ min: 1, max: 4 }),
    stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
    padding: fc.constantFrom(Padding.SAME, Padding.VALID),
    activation: fc.constantFrom(Activation.NONE, Activation.RELU, Activation.RELU6),
    inZero: zeroPoint,
    outZero: zeroPoint,
    seed: fc.integer(),
  });
}

function convModel(c: ConvCase): Uint8Array {
  const next = random(c.seed);
  const outC = c.depthwise ? c.inC * c.mult : c.outC;
  const outH = outSize(c.padding, c.inH, c.kH, c.stride[0], c.dilation[0]);
  const outW = outSize(c.padding, c.inW, c.kW, c.stride[1], c.dilation[1]);
  const inScale = 0.02 + next() * 0.05;
  const wScales = Array.from({ length: outC }, () => 0.002 + next() * 0.02);
  const fan = c.kH * c.kW * (c.depthwise ? 1 : c.inC);
  const outScale = (inScale * 0.01 * Math.sqrt(fan) * 40) * (0.3 + next());
  const m = new ModelBuilder();
  const x = m.addTensor({ name: "x", shape: [1, c.inH, c.inW, c.inC], type: TensorType.INT8, quantization: { scale: [inScale], zeroPoint: [c.inZero] } });
  const wShape = c.depthwise ? [1, c.kH, c.kW, outC] : [outC, c.kH, c.kW, c.inC];
  const w = m.addTensor({ name: "w", shape: wShape, type: TensorType.INT8, data: int8Bytes(wShape.reduce((a, b) => a * b, 1), next), quantization: { scale: wScales, zeroPoint: wScales.map(() => 0), quantizedDimension: c.depthwise ? 3 : 0 } });
  const bias = new Int32Array(outC).map(() => Math.floor((next() - 0.5) * 20000));
  const b = m.addTensor({ name: "b", shape: [outC], type: TensorType.INT32, data: new Uint8Array(bias.buffer), quantization: { scale: wScales.map((s) => s * inScale), zeroPoint: wScales.map(() => 0) } });
  const y = m.addTensor({ name: "y", shape: [1, outH, outW, outC], type: TensorType.INT8, quantization: { scale: [outScale], zeroPoint: [c.outZero] } });
  const o = c.depthwise ? F.DepthwiseConv2DOptions : F.Conv2DOptions;
  m.addOperator({
    builtin: c.depthwise ? BuiltinOperator.DEPTHWISE_CONV_2D : BuiltinOperator.CONV_2D,
    inputs: [x, w, b],
    outputs: [y],
    optionsType: c.depthwise ? BuiltinOptionsType.DepthwiseConv2DOptions : BuiltinOptionsType.Conv2DOptions,
    options: (fb) => {
      fb.startObject(7);
      fb.addFieldInt8(o.padding, c.padding, 0);
      fb.addFieldInt32(o.stride_w, c.stride[1], 0);
      fb.addFieldInt32(o.stride_h, c.stride[0], 0);
      fb.addFieldInt8(o.fused_activation_function, c.activation, 0);
      fb.addFieldInt32(o.dilation_w_factor, c.dilation[1], 1);
      fb.addFieldInt32(o.dilation_h_factor, c.dilation[0], 1);
      if (c.depthwise) fb.addFieldInt32(F.DepthwiseConv2DOptions.depth_multiplier, c.mult, 0);
      return fb.endObject();
    },
  });
  return m.finish([x], [y]);
}

/** A one-operator int8 FULLY_CONNECTED model (per-tensor or per-channel weights). */
function fcModel(batches: number, depth: number, units: number, perChannel: boolean, inZero: number, outZero: number, activation: number, seed: number, outScaleFactor = 1): Uint8Array {
  const next = random(seed);
  const inScale = 0.02 + next() * 0.05;
  const wScales = perChannel ? Array.from({ length: units }, () => 0.002 + next() * 0.02) : [0.01];
  const m = new ModelBuilder();
  const x = m.addTensor({ name: "x", shape: [batches, depth], type: TensorType.INT8, quantization: { scale: [inScale], zeroPoint: [inZero] } });
  const w = m.addTensor({ name: "w", shape: [units, depth], type: TensorType.INT8, data: int8Bytes(units * depth, next), quantization: { scale: wScales, zeroPoint: wScales.map(() => 0), quantizedDimension: 0 } });
  const bias = new Int32Array(units).map(() => Math.floor((next() - 0.5) * 20000));
  const b = m.addTensor({ name: "b", shape: [units], type: TensorType.INT32, data: new Uint8Array(bias.buffer), quantization: { scale: wScales.map((s) => s * inScale), zeroPoint: wScales.map(() => 0) } });
  const y = m.addTensor({ name: "y", shape: [batches, units], type: TensorType.INT8, quantization: { scale: [inScale * 0.4 * Math.sqrt(depth) * (0.3 + next()) * outScaleFactor], zeroPoint: [outZero] } });
  m.addOperator({
    builtin: BuiltinOperator.FULLY_CONNECTED,
    inputs: [x, w, b],
    outputs: [y],
    optionsType: BuiltinOptionsType.FullyConnectedOptions,
    options: (fb) => {
      fb.startObject(4);
      fb.addFieldInt8(F.FullyConnectedOptions.fused_activation_function, activation, 0);
      return fb.endObject();
    },
  });
  return m.finish([x], [y]);
}

/**
 * A float model with and without SIMD on random inputs. The two sum in different orders, so they may differ by a few
 * float32 roundings of the sum of the terms' magnitudes, which cancellation can make far larger than the output
 * itself; a third run of the JS loops on the magnitudes of every tensor gives that sum for each output.
 */
function closeWithAndWithoutSimd(bytes: Uint8Array, seed: number): void {
  const simd = new Interpreter(bytes);
  const js = new Interpreter(bytes, { simd: false });
  // its own copy: constant tensors are views of the model's bytes
  const magnitudes = new Interpreter(bytes.slice(), { simd: false });
  for (const t of magnitudes.tensors) if (t.data instanceof Float32Array) t.data.set(t.data.map(Math.abs));
  const next = random(seed);
  for (let trial = 0; trial < 2; trial++) {
    simd.inputs.forEach((t, i) => {
      const d = t.data as Float32Array;
      for (let k = 0; k < d.length; k++) d[k] = next() * 2 - 1;
      js.inputs[i].data.set(d as never);
      magnitudes.inputs[i].data.set(d.map(Math.abs) as never);
    });
    simd.invoke();
    js.invoke();
    magnitudes.invoke();
    simd.outputs.forEach((t, i) => {
      const a = t.data as Float32Array;
      const b = js.outputs[i].data as Float32Array;
      const m = magnitudes.outputs[i].data as Float32Array;
      const scale = b.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
      for (let k = 0; k < a.length; k++) {
        const bound = 1e-6 + 1e-5 * Math.max(scale, m[k]);
        assert.ok(Math.abs(a[k] - b[k]) <= bound, `output ${i}[${k}]: SIMD ${a[k]} JS ${b[k]} (bound ${bound})`);
      }
    });
  }
}

/** Runs the model with and without SIMD on `trials` random inputs and asserts identical outputs. */
function sameWithAndWithoutSimd(bytes: Uint8Array, arithmetic: "reference" | "xnnpack", seed: number, trials = 2): void {
  const simd = new Interpreter(bytes, { arithmetic });
  const js = new Interpreter(bytes, { arithmetic, simd: false });
  const next = random(seed);
  for (let trial = 0; trial < trials; trial++) {
    simd.inputs.forEach((t, i) => {
      const d = t.data;
      if (d instanceof Float32Array) for (let k = 0; k < d.length; k++) d[k] = next() * 2 - 1;
      else if (d instanceof Int8Array) for (let k = 0; k < d.length; k++) d[k] = Math.floor(next() * 256) - 128;
      js.inputs[i].data.set(d as never);
    });
    simd.invoke();
    js.invoke();
    simd.outputs.forEach((t, i) => assert.deepEqual(Array.from(t.data as Int8Array), Array.from(js.outputs[i].data as Int8Array), `output ${i} differs (trial ${trial}, ${arithmetic})`));
  }
}

describe("tflite int8 WebAssembly SIMD kernels", function () {
  let heap: WasmHeap;
  before(function () {
    heap = heapOrSkip(this);
  });

  it("dot product equals Σ (x + xoff)(w + woff) with int32 wrap-around, any length and offset", function () {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: -127, max: 128 }), fc.integer({ min: -127, max: 128 }), fc.integer(), (n, xoff, woff, seed) => {
        const next = random(seed);
        const x = Int8Array.from({ length: n }, () => Math.floor(next() * 256) - 128);
        const w = Int8Array.from({ length: n }, () => Math.floor(next() * 256) - 128);
        const xp = heap.place(x);
        const wp = heap.place(w);
        heap.exports.set_op(0, 0, 0, 0, 0, -128, 127, 0, xoff, woff);
        let expected = 0;
        for (let i = 0; i < n; i++) expected += (x[i] + xoff) * (w[i] + woff);
        assert.equal(heap.exports.dot(xp, wp, n), expected | 0);
      }),
      { numRuns: 300 },
    );
  });

  it("mv8 (the LSTM's gate products) equals Σ w·x per row with int32 wrap-around, rows padded to a multiple of 8", function () {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 9 }), fc.boolean(), fc.integer(), (rows, n8, extreme, seed) => {
        const n = n8 * 8;
        const next = random(seed);
        const value = () => (extreme ? (next() < 0.5 ? -128 : 127) : Math.floor(next() * 256) - 128);
        const x = Int8Array.from({ length: n }, value);
        const w = Int8Array.from({ length: rows * n }, value);
        const xp = heap.place(x);
        const wp = heap.place(w);
        const out = heap.alloc(rows * 4);
        heap.exports.mv8(wp, xp, out, rows, n);
        const got = new Int32Array(heap.buffer, out, rows);
        for (let r = 0; r < rows; r++) {
          let expected = 0;
          for (let k = 0; k < n; k++) expected += w[r * n + k] * x[k];
          assert.equal(got[r], expected | 0, `row ${r}`);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("SaturatingRoundingDoublingHighMul, RoundingDivideByPOT and MultiplyByQuantizedMultiplier match fixed-point.ts", function () {
    const ex = heap.exports;
    fc.assert(fc.property(int32, int32, (a, b) => ex.srdhm(a, b) === srdhm(a, b)), { numRuns: 2000 });
    fc.assert(fc.property(int32, fc.integer({ min: 0, max: 31 }), (x, e) => ex.rdpot(x, e) === roundingDivideByPOT(x, e)), { numRuns: 2000 });
    fc.assert(
      fc.property(int32, fc.integer({ min: 1 << 30, max: 2147483647 }), fc.integer({ min: -31, max: 30 }), (x, m, s) => ex.mbqm(x, m, s) === mulByQuantizedMultiplier(x, m, s)),
      { numRuns: 3000 },
    );
    for (const [a, b] of [[-2147483648, -2147483648], [-2147483648, 2147483647], [0, -2147483648], [-1, 1], [1, -1]]) assert.equal(ex.srdhm(a, b), srdhm(a, b), `srdhm(${a}, ${b})`);
  });

  it("random CONV_2D and DEPTHWISE_CONV_2D models give the same int8 outputs with and without SIMD", function () {
    this.timeout(120000);
    const convCase = convCases([1, 2, 3, 8, 16], fc.integer({ min: -128, max: 127 }));
    fc.assert(
      fc.property(convCase, (c) => {
        fc.pre(outSize(c.padding, c.inH, c.kH, c.stride[0], c.dilation[0]) > 0 && outSize(c.padding, c.inW, c.kW, c.stride[1], c.dilation[1]) > 0);
        const bytes = convModel(c);
        sameWithAndWithoutSimd(bytes, "reference", c.seed);
        sameWithAndWithoutSimd(bytes, "xnnpack", c.seed + 1);
      }),
      { numRuns: 150 },
    );
  });

  it("random FULLY_CONNECTED models give the same int8 outputs with and without SIMD", function () {
    this.timeout(60000);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 40 }), fc.boolean(),
        fc.integer({ min: -128, max: 127 }), fc.integer({ min: -128, max: 127 }), fc.constantFrom(Activation.NONE, Activation.RELU, Activation.RELU6), fc.integer(),
        (batches, depth, units, perChannel, inZero, outZero, activation, seed) => {
          const bytes = fcModel(batches, depth, units, perChannel, inZero, outZero, activation, seed);
          sameWithAndWithoutSimd(bytes, "reference", seed);
          sameWithAndWithoutSimd(bytes, "xnnpack", seed + 1);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("requantization with left shifts and large right shifts (output scales far from the input's) matches the JS loops", function () {
    this.timeout(60000);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 24 }), fc.boolean(), fc.integer({ min: -128, max: 127 }), fc.integer({ min: -128, max: 127 }),
        fc.constantFrom(1e-6, 1e-4, 0.01, 100, 1e5, 1e7, 1e9), fc.integer(),
        (depth, units, perChannel, inZero, outZero, factor, seed) => {
          const bytes = fcModel(1, depth, units, perChannel, inZero, outZero, Activation.NONE, seed, factor);
          sameWithAndWithoutSimd(bytes, "reference", seed, 3);
        },
      ),
      { numRuns: 120 },
    );
  });

  it("float32 copies of random CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED models agree with the JS loops within 1e-5 of the sum of magnitudes", function () {
    this.timeout(120000);
    const convCase = convCases([1, 2, 3, 4, 8], fc.constant(0));
    fc.assert(
      fc.property(convCase, (c) => {
        fc.pre(outSize(c.padding, c.inH, c.kH, c.stride[0], c.dilation[0]) > 0 && outSize(c.padding, c.inW, c.kW, c.stride[1], c.dilation[1]) > 0);
        closeWithAndWithoutSimd(floatCopy(convModel(c)), c.seed);
      }),
      { numRuns: 150 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 40 }), fc.constantFrom(Activation.NONE, Activation.RELU, Activation.RELU6), fc.integer(), (batches, depth, units, activation, seed) => {
        closeWithAndWithoutSimd(floatCopy(fcModel(batches, depth, units, true, 0, 0, activation, seed)), seed);
      }),
      { numRuns: 100 },
    );
  });

  it("float MAX_POOL_2D in WebAssembly gives exactly the JS loop's outputs", function () {
    this.timeout(60000);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 13 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.constantFrom(Padding.SAME, Padding.VALID), fc.constantFrom(Activation.NONE, Activation.RELU, Activation.RELU6), fc.integer(),
        (inH, inW, depth, fH, fW, sH, sW, padding, activation, seed) => {
          const outH = outSize(padding, inH, fH, sH, 1);
          const outW = outSize(padding, inW, fW, sW, 1);
          fc.pre(outH > 0 && outW > 0);
          const m = new ModelBuilder();
          const x = m.addTensor({ name: "x", shape: [1, inH, inW, depth], type: TensorType.FLOAT32 });
          const y = m.addTensor({ name: "y", shape: [1, outH, outW, depth], type: TensorType.FLOAT32 });
          m.addOperator({
            builtin: BuiltinOperator.MAX_POOL_2D,
            inputs: [x],
            outputs: [y],
            optionsType: BuiltinOptionsType.Pool2DOptions,
            options: (fb) => {
              fb.startObject(6);
              fb.addFieldInt8(F.Pool2DOptions.padding, padding, 0);
              fb.addFieldInt32(F.Pool2DOptions.stride_w, sW, 0);
              fb.addFieldInt32(F.Pool2DOptions.stride_h, sH, 0);
              fb.addFieldInt32(F.Pool2DOptions.filter_width, fW, 0);
              fb.addFieldInt32(F.Pool2DOptions.filter_height, fH, 0);
              fb.addFieldInt8(F.Pool2DOptions.fused_activation_function, activation, 0);
              return fb.endObject();
            },
          });
          const bytes = m.finish([x], [y]);
          const simd = new Interpreter(bytes);
          const js = new Interpreter(bytes, { simd: false });
          const next = random(seed);
          const d = simd.inputs[0].data as Float32Array;
          for (let k = 0; k < d.length; k++) d[k] = next() * 16 - 8;
          js.inputs[0].data.set(d as never);
          simd.invoke();
          js.invoke();
          assert.deepEqual(Array.from(simd.outputs[0].data as Float32Array), Array.from(js.outputs[0].data as Float32Array));
        },
      ),
      { numRuns: 150 },
    );
  });

  it("mnist_lstm's LSTM state (float and int8) is exactly the JS loops' with and without SIMD, carried over runs", function () {
    if (!sharedAvailable()) this.skip();
    for (const file of ["trained_lstm.tflite", "trained_lstm_int8.tflite"]) {
      const bytes = readBytes("tflm", "mnist_lstm", file);
      const simd = new Interpreter(bytes, { keepState: true });
      const js = new Interpreter(bytes, { simd: false, keepState: true });
      const variables = (it: Interpreter) => it.tensors.filter((t) => t.isVariable);
      const next = random(11);
      for (let trial = 0; trial < 4; trial++) {
        const d = simd.inputs[0].data;
        if (d instanceof Float32Array) for (let k = 0; k < d.length; k++) d[k] = next() * 2 - 1;
        else for (let k = 0; k < d.length; k++) d[k] = Math.floor(next() * 256) - 128;
        js.inputs[0].data.set(d as never);
        simd.invoke();
        js.invoke();
        // (the LSTM's output tensor shares the arena with later tensors; its state tensors are its own: output
        // state = the last step's output, and the cell state)
        const jsVariables = variables(js);
        assert.equal(jsVariables.length, 2);
        variables(simd).forEach((t, i) => assert.deepEqual(Array.from(t.data as ArrayLike<number>), Array.from(jsVariables[i].data as ArrayLike<number>), `${file}: state ${t.name} differs (trial ${trial})`));
      }
    }
  });

  it("the shared int8 models give the same outputs with and without SIMD", function () {
    this.timeout(120000);
    if (!sharedAvailable()) this.skip();
    const models = [
      ["tflm", "person_detection", "person_detect.tflite"],
      ["mlperf-tiny", "anomaly_detection", "ad01_int8.tflite"],
      ["tflm", "hello_world", "hello_world_int8.tflite"],
      ["tflm", "mnist_lstm", "trained_lstm_int8.tflite"],
    ];
    for (const parts of models) {
      const bytes = readBytes(...parts);
      sameWithAndWithoutSimd(bytes, "reference", 7, 3);
      sameWithAndWithoutSimd(bytes, "xnnpack", 8, 3);
    }
  });
});
