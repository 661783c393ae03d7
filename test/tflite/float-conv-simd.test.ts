/**
 * float32 CONV_2D in WebAssembly ("fconv" in lib/tflite/wasm/int8.wat) bit for bit against the sum it promises,
 * written out here in single precision with Math.fround: per output, from +0 the products over the patch (filter
 * rows, columns, input channels; taps outside the input read 0), then the bias, then the clamp. Pointwise
 * (1×1) models, 1-D ones (a filter as wide as the input), borders, strides, dilations, batches.
 */
import { strict as assert } from "assert";
import fc from "fast-check";
import { Interpreter } from "../../lib/tflite/interpreter";
import { ModelBuilder } from "../../lib/tflite/model-builder";
import { Activation, BuiltinOperator, BuiltinOptionsType, F, Padding, TensorType } from "../../lib/tflite/schema";
import { computePadding, outputSize } from "../../lib/tflite/kernels/common";
import { int8Module, simdUnavailableReason } from "../../lib/tflite/wasm-kernels";
import { rng as random } from "./operator-cases";

interface ConvCase {
  batches: number;
  inH: number;
  inW: number;
  inC: number;
  outC: number;
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

function geometry(c: ConvCase) {
  const outH = outputSize(c.padding, c.inH, c.kH, c.stride[0], c.dilation[0]);
  const outW = outputSize(c.padding, c.inW, c.kW, c.stride[1], c.dilation[1]);
  const padH = computePadding(c.padding, c.stride[0], c.dilation[0], c.inH, c.kH, outH).before;
  const padW = computePadding(c.padding, c.stride[1], c.dilation[1], c.inW, c.kW, outW).before;
  return { outH, outW, outC: c.outC, padH, padW };
}

function convModel(c: ConvCase, w: Float32Array, bias: Float32Array): Uint8Array {
  const { outH, outW, outC } = geometry(c);
  const m = new ModelBuilder();
  const x = m.addTensor({ name: "x", shape: [c.batches, c.inH, c.inW, c.inC], type: TensorType.FLOAT32 });
  const wt = m.addTensor({ name: "w", shape: [outC, c.kH, c.kW, c.inC], type: TensorType.FLOAT32, data: bytesOf(w) });
  const b = m.addTensor({ name: "b", shape: [outC], type: TensorType.FLOAT32, data: bytesOf(bias) });
  const y = m.addTensor({ name: "y", shape: [c.batches, outH, outW, outC], type: TensorType.FLOAT32 });
  const o = F.Conv2DOptions;
  m.addOperator({
    builtin: BuiltinOperator.CONV_2D,
    inputs: [x, wt, b],
    outputs: [y],
    optionsType: BuiltinOptionsType.Conv2DOptions,
    options: (fb) => {
      fb.startObject(6);
      fb.addFieldInt8(o.padding, c.padding, 0);
      fb.addFieldInt32(o.stride_w, c.stride[1], 0);
      fb.addFieldInt32(o.stride_h, c.stride[0], 0);
      fb.addFieldInt8(o.fused_activation_function, c.activation, 0);
      fb.addFieldInt32(o.dilation_w_factor, c.dilation[1], 1);
      fb.addFieldInt32(o.dilation_h_factor, c.dilation[0], 1);
      return fb.endObject();
    },
  });
  return m.finish([x], [y]);
}

/** The promised sum, one single-precision rounding per product and per addition. */
function expected(c: ConvCase, x: Float32Array, w: Float32Array, bias: Float32Array): Float32Array {
  const { outH, outW, outC, padH, padW } = geometry(c);
  const [lo, hi] = c.activation === Activation.RELU ? [0, Infinity] : c.activation === Activation.RELU6 ? [0, 6] : [-Infinity, Infinity];
  const y = new Float32Array(c.batches * outH * outW * outC);
  const f = Math.fround;
  let at = 0;
  for (let n = 0; n < c.batches; n++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let oc = 0; oc < outC; oc++) {
          let acc = 0;
          for (let fy = 0; fy < c.kH; fy++) {
            const iy = oy * c.stride[0] - padH + fy * c.dilation[0];
            for (let fx = 0; fx < c.kW; fx++) {
              const ix = ox * c.stride[1] - padW + fx * c.dilation[1];
              const inside = iy >= 0 && iy < c.inH && ix >= 0 && ix < c.inW;
              for (let ic = 0; ic < c.inC; ic++) {
                const xv = inside ? x[((n * c.inH + iy) * c.inW + ix) * c.inC + ic] : 0;
                acc = f(acc + f(xv * w[((oc * c.kH + fy) * c.kW + fx) * c.inC + ic]));
              }
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

function check(c: ConvCase): void {
  const next = random(c.seed);
  const outC = c.outC;
  const w = floats(outC * c.kH * c.kW * c.inC, next);
  const bias = floats(outC, next);
  const it = new Interpreter(convModel(c, w, bias));
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

const cases = (shape: { inW?: number; kW?: number; k1?: boolean }) =>
  fc.record({
    batches: fc.integer({ min: 1, max: 2 }),
    inH: fc.integer({ min: 1, max: 12 }),
    inW: shape.inW !== undefined ? fc.constant(shape.inW) : fc.integer({ min: 1, max: 8 }),
    inC: fc.integer({ min: 1, max: 12 }),
    outC: fc.integer({ min: 1, max: 40 }),
    kH: shape.k1 ? fc.constant(1) : fc.integer({ min: 1, max: 4 }),
    kW: shape.k1 ? fc.constant(1) : shape.kW !== undefined ? fc.constant(shape.kW) : fc.integer({ min: 1, max: 4 }),
    stride: shape.k1 ? fc.constant<[number, number]>([1, 1]) : fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    dilation: shape.k1 || shape.inW !== undefined ? fc.constant<[number, number]>([1, 1]) : fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
    padding: shape.k1 ? fc.constant(Padding.VALID) : fc.constantFrom(Padding.SAME, Padding.VALID),
    activation: fc.constantFrom(Activation.NONE, Activation.RELU, Activation.RELU6),
    seed: fc.integer(),
  });

const hasOutput = (c: ConvCase) => geometry(c).outH > 0 && geometry(c).outW > 0;

describe("tflite float32 CONV_2D in WebAssembly", function () {
  before(function () {
    if (!int8Module()) {
      console.log(`      (skipped: WebAssembly SIMD kernels unavailable: ${simdUnavailableReason()})`);
      this.skip();
    }
  });

  for (const [label, shape] of [
    ["any geometry", {}],
    ["pointwise (1×1, stride 1)", { k1: true }],
    ["1-D (a filter as wide as a one-column input)", { inW: 1, kW: 1 }],
    ["1-D (a filter as wide as a three-column input)", { inW: 3, kW: 3 }],
  ] as Array<[string, { inW?: number; kW?: number; k1?: boolean }]>) {
    it(`${label}: bit for bit the single-precision sum in TFLite's order`, function () {
      this.timeout(60000);
      fc.assert(
        fc.property(cases(shape), (c) => {
          fc.pre(hasOutput(c));
          check(c);
        }),
        { numRuns: 100 },
      );
    });
  }

  it("magic_wand's second convolution's shape (42 rows, one column, 8 channels, 4×1 filter, 16 outputs) bit for bit", function () {
    check({ batches: 1, inH: 42, inW: 1, inC: 8, outC: 16, kH: 4, kW: 1, stride: [1, 1], dilation: [1, 1], padding: Padding.SAME, activation: Activation.RELU, seed: 11 });
  });
});
