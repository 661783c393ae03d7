/**
 * UNIDIRECTIONAL_SEQUENCE_LSTM with int8 activations, int8 weights and an int16 (or int8, see below) cell state: TFLite's
 * "integer LSTM 8x8_16" (lstm_eval's EvalInteger8x8_16 with the preparation of its lstm / unidirectional
 * sequence LSTM kernels), bit-exact with TFLite's interpreter.
 *
 * Each gate is two int8 matrix products (input and recurrent), each rescaled on its own into the gate's
 * int16 domain (Q3.12 without layer normalisation) and summed with int16 saturation; zero points are folded
 * into precomputed biases. Optional peephole (int16 weights), layer normalisation (int16 coefficients, the
 * gate bias applied after normalising), CIFG and projection follow the same reference arithmetic. Gates go
 * through gemmlowp's 16-bit logistic / tanh; the cell state is a power-of-two-scaled int16.
 *
 * Speed: with WebAssembly SIMD the gates' input and recurrent products of a step are two calls of int8.wat's mv8
 * (all gates' weights stacked), otherwise plain loops; the 16-bit logistic / tanh are memoised per input value
 * (shared by every LSTM), and MultiplyByQuantizedMultiplier takes one double division when that is exact.
 *
 * TFLite Micro's current kernel differs: it evaluates sigmoid and tanh through a 256-entry lookup table with
 * interpolation, saturates each matrix product to int16 before adding them, and adds (not subtracts) the
 * hidden zero point. TFLite's interpreter — what tfjs-tflite runs — uses the gemmlowp functions, so those
 * are what this kernel reproduces.
 */
import { F, TensorType } from "../schema";
import { fail, input, type KernelContext, type PrepareKernel } from "../kernel";
import { quantizeMultiplier, roundingDivideByPOT, srdhm } from "../fixed-point";
import type { Tensor } from "../tensor";
import { invSqrtQuantizedMultiplier, logistic16, tanh16 } from "./lstm-fixed-point";

const f32 = Math.fround;
const sat16 = (x: number): number => (x > 32767 ? 32767 : x < -32768 ? -32768 : x);
const sat8 = (x: number): number => (x > 127 ? 127 : x < -128 ? -128 : x);

// Local bindings of the imported arithmetic: called per element, they should not go through a module object.
const srdhmExact = srdhm;
const rdpot = roundingDivideByPOT;

/**
 * MultiplyByQuantizedMultiplier (as fixed-point.ts), with the doubling high multiply done in one double
 * division when the product is below 2^52 in magnitude (exact there; always so for the gates' accumulators).
 */
function mbqm(x: number, multiplier: number, shift: number): number {
  const a = shift > 0 ? Math.imul(x, 1 << shift) : x;
  const ab = a * multiplier;
  const high =
    ab < 4503599627370496 && ab > -4503599627370496 ? Math.trunc((ab + (ab >= 0 ? 1073741824 : -1073741823)) / 2147483648) : srdhmExact(a, multiplier);
  if (shift >= 0) return high;
  const e = -shift;
  if (e >= 31) return rdpot(high, e);
  // RoundingDivideByPOT written out
  const mask = (1 << e) - 1;
  return (high >> e) + ((high & mask) > (mask >> 1) + (high < 0 ? 1 : 0) ? 1 : 0);
}

const UNSET = -0x80000000;

/**
 * A 16-bit nonlinearity (logistic16 / tanh16 at a number of integer bits) memoised over its 65536 inputs:
 * values[raw + 32768] is the result, or UNSET until that input is first seen. Shared by every LSTM.
 */
class Nonlinearity {
  readonly values = new Int32Array(65536).fill(UNSET);
  constructor(private readonly fn: (raw: number, integerBits: number) => number, private readonly integerBits: number) {}
  fill(index: number): number {
    const v = this.fn(index - 32768, this.integerBits);
    this.values[index] = v;
    return v;
  }
}
const nonlinearities = new Map<string, Nonlinearity>();
function nonlinearity(fn: (raw: number, integerBits: number) => number, integerBits: number): Nonlinearity {
  const key = `${fn === logistic16 ? "logistic" : "tanh"}${integerBits}`;
  let table = nonlinearities.get(key);
  if (!table) nonlinearities.set(key, (table = new Nonlinearity(fn, integerBits)));
  return table;
}

interface Multiplier {
  multiplier: number;
  shift: number;
}

