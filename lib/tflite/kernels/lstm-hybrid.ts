/**
 * The gate sums of a hybrid UNIDIRECTIONAL_SEQUENCE_LSTM (float32 activations and state, int8 weights, as
 * dynamic-range quantization converts): TFLite's lstm_eval EvalHybrid. Per step and batch row, the input and the
 * output state are each quantized to int8 on the fly (symmetrically, or asymmetrically with asymmetric_quantize_inputs);
 * each gate starts at its bias, then adds the input product and then the recurrent product, each an int32 sum (less
 * row sum × zero point when asymmetric) rounded to float32 and scaled by (row scale × weights scale), in float32.
 * An all-zero input or state skips its product, which is what quantizing it would add (zero). The rest of the step
 * (activations, cell update, output) is the float kernel's (lstm.ts).
 */
import { TensorType } from "../schema";
import { fail, type KernelContext } from "../kernel";
import type { Tensor } from "../tensor";
import { symmetricQuantize } from "./hybrid";
import { asymmetricQuantize } from "./hybrid-depthwise";

const f32 = Math.fround;

export interface LstmGateTensors {
  wx: Tensor | undefined;
  wh: Tensor | undefined;
  bias: Tensor | undefined;
}

/** one int8 weight matrix [rows, cols]: its data, legacy per-tensor scale and row sums (for asymmetric rows) */
interface QuantizedMatrix {
  data: Int8Array;
  scale: number;
  rowSums: Int32Array;
}

function quantizedMatrix(ctx: KernelContext, t: Tensor, rows: number, cols: number): QuantizedMatrix {
  if (t.type !== TensorType.INT8) fail(ctx, `hybrid LSTM weights "${t.name}" are ${t.typeName}, int8 expected`);
  if (t.scales.length !== 1) fail(ctx, `hybrid LSTM weights "${t.name}" must be quantized per tensor`);
  if (t.zeroPoint !== 0) fail(ctx, `hybrid LSTM weights "${t.name}" must be symmetric (zero point 0)`);
  if (t.size !== rows * cols) fail(ctx, `hybrid LSTM weights "${t.name}" [${t.shape}] do not fit ${rows}×${cols}`);
  const data = t.data as Int8Array;
  const rowSums = new Int32Array(rows);
  for (let r = 0; r < rows; r++) for (let k = 0; k < cols; k++) rowSums[r] += data[r * cols + k];
  return { data, scale: f32(t.scales[0]), rowSums };
}

/**
 * Returns sums(x, xOff, h, b): the live gates' pre-activation values for batch row b (input row x[xOff..], output
 * state row b of h) written into scratch[g][b·nCell ..].
 */
export function prepareHybridLstmGates(ctx: KernelContext, gates: LstmGateTensors[], scratch: Float32Array[], nInput: number, nOutput: number, nCell: number, asymmetric: boolean) {
  const live = [0, 1, 2, 3].filter((g) => gates[g].wx && gates[g].wh);
  const matrices = live.map((g) => {
    const { wx, wh, bias } = gates[g];
    if (bias && bias.type !== TensorType.FLOAT32) fail(ctx, `hybrid LSTM bias "${bias.name}" is ${bias.typeName}, float32 expected`);
    return { input: quantizedMatrix(ctx, wx!, nCell, nInput), recurrent: quantizedMatrix(ctx, wh!, nCell, nOutput), bias: bias?.data as Float32Array | undefined, out: scratch[g] };
  });
  const qx = new Int8Array(nInput);
  const qh = new Int8Array(nOutput);
  return (x: Float32Array, xOff: number, h: Float32Array, b: number): void => {
    const oOff = b * nCell;
    for (const { bias, out } of matrices) for (let c = 0; c < nCell; c++) out[oOff + c] = bias ? bias[c] : 0;
    const xRow = quantizeRow(x, xOff, nInput, qx, asymmetric);
    if (xRow) for (const { input, out } of matrices) accumulate(input, nCell, nInput, qx, xRow, out, oOff);
    const hRow = quantizeRow(h, b * nOutput, nOutput, qh, asymmetric);
    if (hRow) for (const { recurrent, out } of matrices) accumulate(recurrent, nCell, nOutput, qh, hRow, out, oOff);
  };
}

/**
 * The hybrid projection: out[b] = bias + weights [nOutput, nCell] × m[b] with m's row quantized on the fly
 * (TFLite's CalculateLstmOutputHybrid); returns project(m, mOff, out, oOff).
 */
export function prepareHybridProjection(ctx: KernelContext, weights: Tensor, bias: Tensor | undefined, nOutput: number, nCell: number, asymmetric: boolean) {
  if (bias && bias.type !== TensorType.FLOAT32) fail(ctx, `hybrid LSTM projection bias "${bias.name}" is ${bias.typeName}, float32 expected`);
  const matrix = quantizedMatrix(ctx, weights, nOutput, nCell);
  const bd = bias?.data as Float32Array | undefined;
  const q = new Int8Array(nCell);
  return (m: Float32Array, mOff: number, out: Float32Array, oOff: number): void => {
    for (let r = 0; r < nOutput; r++) out[oOff + r] = bd ? bd[r] : 0;
    const row = quantizeRow(m, mOff, nCell, q, asymmetric);
    if (row) accumulate(matrix, nOutput, nCell, q, row, out, oOff);
  };
}

/** quantizes values[offset .. offset+size] into q: its scale and zero point, or undefined when all zero */
function quantizeRow(values: Float32Array, offset: number, size: number, q: Int8Array, asymmetric: boolean): { scale: number; zeroPoint: number } | undefined {
  let zero = true;
  for (let k = 0; k < size && zero; k++) zero = values[offset + k] === 0;
  if (zero) return undefined;
  return asymmetric ? asymmetricQuantize(values, offset, size, q) : { scale: symmetricQuantize(values, offset, size, q), zeroPoint: 0 };
}

/** out[oOff + r] += (Σ m[r, k] q[k] − rowSum[r] × zeroPoint) × (row scale × matrix scale), in float32 */
function accumulate(m: QuantizedMatrix, rows: number, cols: number, q: Int8Array, row: { scale: number; zeroPoint: number }, out: Float32Array, oOff: number): void {
  const scale = f32(row.scale * m.scale);
  const d = m.data;
  for (let r = 0; r < rows; r++) {
    let dot = 0;
    const wo = r * cols;
    for (let k = 0; k < cols; k++) dot += d[wo + k] * q[k];
    dot -= m.rowSums[r] * row.zeroPoint;
    out[oOff + r] = f32(out[oOff + r] + f32(f32(dot) * scale));
  }
}
