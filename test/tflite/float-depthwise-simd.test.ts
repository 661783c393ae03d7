/**
 * float32 DEPTHWISE_CONV_2D in WebAssembly ("fdepthwise" in lib/tflite/wasm/int8.wat) bit for bit against the
 * sum it promises, written out here in single precision with Math.fround: per output, from +0 the products of
 * the taps inside the input (filter rows, then columns), then the bias, then the clamp. Every depth multiplier
 * the kernel reads differently (1, multiples of 8 and of 4, the rest), borders, strides, dilations, batches.
 */
import { strict as assert } from "assert";
import fc from "fast-check";
import { Interpreter } from "../../lib/tflite/interpreter";
import { ModelBuilder } from "../../lib/tflite/model-builder";
import { Activation, BuiltinOperator, BuiltinOptionsType, F, Padding, TensorType } from "../../lib/tflite/schema";
import { computePadding, outputSize } from "../../lib/tflite/kernels/common";
import { int8Module, simdUnavailableReason } from "../../lib/tflite/wasm-kernels";
import { rng as random } from "./operator-cases";

interface DepthwiseCase {
  batches: number;
  inH: number;
  inW: number;
  inC: number;
  mult: number;
  kH: number;
  kW: number;
  stride: [number, number];
  dilation: [number, number];
  padding: number;
  activation: number;
  seed: number;
}

const floats = (n: number, next: () => number) => Float32Array.from({ length: n }, () => next() * 2 - 1);
const bytesOf = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function geometry(c: DepthwiseCase) {
  const outH = outputSize(c.padding, c.inH, c.kH, c.stride[0], c.dilation[0]);
  const outW = outputSize(c.padding, c.inW, c.kW, c.stride[1], c.dilation[1]);
  const padH = computePadding(c.padding, c.stride[0], c.dilation[0], c.inH, c.kH, outH).before;
  const padW = computePadding(c.padding, c.stride[1], c.dilation[1], c.inW, c.kW, outW).before;
  return { outH, outW, outC: c.inC * c.mult, padH, padW };
}

function depthwiseModel(c: DepthwiseCase, w: Float32Array, bias: Float32Array): Uint8Array {
  const { outH, outW, outC } = geometry(c);
  const m = new ModelBuilder();
  const x = m.addTensor({ name: "x", shape: [c.batches, c.inH, c.inW, c.inC], type: TensorType.FLOAT32 });
  const wt = m.addTensor({ name: "w", shape: [1, c.kH, c.kW, outC], type: TensorType.FLOAT32, data: bytesOf(w) });
  const b = m.addTensor({ name: "b", shape: [outC], type: TensorType.FLOAT32, data: bytesOf(bias) });
  const y = m.addTensor({ name: "y", shape: [c.batches, outH, outW, outC], type: TensorType.FLOAT32 });
  const o = F.DepthwiseConv2DOptions;
  m.addOperator({
    builtin: BuiltinOperator.DEPTHWISE_CONV_2D,
    inputs: [x, wt, b],
    outputs: [y],
    optionsType: BuiltinOptionsType.DepthwiseConv2DOptions,
    options: (fb) => {
      fb.startObject(7);
      fb.addFieldInt8(o.padding, c.padding, 0);
      fb.addFieldInt32(o.stride_w, c.stride[1], 0);
      fb.addFieldInt32(o.stride_h, c.stride[0], 0);
      fb.addFieldInt8(o.fused_activation_function, c.activation, 0);
      fb.addFieldInt32(o.dilation_w_factor, c.dilation[1], 1);
      fb.addFieldInt32(o.dilation_h_factor, c.dilation[0], 1);
      fb.addFieldInt32(o.depth_multiplier, c.mult, 0);
      return fb.endObject();
    },
  });
  return m.finish([x], [y]);
}

