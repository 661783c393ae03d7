/**
 * UNIDIRECTIONAL_SEQUENCE_LSTM, float32: TFLite's gate order (forget, cell, input, output), optional CIFG
 * (no input gate: i = 1 - f), cell clipping, batch- or time-major input. State lives in the model's two
 * variable tensors (output state, cell state). int8 models go to the integer kernel in lstm-integer.ts.
 */
import { F, TensorType, Activation } from "../schema";
import { fail, input, type PrepareKernel } from "../kernel";
import type { Tensor } from "../tensor";
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
  const gate = (g: number, xt: Float32Array, xOff: number, h: Float32Array, b: number, out: Float32Array) => {
    const { wx, wh, bias } = gates[g] as { wx: Tensor; wh: Tensor; bias?: Tensor };
    const wxd = wx.data as Float32Array;
    const whd = wh.data as Float32Array;
    const bd = bias?.data as Float32Array | undefined;
    for (let c = 0; c < nCell; c++) {
      let acc = bd ? bd[c] : 0;
      for (let k = 0; k < nInput; k++) acc += wxd[c * nInput + k] * xt[xOff + k];
      for (let k = 0; k < nOutput; k++) acc += whd[c * nOutput + k] * h[b * nOutput + k];
      out[b * nCell + c] = acc;
    }
  };
  return () => {
    const xd = x.data as Float32Array;
    const yd = y.data as Float32Array;
    const h = outputState.data as Float32Array;
    const cs = cellState.data as Float32Array;
    const [ig, fg, cg, og] = scratch;
    for (let t = 0; t < steps; t++) {
      for (let b = 0; b < batches; b++) {
        const xOff = (timeMajor ? t * batches + b : b * steps + t) * nInput;
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
