/**
 * UNIDIRECTIONAL_SEQUENCE_LSTM, float32: TFLite's gate order (forget, cell, input, output), optional CIFG
 * (no input gate: i = 1 - f), peephole connections, layer normalisation, projection (with its clip), cell
 * clipping, batch- or time-major input. State lives in the model's two
 * variable tensors (output state, cell state). int8 models go to the integer kernel in lstm-integer.ts; float ones
 * with int8 weights (hybrid) take their gate sums from lstm-hybrid.ts and the rest of the step from here. Sigmoid
 * and tanh are Eigen's (eigen-activations.ts) and 1 - f is float32, as in TFLite's lstm_eval.
 * Gate sums are float32, bias plus the input terms' sum plus the recurrent terms' sum; with WebAssembly SIMD they
 * are int8.wat's fmv32, which adds the same terms in the same order, and the gates' sigmoid and tanh and the cell
 * state's tanh (without peepholes and layer normalisation) float-transcendental.wat's, the same Eigen functions.
 */
import { F, TensorType, Activation } from "../schema";
import { fail, input, type KernelContext, type PrepareKernel } from "../kernel";
import { prepareIntegerLstm } from "./lstm-integer";
import { prepareHybridLstmGates, prepareHybridProjection } from "./lstm-hybrid";
import { eigenLogistic, eigenTanh } from "./eigen-activations";
import { FloatFunction, heapFunction } from "./float-transcendental-simd";

const f32 = Math.fround;
// TFLite's MeanStddevNormalization adds it to the variance
const NORMALIZATION_EPSILON = f32(1e-8);
const sigmoid = eigenLogistic;

export const prepareUnidirectionalSequenceLstm: PrepareKernel = (ctx) => prepareLstm(ctx, false);

/** LSTM (one step, input [batches, inputs], output [batches, outputs]): TFLite runs it as a sequence of one step. */
export const prepareLstmStep: PrepareKernel = (ctx) => prepareLstm(ctx, true);

