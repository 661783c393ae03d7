/**
 * The 8-bit unary operators computed as a 256-entry table at prepare time (kernels/byte-lookup.ts): every one of
 * the 256 input values, under several random quantizations, through a one-operator model, against tfjs-tflite
 * bit for bit, in both arithmetics (LEAKY_RELU in the xnnpack one, which tfjs-tflite runs). A table differing from the per-element arithmetic in one entry shows here.
 */
import { strict as assert } from "assert";
import { Interpreter } from "../../lib/tflite/interpreter";
import { singleOperatorModel } from "../../lib/tflite/model-builder";
import type { OptionField } from "../../lib/tflite/model-builder";
import { TfliteOracle } from "./oracle/tfjs-tflite-oracle";
import { B, F, O, T, rng } from "./operator-cases";
import { compare } from "./operator-values";

const QUANTIZATIONS = 4;

interface Op {
  name: string;
  builtin: number;
  types: T[];
  /** a fixed output quantization (TFLite requires it for LOGISTIC and TANH) */
  output?: (type: T) => { scale: number; zeroPoint: number };
  /** tfjs-tflite runs it through XNNPACK, whose arithmetic differs from TFLite's reference kernel: only ours in xnnpack compared */
  xnnpackOnly?: boolean;
  options?: (next: () => number) => { optionsType: number; options: OptionField[] };
}

const OPS: Op[] = [
  { name: "GELU", builtin: B.GELU, types: [T.INT8, T.UINT8], options: (next) => ({ optionsType: O.GeluOptions, options: [{ slot: F.GeluOptions.approximate, kind: "bool", value: next() < 0.5 }] }) },
  { name: "HARD_SWISH", builtin: B.HARD_SWISH, types: [T.INT8, T.UINT8] },
  { name: "LOGISTIC", builtin: B.LOGISTIC, types: [T.INT8, T.UINT8], output: (t) => ({ scale: 1 / 256, zeroPoint: t === T.INT8 ? -128 : 0 }) },
  { name: "TANH", builtin: B.TANH, types: [T.INT8, T.UINT8], output: (t) => ({ scale: 1 / 128, zeroPoint: t === T.INT8 ? 0 : 128 }) },
  { name: "ABS", builtin: B.ABS, types: [T.INT8] },
  { name: "RELU", builtin: B.RELU, types: [T.INT8, T.UINT8] },
  { name: "RELU6", builtin: B.RELU6, types: [T.INT8, T.UINT8] },
  { name: "RELU_N1_TO_1", builtin: B.RELU_N1_TO_1, types: [T.INT8, T.UINT8] },
  { name: "LEAKY_RELU", builtin: B.LEAKY_RELU, types: [T.INT8, T.UINT8], xnnpackOnly: true, options: (next) => ({ optionsType: O.LeakyReluOptions, options: [{ slot: F.LeakyReluOptions.alpha, kind: "float32", value: Math.fround(0.05 + next() * 0.9) }] }) },
];

describe("8-bit unary operators as lookup tables, all 256 inputs against tfjs-tflite", function () {
  this.timeout(120000);
  let oracle: TfliteOracle | undefined;
  before(() => (oracle = new TfliteOracle()));
  after(async () => oracle?.close());

  for (const op of OPS) {
    for (const type of op.types) {
      it(`${op.name} ${T[type]}: ${QUANTIZATIONS} random quantizations`, async function () {
        const next = rng(1000 + op.builtin * 7 + type);
        const low = type === T.INT8 ? -128 : 0;
        const all = Array.from({ length: 256 }, (_, i) => low + i);
        let compared = 0;
        const refusals: string[] = [];
        for (let k = 0; k < QUANTIZATIONS; k++) {
          const zero = () => low + Math.floor(next() * 256);
          const xq = { scale: Math.fround(0.005 + next() * 0.1), zeroPoint: zero() };
          const yq = op.output?.(type) ?? { scale: Math.fround(xq.scale * (0.3 + next() * 2)), zeroPoint: zero() };
          const q = (p: { scale: number; zeroPoint: number }) => ({ scale: [p.scale], zeroPoint: [p.zeroPoint] });
          const bytes = singleOperatorModel({ builtin: op.builtin, inputs: [{ shape: [256], type, quantization: q(xq) }], outputs: [{ shape: [256], type, quantization: q(yq) }], ...op.options?.(next) });
          const label = `${op.name} ${T[type]} ${xq.scale}/${xq.zeroPoint} → ${yq.scale}/${yq.zeroPoint}`;
          let theirs: ArrayLike<number>;
          try {
            await oracle!.load(bytes);
            theirs = (await oracle!.run([type === T.INT8 ? Int8Array.from(all) : Uint8Array.from(all)])).outputs[0].data as ArrayLike<number>;
          } catch (err) {
            refusals.push(`${label}: ${(err as Error).message.split("\n")[0]}`);
            continue;
          }
          for (const arithmetic of op.xnnpackOnly ? (["xnnpack"] as const) : (["reference", "xnnpack"] as const)) {
            const ours = new Interpreter(bytes, { arithmetic });
            (ours.inputs[0].data as Int8Array).set(all);
            ours.invoke();
            compare(`${label} (${arithmetic})`, ours.outputs[0].data as Int8Array, theirs, false);
          }
          compared++;
        }
        assert.ok(compared >= QUANTIZATIONS / 2, `only ${compared} quantizations compared; refused: ${refusals.join("; ")}`);
      });
    }
  }
});
