/**
 * SVDF one-operator models for the operator bench, of a keyword-spotting layer's size (256 features, 64 units of
 * rank 2, a memory of 16 steps): float32, hybrid (int8 weights, float activations) and full integer (int8 input,
 * int16 state), laid out as svdf-differential.test.ts lays out its own (which stays the bit-for-bit check).
 */
import { ModelBuilder, elementBytes, optionsTable } from "../../lib/tflite/model-builder";
import { Activation, BuiltinOperator, TensorType } from "../../lib/tflite/schema";
import { rng, type OperatorCase } from "../../test/tflite/operator-cases";
import type { Candidate } from "./operator-models";

const SVDF_OPTIONS = 6;
const [BATCH, INPUTS, UNITS, RANK, MEMORY] = [1, 256, 64, 2, 16];
const FILTERS = UNITS * RANK;

type Kind = "float32" | "hybrid" | "int8";

function svdfModel(kind: Kind, next: () => number): Uint8Array {
  const { FLOAT32, INT8, INT16, INT32 } = TensorType;
  const q = (scale: number, zeroPoint = 0) => ({ scale: [Math.fround(scale)], zeroPoint: [zeroPoint] });
  const ints = (n: number, lo: number, hi: number) => Array.from({ length: n }, () => lo + Math.floor(next() * (hi - lo + 1)));
  const floats = (n: number) => Array.from({ length: n }, () => Math.fround(next() * 2 - 1));
  const m = new ModelBuilder();
  // full integer: the scales the differential test derives (input × feature / state 0.7, state × time / output 2e-8)
  const stateScale = Math.fround(Math.fround(0.02 * 0.004) / 0.7);
  const outputScale = Math.fround(Math.fround(stateScale * 0.0003) / 2e-8);
  const x = m.addTensor({ name: "input", shape: [BATCH, INPUTS], type: kind === "int8" ? INT8 : FLOAT32, quantization: kind === "int8" ? q(0.02, -3) : undefined });
  const wf =
    kind === "float32"
      ? m.addTensor({ name: "weights_feature", shape: [FILTERS, INPUTS], type: FLOAT32, data: elementBytes(FLOAT32, floats(FILTERS * INPUTS)) })
      : m.addTensor({ name: "weights_feature", shape: [FILTERS, INPUTS], type: INT8, quantization: q(kind === "int8" ? 0.004 : 0.0071), data: elementBytes(INT8, ints(FILTERS * INPUTS, -127, 127)) });
  const wt =
    kind === "float32"
      ? m.addTensor({ name: "weights_time", shape: [FILTERS, MEMORY], type: FLOAT32, data: elementBytes(FLOAT32, floats(FILTERS * MEMORY)) })
      : kind === "hybrid"
        ? m.addTensor({ name: "weights_time", shape: [FILTERS, MEMORY], type: INT8, quantization: q(0.013), data: elementBytes(INT8, ints(FILTERS * MEMORY, -127, 127)) })
        : m.addTensor({ name: "weights_time", shape: [FILTERS, MEMORY], type: INT16, quantization: q(0.0003), data: elementBytes(INT16, ints(FILTERS * MEMORY, -32768, 32767)) });
  const bias = kind === "int8" ? m.addTensor({ name: "bias", shape: [UNITS], type: INT32, quantization: q(stateScale * 0.0003), data: elementBytes(INT32, ints(UNITS, -(2 ** 20), 2 ** 20)) }) : m.addTensor({ name: "bias", shape: [UNITS], type: FLOAT32, data: elementBytes(FLOAT32, floats(UNITS)) });
  const state = m.addTensor({ name: "activation_state", shape: [BATCH, MEMORY * FILTERS], type: kind === "int8" ? INT16 : FLOAT32, quantization: kind === "int8" ? q(stateScale) : undefined, isVariable: true });
  const y = m.addTensor({ name: "output", shape: [BATCH, UNITS], type: kind === "int8" ? INT8 : FLOAT32, quantization: kind === "int8" ? q(outputScale, 5) : undefined });
  m.addOperator({
    builtin: BuiltinOperator.SVDF,
    inputs: [x, wf, wt, bias, state],
    outputs: [y],
    optionsType: SVDF_OPTIONS,
    options: optionsTable([
      { slot: 0, kind: "int32", value: RANK },
      // integer SVDF runs only with RELU (TFLite's rule)
      { slot: 1, kind: "int8", value: kind === "int8" ? Activation.RELU : Activation.NONE },
    ]),
  });
  return m.finish([x], [y]);
}

/** One candidate per SVDF kind, its case describing the operands for the bench's key and random inputs. */
export function svdfCandidates(): Array<[string, Candidate[]]> {
  return (["float32", "hybrid", "int8"] as const).map((kind, i) => {
    const input = kind === "int8" ? TensorType.INT8 : TensorType.FLOAT32;
    const c: OperatorCase = {
      label: `SVDF ${kind} [${BATCH},${INPUTS}] ${UNITS} units rank ${RANK} memory ${MEMORY}`,
      builtin: BuiltinOperator.SVDF,
      inputs: [{ shape: [BATCH, INPUTS], type: input }],
      outputs: [{ shape: [BATCH, UNITS], type: input }],
    };
    const key = `SVDF ${kind === "hybrid" ? "float32 (int8 weights)" : kind}`;
    return [key, [{ key, family: "SVDF", scale: 1, size: FILTERS * INPUTS, case: c, model: svdfModel(kind, rng(300 + i)) }]];
  });
}
