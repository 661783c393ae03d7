/**
 * UNIDIRECTIONAL_SEQUENCE_LSTM, float32: TFLite's gate order (forget, cell, input, output), optional CIFG
 * (no input gate: i = 1 - f), cell clipping, batch- or time-major input. State lives in the model's two
 * variable tensors (output state, cell state). int8 models go to the integer kernel in lstm-integer.ts.
 * Gate sums are double-precision, bias then input terms then recurrent terms; with WebAssembly SIMD they are
 * int8.wat's fmv64, which adds the same terms in the same order.
 */
import { F, TensorType, Activation } from "../schema";
import { fail, input, type PrepareKernel } from "../kernel";
import { prepareIntegerLstm } from "./lstm-integer";

const f32 = Math.fround;
const sigmoid = (v: number) => f32(1 / (1 + Math.exp(-v)));

export const prepareUnidirectionalSequenceLstm: PrepareKernel = (ctx) => {
  const x = input(ctx, 0);
  const y = ctx.outputs[0];
  const w = (i: number) => ctx.inputs[i];
  if (x.type === TensorType.INT8) return prepareIntegerLstm(ctx);
  if (x.type !== TensorType.FLOAT32) fail(ctx, `${x.typeName} LSTM is not supported (float32 and int8 only)`);
  if (input(ctx, 2).type !== TensorType.FLOAT32) fail(ctx, `float32 LSTM with ${input(ctx, 2).typeName} weights (hybrid) is not supported`);
  for (const i of [9, 10, 11]) if (w(i)) fail(ctx, "peephole connections are not supported");
  if (w(16) || w(17)) fail(ctx, "projection is not supported");
  for (const i of [20, 21, 22, 23]) if (w(i)) fail(ctx, "layer normalisation is not supported");
  const outputState = w(18);
  const cellState = w(19);
  if (!outputState || !cellState) fail(ctx, "output and cell state tensors are required");
  const o = ctx.options;
  const U = F.UnidirectionalSequenceLSTMOptions;
  const activation = o?.int8(U.fused_activation_function, Activation.TANH) ?? Activation.TANH;
  const cellClip = o?.float32(U.cell_clip, 0) ?? 0;
  const timeMajor = o?.bool(U.time_major, false) ?? false;
  const act = activation === Activation.TANH ? (v: number) => f32(Math.tanh(v)) : activation === Activation.RELU ? (v: number) => Math.max(0, v) : activation === Activation.RELU6 ? (v: number) => Math.min(6, Math.max(0, v)) : activation === Activation.NONE ? (v: number) => v : fail(ctx, `activation ${Activation[activation]} is not supported`);
  const cifg = !w(1);
  const [d0, d1, nInput] = x.shape;
  const steps = timeMajor ? d0 : d1;
  const batches = timeMajor ? d1 : d0;
  const inForget = input(ctx, 2);
  const nCell = inForget.shape[0];
  const nOutput = input(ctx, 6).shape[1];
  if (nOutput !== nCell) fail(ctx, "output size differs from cell size without projection");
  const gates = ["input", "forget", "cell", "output"].map((_, g) => ({
    wx: w(1 + g),
    wh: w(5 + g),
    bias: w(12 + g),
  }));
  const scratch = gates.map(() => new Float32Array(batches * nCell));
  // The weights are constant tensors: their arrays are taken once. Each gate's sum is bias, then the input
  // terms, then the recurrent terms, in that order, in double precision (rounded to float32 when stored).
  const gateData = gates.map(({ wx, wh, bias }) => (wx && wh ? { wxd: wx.data as Float32Array, whd: wh.data as Float32Array, bd: bias?.data as Float32Array | undefined } : undefined));
  const gate = (g: number, xt: Float32Array, xOff: number, h: Float32Array, b: number, out: Float32Array) => {
    const { wxd, whd, bd } = gateData[g]!;
    const hOff = b * nOutput;
    const oOff = b * nCell;
    for (let c = 0; c < nCell; c++) {
      let acc = bd ? bd[c] : 0;
      const wo = c * nInput;
      for (let k = 0; k < nInput; k++) acc += wxd[wo + k] * xt[xOff + k];
      const ho = c * nOutput;
      for (let k = 0; k < nOutput; k++) acc += whd[ho + k] * h[hOff + k];
      out[oOff + c] = acc;
    }
  };
  // With WebAssembly SIMD: the sums of all gates of a step by int8.wat's fmv64, two rows per f64x2, the same double
  // additions in the same order as gate() (so the same results); the weights of the gates stacked as f64.
  let sums: ((xt: Float32Array, xOff: number, h: Float32Array, b: number) => void) | undefined;
  const heap = ctx.simd?.();
  if (heap) {
    const live = [0, 1, 2, 3].filter((g) => gateData[g]);
    const pairs = (live.length * nCell + 1) >> 1;
    const wxAll = new Float64Array(pairs * 2 * nInput);
    const whAll = new Float64Array(pairs * 2 * nOutput);
    const biasAll = new Float64Array(pairs * 2);
    live.forEach((g, i) => {
      const { wxd, whd, bd } = gateData[g]!;
      for (let c = 0; c < nCell; c++) {
        const r = i * nCell + c;
        const p = r >> 1;
        const lane = r & 1;
        for (let k = 0; k < nInput; k++) wxAll[(p * nInput + k) * 2 + lane] = wxd[c * nInput + k];
        for (let k = 0; k < nOutput; k++) whAll[(p * nOutput + k) * 2 + lane] = whd[c * nOutput + k];
        biasAll[r] = bd ? bd[c] : 0;
      }
    });
    const wxPtr = heap.place(wxAll);
    const whPtr = heap.place(whAll);
    const xPtr = heap.alloc(nInput * 4);
    const hPtr = heap.alloc(nOutput * 4);
    const accPtr = heap.alloc(pairs * 16);
    const ex = heap.exports;
    const outs = live.map((g) => scratch[g]);
    let generation = -1;
    let xs = new Float32Array(0);
    let hs = new Float32Array(0);
    let acc = new Float64Array(0);
    sums = (xt, xOff, h, b) => {
      if (heap.generation !== generation) {
        generation = heap.generation;
        xs = new Float32Array(heap.buffer, xPtr, nInput);
        hs = new Float32Array(heap.buffer, hPtr, nOutput);
        acc = new Float64Array(heap.buffer, accPtr, pairs * 2);
      }
      acc.set(biasAll);
      // an input in the arena (in the heap) is read where it is
      let xAt = xPtr;
      if (xt.buffer === heap.buffer) xAt = xt.byteOffset + xOff * 4;
      else for (let k = 0; k < nInput; k++) xs[k] = xt[xOff + k];
      const hOff = b * nOutput;
      for (let k = 0; k < nOutput; k++) hs[k] = h[hOff + k];
      ex.fmv64(wxPtr, xAt, accPtr, pairs, nInput);
      ex.fmv64(whPtr, hPtr, accPtr, pairs, nOutput);
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
      for (let k = 0; k < batches * nCell; k++) {
        const f = sigmoid(fg[k]);
        const i = cifg ? 1 - f : sigmoid(ig[k]);
        let c = f32(f32(f * cs[k]) + f32(i * act(cg[k])));
        if (cellClip > 0) c = Math.min(cellClip, Math.max(-cellClip, c));
        cs[k] = c;
      }
      // outputs are computed after every batch's state update: h of this step feeds the next
      for (let k = 0; k < batches * nCell; k++) h[k] = f32(sigmoid(og[k]) * act(cs[k]));
      for (let b = 0; b < batches; b++) {
        const yOff = (timeMajor ? t * batches + b : b * steps + t) * nOutput;
        for (let k = 0; k < nOutput; k++) yd[yOff + k] = h[b * nOutput + k];
      }
    }
  };
};