/** The promised sum, one single-precision rounding per product and per addition. */
function expected(c: DepthwiseCase, x: Float32Array, w: Float32Array, bias: Float32Array): Float32Array {
  const { outH, outW, outC, padH, padW } = geometry(c);
  const [lo, hi] = c.activation === Activation.RELU ? [0, Infinity] : c.activation === Activation.RELU6 ? [0, 6] : [-Infinity, Infinity];
  const y = new Float32Array(c.batches * outH * outW * outC);
  const f = Math.fround;
  let at = 0;
  for (let n = 0; n < c.batches; n++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let oc = 0; oc < outC; oc++) {
          const ic = Math.floor(oc / c.mult);
          let acc = 0;
          for (let fy = 0; fy < c.kH; fy++) {
            const iy = oy * c.stride[0] - padH + fy * c.dilation[0];
            if (iy < 0 || iy >= c.inH) continue;
            for (let fx = 0; fx < c.kW; fx++) {
              const ix = ox * c.stride[1] - padW + fx * c.dilation[1];
              if (ix < 0 || ix >= c.inW) continue;
              acc = f(acc + f(x[((n * c.inH + iy) * c.inW + ix) * c.inC + ic] * w[(fy * c.kW + fx) * outC + oc]));
            }
          }
          const v = f(acc + bias[oc]);
          y[at++] = v < lo ? lo : v > hi ? hi : v;
        }
      }
    }
  }
  return y;
}

function check(c: DepthwiseCase): void {
  const next = random(c.seed);
  const outC = c.inC * c.mult;
  const w = floats(c.kH * c.kW * outC, next);
  const bias = floats(outC, next);
  const it = new Interpreter(depthwiseModel(c, w, bias));
  for (let trial = 0; trial < 2; trial++) {
    const x = floats(c.batches * c.inH * c.inW * c.inC, next);
    (it.inputs[0].data as Float32Array).set(x);
    it.invoke();
    const want = expected(c, x, w, bias);
    const got = it.outputs[0].data as Float32Array;
    assert.equal(got.length, want.length);
    for (let k = 0; k < want.length; k++) {
      if (!Object.is(got[k], want[k])) assert.fail(`${JSON.stringify(c)}: output ${k} is ${got[k]}, the single-precision sum ${want[k]}`);
    }
  }
}

const cases = (multipliers: number[]) =>
  fc.record({
    batches: fc.integer({ min: 1, max: 2 }),
    inH: fc.integer({ min: 1, max: 12 }),
    inW: fc.integer({ min: 1, max: 12 }),
    inC: fc.integer({ min: 1, max: 20 }),
    mult: fc.constantFrom(...multipliers),
    kH: fc.integer({ min: 1, max: 5 }),
    kW: fc.integer({ min: 1, max: 5 }),
    stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
    padding: fc.constantFrom(Padding.SAME, Padding.VALID),
    activation: fc.constantFrom(Activation.NONE, Activation.RELU, Activation.RELU6),
    seed: fc.integer(),
  });

const hasOutput = (c: DepthwiseCase) => geometry(c).outH > 0 && geometry(c).outW > 0;

describe("tflite float32 DEPTHWISE_CONV_2D in WebAssembly", function () {
  before(function () {
    if (!int8Module()) {
      console.log(`      (skipped: WebAssembly SIMD kernels unavailable: ${simdUnavailableReason()})`);
      this.skip();
    }
  });

  for (const [label, multipliers] of [
    ["depth multiplier 1", [1]],
    ["depth multipliers that are multiples of 8", [8, 16, 24]],
    ["depth multipliers that are multiples of 4 but not 8", [4, 12, 20]],
    ["other depth multipliers", [2, 3, 5, 6, 7]],
  ] as Array<[string, number[]]>) {
    it(`${label}: bit for bit the single-precision sum in TFLite's order`, function () {
      this.timeout(60000);
      fc.assert(
        fc.property(cases(multipliers), (c) => {
          fc.pre(hasOutput(c));
          check(c);
        }),
        { numRuns: 120 },
      );
    });
  }

  it("magic_wand's shape (3-wide input all border, multiplier 8, 4×3 filter) bit for bit", function () {
    check({ batches: 1, inH: 128, inW: 3, inC: 1, mult: 8, kH: 4, kW: 3, stride: [1, 1], dilation: [1, 1], padding: Padding.SAME, activation: Activation.RELU, seed: 7 });
  });
});