function prepareLstm(ctx: KernelContext, oneStep: boolean) {
  const x = input(ctx, 0);
  const y = ctx.outputs[0];
  const w = (i: number) => ctx.inputs[i];
  if (oneStep && x.type !== TensorType.FLOAT32) fail(ctx, `${x.typeName} LSTM is not supported (float32 only)`);
  if (x.type === TensorType.INT8) return prepareIntegerLstm(ctx);
  if (x.type !== TensorType.FLOAT32) fail(ctx, `${x.typeName} LSTM is not supported (float32 and int8 only)`);
  if (oneStep && (ctx.options?.int8(F.LSTMOptions.kernel_type, 0) ?? 0) !== 0) fail(ctx, "the basic LSTM kernel is not supported");
  if (x.shape.length !== (oneStep ? 2 : 3)) fail(ctx, `input must be ${oneStep ? 2 : 3}-D, got [${x.shape}]`);
  const hybrid = input(ctx, 2).type === TensorType.INT8;
  if (!hybrid && input(ctx, 2).type !== TensorType.FLOAT32) fail(ctx, `float32 LSTM with ${input(ctx, 2).typeName} weights is not supported`);
  const outputState = w(18);
  const cellState = w(19);
  if (!outputState || !cellState) fail(ctx, "output and cell state tensors are required");
  const o = ctx.options;
  // LSTMOptions has the same slots but for time_major's, which is its kernel_type
  const U = F.UnidirectionalSequenceLSTMOptions;
  const activation = o?.int8(U.fused_activation_function, Activation.TANH) ?? Activation.TANH;
  const cellClip = o?.float32(U.cell_clip, 0) ?? 0;
  const timeMajor = oneStep || (o?.bool(U.time_major, false) ?? false);
  const asymmetric = o?.bool(U.asymmetric_quantize_inputs, false) ?? false;
  const act = activation === Activation.TANH ? eigenTanh : activation === Activation.RELU ? (v: number) => Math.max(0, v) : activation === Activation.RELU6 ? (v: number) => Math.min(6, Math.max(0, v)) : activation === Activation.NONE ? (v: number) => v : fail(ctx, `activation ${Activation[activation]} is not supported`);
  const cifg = !w(1);
  const [d0, d1, nInput] = oneStep ? [1, ...x.shape] : x.shape;
  const steps = timeMajor ? d0 : d1;
  const batches = timeMajor ? d1 : d0;
  const inForget = input(ctx, 2);
  const nCell = inForget.shape[0];
  const nOutput = input(ctx, 6).shape[1];
  const projWeights = w(16);
  const projBias = w(17);
  if (projBias && !projWeights) fail(ctx, "a projection bias needs projection weights");
  if (!projWeights && nOutput !== nCell) fail(ctx, "output size differs from cell size without projection");
  if (projWeights && (projWeights.shape[0] !== nOutput || projWeights.shape[1] !== nCell)) fail(ctx, `projection weights [${projWeights.shape}] do not fit ${nOutput}×${nCell}`);
  const projClip = o?.float32(U.proj_clip, 0) ?? 0;
  // the projection of o × tanh(c) onto the output state: bias, plus the float32 sum from zero (or the hybrid product)
  let project: ((m: Float32Array, mOff: number, out: Float32Array, oOff: number) => void) | undefined;
  if (projWeights && hybrid) project = prepareHybridProjection(ctx, projWeights, projBias, nOutput, nCell, asymmetric);
  else if (projWeights) {
    if (projWeights.type !== TensorType.FLOAT32 || (projBias && projBias.type !== TensorType.FLOAT32)) fail(ctx, "float32 projection weights and bias expected");
    const pw = projWeights.data as Float32Array;
    const pb = projBias?.data as Float32Array | undefined;
    project = (m, mOff, out, oOff) => {
      for (let r = 0; r < nOutput; r++) {
        let d = 0;
        for (let k = 0; k < nCell; k++) d = f32(d + f32(pw[r * nCell + k] * m[mOff + k]));
        out[oOff + r] = f32((pb ? pb[r] : 0) + d);
      }
    };
  }
  const gated = new Float32Array(project ? batches * nCell : 0);
  // peephole weights (input, forget, output gates: cell state × weight added before the activation), dequantized
  // once when int8 (hybrid: TFLite's VectorScalarMultiply by the legacy per-tensor scale)
  const peephole = [9, 10, 11].map((i) => {
    const t = w(i);
    if (!t) return undefined;
    if (t.size !== nCell) fail(ctx, `peephole weights "${t.name}" [${t.shape}] do not fit ${nCell} cells`);
    if (t.type === TensorType.FLOAT32 && !hybrid) return t.data as Float32Array;
    if (t.type !== TensorType.INT8 || !hybrid) fail(ctx, `peephole weights "${t.name}" are ${t.typeName}, ${hybrid ? "int8" : "float32"} expected`);
    if (t.scales.length !== 1 || t.zeroPoint !== 0) fail(ctx, `peephole weights "${t.name}" must be symmetric per-tensor int8`);
    const scale = f32(t.scales[0]);
    return Float32Array.from(t.data as Int8Array, (v) => f32(scale * v));
  });
  const [peepInput, peepForget, peepOutput] = peephole;
  if ((peepForget || peepOutput || peepInput) && (!peepForget || !peepOutput || (!cifg && !peepInput))) fail(ctx, "peephole weights must be given for every gate");
  // layer normalisation coefficients (input, forget, cell, output gates): all or none, float32
  const norms = [20, 21, 22, 23].map((i) => w(i));
  const layerNorm = norms.some((t) => t);
  if (layerNorm) {
    for (let g = cifg ? 1 : 0; g < 4; g++) {
      const t = norms[g];
      if (!t) fail(ctx, "layer normalisation coefficients must be given for every gate");
      if (t.type !== TensorType.FLOAT32 || t.size !== nCell) fail(ctx, `layer normalisation coefficients "${t.name}" must be float32 [${nCell}]`);
      const b = w(12 + g);
      if (b && b.type !== TensorType.FLOAT32) fail(ctx, `bias "${b.name}" is ${b.typeName}, float32 expected`);
    }
  }
  const normData = norms.map((t) => t?.data as Float32Array | undefined);
  const normBias = [0, 1, 2, 3].map((g) => w(12 + g)?.data as Float32Array | undefined);
  /** MeanStddevNormalization of each batch row of gate g, times its coefficients, plus its bias (TFLite's order) */
  const normalize = (g: number, v: Float32Array) => {
    const coefficients = normData[g]!;
    const bias = normBias[g];
    for (let b = 0; b < batches; b++) {
      const o = b * nCell;
      let sum = 0;
      for (let c = 0; c < nCell; c++) sum = f32(sum + v[o + c]);
      const mean = f32(sum / nCell);
      let sq = 0;
      for (let c = 0; c < nCell; c++) {
        const d = f32(v[o + c] - mean);
        sq = f32(sq + f32(d * d));
      }
      const variance = f32(sq / nCell);
      const inv = f32(1 / f32(Math.sqrt(f32(variance + NORMALIZATION_EPSILON))));
      for (let c = 0; c < nCell; c++) {
        const n = f32(f32(v[o + c] - mean) * inv);
        v[o + c] = f32(f32(coefficients[c] * n) + (bias ? bias[c] : 0));
      }
    }
  };
  const gates = ["input", "forget", "cell", "output"].map((_, g) => ({
    wx: w(1 + g),
    wh: w(5 + g),
    // with layer normalisation the bias is added after normalising
    bias: layerNorm ? undefined : w(12 + g),
  }));
  const scratch = gates.map(() => new Float32Array(batches * nCell));
  // The weights are constant tensors: their arrays are taken once. Each gate is its bias, plus the input terms
  // summed from zero in float32, plus the recurrent terms summed likewise (TFLite's portable
  // MatrixBatchVectorMultiplyAccumulate, one call per matrix).
  const gateData = gates.map(({ wx, wh, bias }) => (wx && wh ? { wxd: wx.data as Float32Array, whd: wh.data as Float32Array, bd: bias?.data as Float32Array | undefined } : undefined));
  const gate = (g: number, xt: Float32Array, xOff: number, h: Float32Array, b: number, out: Float32Array) => {
    const { wxd, whd, bd } = gateData[g]!;
    const hOff = b * nOutput;
    const oOff = b * nCell;
    for (let c = 0; c < nCell; c++) {
      let d = 0;
      const wo = c * nInput;
      for (let k = 0; k < nInput; k++) d = f32(d + f32(wxd[wo + k] * xt[xOff + k]));
      const acc = f32((bd ? bd[c] : 0) + d);
      d = 0;
      const ho = c * nOutput;
      for (let k = 0; k < nOutput; k++) d = f32(d + f32(whd[ho + k] * h[hOff + k]));
      out[oOff + c] = f32(acc + d);
    }
  };
  // With WebAssembly SIMD: the sums of all gates of a step by int8.wat's fmv32, four rows per f32x4, the same float32
  // operations in the same order as gate() (so the same results); the weights of the gates stacked by quads of rows.
  let sums: ((xt: Float32Array, xOff: number, h: Float32Array, b: number) => void) | undefined;
  let activate: (() => void) | undefined;
  let cellTanh: ((cs: Float32Array) => Float32Array) | undefined;
  const heap = hybrid ? undefined : ctx.simd?.();
  if (hybrid) sums = prepareHybridLstmGates(ctx, gates, scratch, nInput, nOutput, nCell, asymmetric);
  else if (heap) {
    const live = [0, 1, 2, 3].filter((g) => gateData[g]);
    const quads = (live.length * nCell + 3) >> 2;
    const wxAll = new Float32Array(quads * 4 * nInput);
    const whAll = new Float32Array(quads * 4 * nOutput);
    const biasAll = new Float32Array(quads * 4);
    live.forEach((g, i) => {
      const { wxd, whd, bd } = gateData[g]!;
      for (let c = 0; c < nCell; c++) {
        const r = i * nCell + c;
        const q = r >> 2;
        const lane = r & 3;
        for (let k = 0; k < nInput; k++) wxAll[(q * nInput + k) * 4 + lane] = wxd[c * nInput + k];
        for (let k = 0; k < nOutput; k++) whAll[(q * nOutput + k) * 4 + lane] = whd[c * nOutput + k];
        biasAll[r] = bd ? bd[c] : 0;
      }
    });
    const wxPtr = heap.place(wxAll);
    const whPtr = heap.place(whAll);
    const xPtr = heap.alloc(nInput * 4);
    const hPtr = heap.alloc(nOutput * 4);
    const accPtr = heap.alloc(quads * 16);
    const ex = heap.exports;
    const outs = live.map((g) => scratch[g]);
    // Without peepholes or layer normalisation the gates' activations follow their sums directly: applied to the
    // sums where they are, in SIMD (the same Eigen functions), and not again below
    const logistic = peephole.some((t) => t) || layerNorm || activation !== Activation.TANH ? undefined : heapFunction(heap, FloatFunction.Logistic);
    const tanh = logistic && heapFunction(heap, FloatFunction.Tanh);
    if (logistic && tanh) {
      const cellRow = live.indexOf(2) * nCell;
      activate = () => {
        logistic(accPtr, accPtr, cellRow);
        tanh(accPtr + 4 * cellRow, accPtr + 4 * cellRow, nCell);
        logistic(accPtr + 4 * (cellRow + nCell), accPtr + 4 * (cellRow + nCell), nCell);
      };
      // and tanh of the updated cell state, on a copy in the heap
      const size = batches * nCell;
      const cPtr = heap.alloc(size * 4);
      let cGeneration = -1;
      let cView = new Float32Array(0);
      cellTanh = (cs) => {
        if (heap.generation !== cGeneration) {
          cGeneration = heap.generation;
          cView = new Float32Array(heap.buffer, cPtr, size);
        }
        cView.set(cs.length === size ? cs : cs.subarray(0, size));
        tanh(cPtr, cPtr, size);
        return cView;
      };
    }
    let generation = -1;
    let xs = new Float32Array(0);
    let hs = new Float32Array(0);
    let acc = new Float32Array(0);
    sums = (xt, xOff, h, b) => {
      if (heap.generation !== generation) {
        generation = heap.generation;
        xs = new Float32Array(heap.buffer, xPtr, nInput);
        hs = new Float32Array(heap.buffer, hPtr, nOutput);
        acc = new Float32Array(heap.buffer, accPtr, quads * 4);
      }
      acc.set(biasAll);
      // an input in the arena (in the heap) is read where it is
      let xAt = xPtr;
      if (xt.buffer === heap.buffer) xAt = xt.byteOffset + xOff * 4;
      else for (let k = 0; k < nInput; k++) xs[k] = xt[xOff + k];
      const hOff = b * nOutput;
      for (let k = 0; k < nOutput; k++) hs[k] = h[hOff + k];
      ex.fmv32(wxPtr, xAt, accPtr, quads, nInput);
      ex.fmv32(whPtr, hPtr, accPtr, quads, nOutput);
      activate?.();
      const oOff = b * nCell;
      for (let i = 0; i < outs.length; i++) {
        const out = outs[i];
        const row = i * nCell;
        for (let c = 0; c < nCell; c++) out[oOff + c] = acc[row + c];
      }
    };
  }
  return () => {
    const xd = x.data as Float32Array;
    const yd = y.data as Float32Array;
    const h = outputState.data as Float32Array;
    const cs = cellState.data as Float32Array;
    const [ig, fg, cg, og] = scratch;
    for (let t = 0; t < steps; t++) {
      for (let b = 0; b < batches; b++) {
        const xOff = (timeMajor ? t * batches + b : b * steps + t) * nInput;
        if (sums) {
          sums(xd, xOff, h, b);
          continue;
        }
        gate(1, xd, xOff, h, b, fg);
        gate(2, xd, xOff, h, b, cg);
        if (!cifg) gate(0, xd, xOff, h, b, ig);
        gate(3, xd, xOff, h, b, og);
      }
      if (peepForget) {
        for (let k = 0; k < batches * nCell; k++) {
          const c = k % nCell;
          fg[k] = f32(fg[k] + f32(peepForget[c] * cs[k]));
          if (!cifg) ig[k] = f32(ig[k] + f32(peepInput![c] * cs[k]));
        }
      }
      if (layerNorm) {
        if (!cifg) normalize(0, ig);
        normalize(1, fg);
        normalize(2, cg);
      }
      const activated = activate !== undefined;
      for (let k = 0; k < batches * nCell; k++) {
        const f = activated ? fg[k] : sigmoid(fg[k]);
        const i = cifg ? f32(1 - f) : activated ? ig[k] : sigmoid(ig[k]);
        let c = f32(f32(f * cs[k]) + f32(i * (activated ? cg[k] : act(cg[k]))));
        if (cellClip > 0) c = Math.min(cellClip, Math.max(-cellClip, c));
        cs[k] = c;
      }
      // the output gate's peephole sees the updated cell state
      if (peepOutput) for (let k = 0; k < batches * nCell; k++) og[k] = f32(og[k] + f32(peepOutput[k % nCell] * cs[k]));
      if (layerNorm) normalize(3, og);
      // outputs are computed after every batch's state update: h of this step feeds the next
      const tc = cellTanh?.(cs);
      if (tc) {
        if (project) for (let k = 0; k < batches * nCell; k++) gated[k] = f32(og[k] * tc[k]);
        else for (let k = 0; k < batches * nCell; k++) h[k] = f32(og[k] * tc[k]);
      }
      if (project) {
        if (!tc) for (let k = 0; k < batches * nCell; k++) gated[k] = f32((activated ? og[k] : sigmoid(og[k])) * act(cs[k]));
        for (let b = 0; b < batches; b++) project(gated, b * nCell, h, b * nOutput);
        if (projClip > 0) for (let k = 0; k < batches * nOutput; k++) h[k] = Math.min(projClip, Math.max(-projClip, h[k]));
      } else if (!tc) for (let k = 0; k < batches * nCell; k++) h[k] = f32((activated ? og[k] : sigmoid(og[k])) * act(cs[k]));
      for (let b = 0; b < batches; b++) {
        const yOff = (timeMajor ? t * batches + b : b * steps + t) * nOutput;
        for (let k = 0; k < nOutput; k++) yd[yOff + k] = h[b * nOutput + k];
      }
    }
  };
}