interface Gate {
  inputWeights: Int8Array;
  inputBias: Int32Array;
  inputScale: Multiplier;
  recurrentWeights: Int8Array;
  recurrentBias: Int32Array;
  recurrentScale: Multiplier;
  peephole?: { weights: Int16Array; scale: Multiplier };
  layerNorm?: { weights: Int16Array; bias: Int32Array; scale: Multiplier; varianceGuard: number };
  out: Int16Array;
}

/** TFLite's CheckedLog2: log2(x) rounded, or undefined when x is not within 1e-3 (in log2) of a power of two. */
function checkedLog2(x: number): number | undefined {
  const l = f32(f32(Math.log(x)) * f32(1 / f32(Math.log(2))));
  const rounded = Math.sign(l) * Math.round(Math.abs(l));
  return Math.abs(f32(l - rounded)) < 1e-3 ? rounded : undefined;
}

/** bias[row] + zeroPoint × Σ weights[row, ·], as TFLite folds zero points into the matrix products. */
function foldedBias(weights: Int8Array, rows: number, cols: number, zeroPoint: number, bias?: Int32Array): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += weights[r * cols + c];
    out[r] = ((bias ? bias[r] : 0) + Math.imul(sum, zeroPoint)) | 0;
  }
  return out;
}

export const prepareIntegerLstm: PrepareKernel = (ctx: KernelContext) => {
  const w = (i: number) => ctx.inputs[i];
  const x = input(ctx, 0);
  const y = ctx.outputs[0];
  const outputState = w(18);
  const cellState = w(19);
  if (!outputState || !cellState) fail(ctx, "output and cell state tensors are required");
  if (!cellState.isVariable || !outputState.isVariable) fail(ctx, "output and cell state tensors must be variable tensors");
  const weightType = input(ctx, 2).type;
  if (weightType !== TensorType.INT8) fail(ctx, `int8 LSTM with ${TensorType[weightType]} weights is not supported (int8 weights only)`);
  if (cellState.type !== TensorType.INT16 && cellState.type !== TensorType.INT8) fail(ctx, `int8 LSTM with a ${cellState.typeName} cell state is not supported (int16 or int8 only)`);
  if (cellState.type === TensorType.INT8) {
    // TFLite's UNIDIRECTIONAL_SEQUENCE_LSTM has only the 8x8_16 kernel: it reads and writes an int8 cell state as
    // int16 at that tensor's scale. That stays inside the tensor's 16-byte-aligned allocation up to 8 values
    // (batches × cells); beyond, TFLite runs past it into the neighbouring tensor and its results are undefined.
    // Here the state gets an int16 buffer of its own (what TFLite means to compute), which the interpreter resets.
    cellState.data = new Int16Array(Math.max(4, cellState.size));
  }
  if (outputState.type !== TensorType.INT8 || y.type !== TensorType.INT8) fail(ctx, "int8 LSTM needs int8 output and output state tensors");
  if (w(24) || w(25) || w(26) || w(27) || w(28) || w(29) || w(30) || w(31) || w(32)) fail(ctx, "auxiliary inputs are not supported");

  const perTensor = (t: Tensor, what: string) => {
    if (t.scales.length === 0) fail(ctx, `${what} "${t.name}" has no quantization parameters`);
    if (t.scales.length > 1) fail(ctx, `${what} "${t.name}" is quantized per channel, which the integer LSTM does not support`);
    return f32(t.scale);
  };
  const requireType = (t: Tensor, type: TensorType, what: string) => {
    if (t.type !== type) fail(ctx, `${what} "${t.name}" must be ${TensorType[type]}, got ${t.typeName}`);
  };

  const o = ctx.options;
  const U = F.UnidirectionalSequenceLSTMOptions;
  const cellClip = o?.float32(U.cell_clip, 0) ?? 0;
  const projClip = o?.float32(U.proj_clip, 0) ?? 0;
  const timeMajor = o?.bool(U.time_major, false) ?? false;
  // The integer kernel always uses tanh for the cell input and output, whatever the fused activation says.

  const cifg = !w(1);
  if (cifg && (w(5) || w(9))) fail(ctx, "CIFG (no input-to-input weights) with input gate tensors present is not supported");
  if (!cifg && !w(5)) fail(ctx, "recurrent-to-input weights are missing");
  const peephole = !!w(11);
  if (peephole && (!w(10) || (!cifg && !w(9)))) fail(ctx, "peephole weights must be given for every gate");
  if (!peephole && (w(9) || w(10))) fail(ctx, "partial peephole weights are not supported");
  if (peephole && ctx.inputs[16] && input(ctx, 8).shape[1] !== input(ctx, 4).shape[0]) fail(ctx, "peephole connections with a projection to a different size are not supported");
  const layerNorm = !!w(21);
  if (layerNorm && (!w(22) || !w(23) || (!cifg && !w(20)))) fail(ctx, "layer normalisation coefficients must be given for every gate");
  if (!layerNorm && (w(20) || w(22) || w(23))) fail(ctx, "partial layer normalisation coefficients are not supported");
  const projection = ctx.inputs[16];
  if (!projection && w(17)) fail(ctx, "projection bias without projection weights is not supported");

  if (x.shape.length < 2 || x.shape.length > 3) fail(ctx, `input must be 2-D or 3-D, got [${x.shape}]`);
  const nInput = x.shape[x.shape.length - 1];
  const steps = x.shape.length === 2 ? 1 : timeMajor ? x.shape[0] : x.shape[1];
  const batches = x.shape.length === 2 ? x.shape[0] : timeMajor ? x.shape[1] : x.shape[0];
  const inToOut = input(ctx, 4);
  const recToOut = input(ctx, 8);
  const nCell = inToOut.shape[0];
  const nOutput = recToOut.shape[1];
  if (!projection && nOutput !== nCell) fail(ctx, "output size differs from cell size without projection");
  if (outputState.size !== batches * nOutput || cellState.size !== batches * nCell) fail(ctx, "state tensor sizes do not match the batch, cell and output sizes");
  if (y.size !== steps * batches * nOutput) fail(ctx, `output size ${y.size} does not match ${steps}×${batches}×${nOutput}`);

  // Scales and zero points.
  perTensor(x, "input");
  perTensor(outputState, "output state");
  const cellScaleFloat = perTensor(cellState, "cell state");
  const cellScale = checkedLog2(cellScaleFloat);
  if (cellScale === undefined) fail(ctx, `cell state scale ${cellScaleFloat} is not a power of two`);
  if (cellScale < -15 || cellScale > -9) fail(ctx, `cell state scale 2^${cellScale} is not supported (2^-15 … 2^-9)`);
  if (ctx.intermediates.length !== 5) fail(ctx, `the integer LSTM needs 5 intermediate tensors, the model gives ${ctx.intermediates.length}`);
  const intermediateScale: number[] = [];
  for (let g = 0; g < 4; g++) {
    if (!layerNorm) {
      intermediateScale.push(2 ** -12); // Q3.12 gate inputs
      continue;
    }
    const t = ctx.intermediates[g];
    if (!t || t.scales.length === 0) {
      if (cifg && g === 0) {
        intermediateScale.push(1);
        continue;
      }
      fail(ctx, `intermediate tensor ${g} (a layer-normalised gate's scale) has no quantization parameters`);
    }
    intermediateScale.push(f32(t.scale));
  }
  const hidden = ctx.intermediates[4];
  if (!hidden || hidden.scales.length === 0) fail(ctx, "intermediate tensor 4 (the hidden state's scale) has no quantization parameters");
  const hiddenScale = f32(hidden.scale);
  const hiddenZp = hidden.zeroPoint;
  const inputScale = f32(x.scale);
  const outputStateScale = f32(outputState.scale);
  const inputZp = x.zeroPoint;
  const outputStateZp = outputState.zeroPoint;

  const quantizedCellClip = cellClip > 0 ? Math.trunc(Math.min(Math.max(f32(cellClip / cellScaleFloat), -32768), 32767)) : 0;
  const quantizedProjClip = projClip > 0 ? Math.trunc(Math.min(Math.max(f32(projClip / outputStateScale), -128), 127)) : 0;

  const multiplierOf = (real: number): Multiplier => quantizeMultiplier(real);
  const makeGate = (g: number): Gate => {
    const wx = input(ctx, 1 + g);
    const wh = input(ctx, 5 + g);
    requireType(wx, TensorType.INT8, "input weights");
    requireType(wh, TensorType.INT8, "recurrent weights");
    if (wx.shape.length !== 2 || wx.shape[0] !== nCell || wx.shape[1] !== nInput) fail(ctx, `input weights "${wx.name}" must be [${nCell},${nInput}], got [${wx.shape}]`);
    if (wh.shape.length !== 2 || wh.shape[0] !== nCell || wh.shape[1] !== nOutput) fail(ctx, `recurrent weights "${wh.name}" must be [${nCell},${nOutput}], got [${wh.shape}]`);
    const bias = ctx.inputs[12 + g];
    if (!bias) fail(ctx, `gate bias ${12 + g} is missing`);
    requireType(bias, TensorType.INT32, "gate bias");
    const inter = intermediateScale[g];
    const gate: Gate = {
      inputWeights: wx.data as Int8Array,
      inputBias: foldedBias(wx.data as Int8Array, nCell, nInput, -inputZp, layerNorm ? undefined : (bias.data as Int32Array)),
      inputScale: multiplierOf(f32(f32(perTensor(wx, "input weights") * inputScale) / inter)),
      recurrentWeights: wh.data as Int8Array,
      recurrentBias: foldedBias(wh.data as Int8Array, nCell, nOutput, -outputStateZp),
      recurrentScale: multiplierOf(f32(f32(perTensor(wh, "recurrent weights") * outputStateScale) / inter)),
      out: new Int16Array(nCell),
    };
    if (peephole && g !== 2) {
      const wc = input(ctx, g === 0 ? 9 : g === 1 ? 10 : 11);
      requireType(wc, TensorType.INT16, "peephole weights");
      gate.peephole = { weights: wc.data as Int16Array, scale: multiplierOf(f32(f32(f32(2 ** cellScale) * perTensor(wc, "peephole weights")) / inter)) };
    }
    if (layerNorm) {
      const ln = input(ctx, 20 + g);
      requireType(ln, TensorType.INT16, "layer normalisation coefficients");
      const lnScale = perTensor(ln, "layer normalisation coefficients");
      gate.layerNorm = {
        weights: ln.data as Int16Array,
        bias: bias.data as Int32Array,
        scale: multiplierOf(lnScale),
        varianceGuard: Math.max(1, Math.trunc(f32(10000 * lnScale))),
      };
    }
    return gate;
  };
  const gates = [cifg ? undefined : makeGate(0), makeGate(1), makeGate(2), makeGate(3)];
  const [inputGate, forgetGate, cellGate, outputGate] = gates as [Gate | undefined, Gate, Gate, Gate];

  const hiddenMultiplier = multiplierOf(f32(f32(f32(2 ** -15) / hiddenScale) * f32(2 ** -15)));
  let proj: { weights: Int8Array; bias: Int32Array; scale: Multiplier } | undefined;
  if (projection) {
    requireType(projection, TensorType.INT8, "projection weights");
    if (projection.shape.length !== 2 || projection.shape[0] !== nOutput || projection.shape[1] !== nCell) fail(ctx, `projection weights must be [${nOutput},${nCell}], got [${projection.shape}]`);
    const projBias = ctx.inputs[17];
    if (projBias) requireType(projBias, TensorType.INT32, "projection bias");
    proj = {
      weights: projection.data as Int8Array,
      bias: foldedBias(projection.data as Int8Array, nOutput, nCell, hiddenZp, projBias?.data as Int32Array | undefined),
      scale: multiplierOf(f32(f32(perTensor(projection, "projection weights") * hiddenScale) / outputStateScale)),
    };
  }

  const cellShift = 30 + cellScale; // Q0.15 × Q0.15 → cell state's Q(15+cellScale)
  const cellIntegerBits = 15 + cellScale;
  const hiddenBuf = new Int8Array(nCell);
  const sigmoidTable = nonlinearity(logistic16, 3);
  const tanhTable = nonlinearity(tanh16, 3);
  const cellTanhTable = nonlinearity(tanh16, cellIntegerBits);
  const hm = hiddenMultiplier.multiplier;
  const hs = hiddenMultiplier.shift;

  // The four gates' matrix products of a step in one go, before any gate is evaluated (they read only x and the
  // previous output state): accX[row + r] = Σ_k wx[r, k] · x[k], accH likewise with h, int32 wrap-around (the
  // biases, with the folded zero points, are added afterwards: the same int32 sum).
  const live = gates.filter((g): g is Gate => g !== undefined);
  const rows = live.length * nCell;
  const gateRow = new Map<Gate, number>(live.map((g, i) => [g, i * nCell]));
  let accX = new Int32Array(rows);
  let accH = new Int32Array(rows);
  let products: (xs: Int8Array, xOff: number, h: Int8Array, hOff: number) => void;
  const heap = ctx.simd?.();
  if (heap) {
    // WebAssembly SIMD (int8.wat mv8): the weights of all gates stacked, rows zero-padded to a multiple of 8
    const pad8 = (n: number) => (n + 7) & ~7;
    const inPad = pad8(nInput);
    const outPad = pad8(nOutput);
    const wxAll = new Int8Array(rows * inPad);
    const whAll = new Int8Array(rows * outPad);
    live.forEach((g, i) => {
      for (let r = 0; r < nCell; r++) {
        wxAll.set(g.inputWeights.subarray(r * nInput, (r + 1) * nInput), (i * nCell + r) * inPad);
        whAll.set(g.recurrentWeights.subarray(r * nOutput, (r + 1) * nOutput), (i * nCell + r) * outPad);
      }
    });
    const wxPtr = heap.place(wxAll);
    const whPtr = heap.place(whAll);
    const xPtr = heap.alloc(inPad);
    const hPtr = heap.alloc(outPad);
    const accXPtr = heap.alloc(rows * 4);
    const accHPtr = heap.alloc(rows * 4);
    const ex = heap.exports;
    let generation = -1;
    let mem = heap.bytes();
    products = (xs, xOff, h, hOff) => {
      if (heap.generation !== generation) {
        generation = heap.generation;
        mem = heap.bytes();
        accX = new Int32Array(heap.buffer, accXPtr, rows);
        accH = new Int32Array(heap.buffer, accHPtr, rows);
      }
      for (let k = 0; k < nInput; k++) mem[xPtr + k] = xs[xOff + k];
      for (let k = 0; k < nOutput; k++) mem[hPtr + k] = h[hOff + k];
      ex.mv8(wxPtr, xPtr, accXPtr, rows, inPad);
      ex.mv8(whPtr, hPtr, accHPtr, rows, outPad);
    };
  } else {
    products = (xs, xOff, h, hOff) => {
      for (const g of live) {
        const row = gateRow.get(g)!;
        const { inputWeights: wx, recurrentWeights: wh } = g;
        for (let r = 0; r < nCell; r++) {
          let acc = 0;
          const wo = r * nInput;
          for (let k = 0; k < nInput; k++) acc += wx[wo + k] * xs[xOff + k];
          accX[row + r] = acc;
          acc = 0;
          const ho = r * nOutput;
          for (let k = 0; k < nOutput; k++) acc += wh[ho + k] * h[hOff + k];
          accH[row + r] = acc;
        }
      }
    };
  }

  /** A gate's pre-activation into gate.out for one batch row: both rescaled products, peephole, layer norm. */
  const computeGate = (gate: Gate, c: Int16Array, cOff: number, table: Nonlinearity) => {
    const out = gate.out;
    const { inputBias: bx, recurrentBias: bh } = gate;
    const row = gateRow.get(gate)!;
    const im = gate.inputScale.multiplier;
    const is = gate.inputScale.shift;
    const rm = gate.recurrentScale.multiplier;
    const rs = gate.recurrentScale.shift;
    for (let r = 0; r < nCell; r++) {
      let v = mbqm((accX[row + r] + bx[r]) | 0, im, is);
      v = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
      v += mbqm((accH[row + r] + bh[r]) | 0, rm, rs);
      v = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
      out[r] = v;
    }
    if (gate.peephole) {
      const { weights, scale } = gate.peephole;
      for (let r = 0; r < nCell; r++) out[r] = sat16(out[r] + mbqm(weights[r] * c[cOff + r], scale.multiplier, scale.shift));
    }
    if (gate.layerNorm) layerNormalise(gate, nCell);
    const values = table.values;
    for (let r = 0; r < nCell; r++) {
      const i = out[r] + 32768;
      let t = values[i];
      if (t === UNSET) t = table.fill(i);
      out[r] = t;
    }
  };

  /** One step of one batch row (TFLite runs batch-major inputs a row at a time, time-major ones as a batch). */
  const step = (xs: Int8Array, xOff: number, yd: Int8Array, yOff: number, b: number) => {
    const h = outputState.data as Int8Array;
    const c = cellState.data as Int16Array;
    const hOff = b * nOutput;
    const cOff = b * nCell;
    products(xs, xOff, h, hOff);
    if (inputGate) computeGate(inputGate, c, cOff, sigmoidTable);
    computeGate(forgetGate, c, cOff, sigmoidTable);
    computeGate(cellGate, c, cOff, tanhTable);
    const fg = forgetGate.out;
    const cg = cellGate.out;
    const ig = inputGate?.out;
    const cellHalf = cellShift > 0 ? (1 << cellShift) >> 1 : 0;
    const cellMask = cellShift > 0 ? (1 << cellShift) - 1 : 0;
    for (let r = 0; r < nCell; r++) {
      // roundingDivideByPOT(f × c, 15) and (i × g, cellShift), written out
      const fc = fg[r] * c[cOff + r];
      const kept = (fc >> 15) + ((fc & 32767) > 16383 + (fc < 0 ? 1 : 0) ? 1 : 0);
      const i = ig ? ig[r] : ((32767 - fg[r]) << 16) >> 16;
      const ic = i * cg[r];
      const addedRaw = cellShift > 0 ? (ic >> cellShift) + ((ic & cellMask) > cellHalf + (ic < 0 ? 1 : 0) ? 1 : 0) : ic;
      let v = kept + ((addedRaw << 16) >> 16);
      v = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
      if (quantizedCellClip > 0) v = v > quantizedCellClip ? quantizedCellClip : v < -quantizedCellClip ? -quantizedCellClip : v;
      c[cOff + r] = v;
    }
    computeGate(outputGate, c, cOff, sigmoidTable);
    const og = outputGate.out;
    const cellValues = cellTanhTable.values;
    for (let r = 0; r < nCell; r++) {
      const ci = c[cOff + r] + 32768;
      let t = cellValues[ci];
      if (t === UNSET) t = cellTanhTable.fill(ci);
      // TFLite subtracts the hidden zero point here (and adds it back through the projection's bias).
      const v = mbqm(og[r] * t, hm, hs) - hiddenZp;
      hiddenBuf[r] = v > 127 ? 127 : v < -128 ? -128 : v;
    }
    if (proj) {
      for (let r = 0; r < nOutput; r++) {
        let acc = proj.bias[r];
        const wo = r * nCell;
        for (let k = 0; k < nCell; k++) acc += proj.weights[wo + k] * hiddenBuf[k];
        let v = sat8(mbqm(acc | 0, proj.scale.multiplier, proj.scale.shift) + outputStateZp);
        if (quantizedProjClip > 0) v = v > quantizedProjClip ? quantizedProjClip : v < -quantizedProjClip ? -quantizedProjClip : v;
        h[hOff + r] = v;
      }
    } else {
      h.set(hiddenBuf, hOff);
    }
    for (let r = 0; r < nOutput; r++) yd[yOff + r] = h[hOff + r];
  };

  /** ApplyLayerNorm: integer mean / variance over the gate's cells, 1/sqrt by Newton iteration, then coefficients and bias. */
  function layerNormalise(gate: Gate, n: number) {
    const { weights, bias, scale, varianceGuard } = gate.layerNorm!;
    const v = gate.out;
    let sum = 0;
    let sumSq = 0;
    for (let j = 0; j < n; j++) {
      sum += v[j];
      sumSq += v[j] * v[j];
    }
    const mean = Math.trunc((sum * 1024) / n);
    const temp = Math.trunc(1048576 / n);
    let variance = Math.trunc((sumSq * temp - mean * mean) / 1048576) | 0;
    if (variance < 1) variance = varianceGuard;
    const inv = invSqrtQuantizedMultiplier(variance, -1);
    for (let j = 0; j < n; j++) {
      const shifted = 1024 * v[j] - mean;
      const rescaled = mbqm(shifted, inv.multiplier, inv.shift);
      const val3 = (Math.imul(rescaled, weights[j]) + bias[j]) | 0; // int32 arithmetic, as in the reference
      const val4 = Math.trunc((val3 > 0 ? val3 + 512 : val3 - 512) / 1024);
      v[j] = sat16(mbqm(val4, scale.multiplier, scale.shift + 12));
    }
  }

  return () => {
    const xs = x.data as Int8Array;
    const yd = y.data as Int8Array;
    if (timeMajor) {
      for (let t = 0; t < steps; t++) {
        for (let b = 0; b < batches; b++) step(xs, (t * batches + b) * nInput, yd, (t * batches + b) * nOutput, b);
      }
    } else {
      for (let b = 0; b < batches; b++) {
        for (let t = 0; t < steps; t++) step(xs, (b * steps + t) * nInput, yd, (b * steps + t) * nOutput, b);
      }
    }
  };
};
