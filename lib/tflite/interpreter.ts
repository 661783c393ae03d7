/**
 * Runs the main subgraph of a TFLite model: tensors are laid out once in an arena, every operator is prepared
 * once (multipliers, shapes, scratch), and invoke() runs the prepared kernels in order. Models with an
 * operator or type this runtime lacks are refused when they load, naming what is missing.
 */
import { readModel, type ModelDef, type SubgraphDef } from "./model-reader";
import { Tensor, bytesPerElement, elementCount, viewOf, type TensorData } from "./tensor";
import { planArena, type ArenaRequest } from "./arena";
import { UnsupportedModelError, type Invoke, type KernelContext } from "./kernel";
import { KERNELS } from "./kernels/registry";
import { WasmHeap, int8Module } from "./wasm-kernels";
import { fuseRunOps } from "./wasm-program";

export interface InterpreterOptions {
  /**
   * Keep LSTM (variable tensor) state from one invoke() to the next, as TFLite does. Off by default: each
   * inference starts from the model's initial state, so one message's result never depends on the previous one.
   */
  keepState?: boolean;
  /**
   * "reference" (default): TFLite's reference integer kernels (gemmlowp fixed-point rounding), as TFLite Micro
   * and TFLite without delegates compute. "xnnpack": the operators TFLite's default XNNPACK delegate takes over
   * compute as XNNPACK does (what tfjs-tflite and TFLite on phones and desktops run): int8 and uint8
   * FULLY_CONNECTED / CONV_2D / DEPTHWISE_CONV_2D requantize in single precision with ties-to-even, 8-bit
   * RESIZE_BILINEAR interpolates in 1/2048 steps, an 8-bit requantizing QUANTIZE converts in 1/256 steps, a float
   * QUANTIZE multiplies by the reciprocal scale and rounds ties to even, 8-bit ADD / SUB / MUL follow XNNPACK's
   * vadd / vmul (docs/TFLITE-ARITHMETICS.md). The two differ by one step on some elements.
   */
  arithmetic?: "reference" | "xnnpack";
  /**
   * Run the int8, uint8 and float32 CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED loops, int8 and uint8 ADD /
   * SUB / MUL, 8-bit RESIZE_BILINEAR (xnnpack arithmetic) and float MAX_POOL_2D in WebAssembly with SIMD, with the activations in WebAssembly memory (default
   * true, where the engine supports it); false keeps every kernel in plain JavaScript. Integer results are
   * identical; float sums run in single precision (as TFLite's) instead of double, within 1e-5 of each other.
   */
  simd?: boolean;
}

/** Limits that keep a corrupt or hostile model from exhausting the gateway's memory. */
const MAX_TENSOR_BYTES = 256 * 1024 * 1024;
const MAX_ARENA_BYTES = 512 * 1024 * 1024;

export class Interpreter {
  readonly model: ModelDef;
  readonly tensors: Tensor[];
  readonly inputs: Tensor[];
  readonly outputs: Tensor[];
  private readonly kernels: Invoke[];
  /** what invoke() runs: the kernels, with runs of WebAssembly operators fused into one call each */
  private readonly steps: Invoke[];
  private readonly variableInit: Array<{ tensor: Tensor; initial: Uint8Array | undefined }> = [];
  private readonly keepState: boolean;

  constructor(modelBytes: Uint8Array, options: InterpreterOptions = {}) {
    this.keepState = options.keepState ?? false;
    this.model = readModel(modelBytes);
    const graph = this.model.subgraphs[0];
    checkOperators(graph);
    this.tensors = graph.tensors.map((t) => {
      const q = t.quantization;
      return new Tensor(t.index, t.name, t.type, [...t.shape], q?.scale ?? [], q?.zeroPoint ?? [], q?.quantizedDimension ?? 0, t.data !== undefined && !t.isVariable, t.isVariable);
    });
    // with the WebAssembly kernels, the activations live in the WebAssembly memory, where kernels use them in place
    const module = options.simd === false ? null : int8Module();
    const heap = module ? new WasmHeap(module) : undefined;
    const arena = this.allocate(graph, heap);
    this.inputs = graph.inputs.map((i) => this.tensors[i]);
    this.outputs = graph.outputs.map((i) => this.tensors[i]);
    const simd = () => heap;
    this.kernels = graph.operators.map((op) => {
      const ctx: KernelContext = {
        op,
        inputs: op.inputs.map((i) => (i < 0 ? undefined : this.tensors[i])),
        outputs: op.outputs.map((i) => this.tensors[i]),
        intermediates: op.intermediates.map((i) => (i < 0 ? undefined : this.tensors[i])),
        options: op.options,
        xnnpackInt8: options.arithmetic === "xnnpack",
        simd,
      };
      const prepare = KERNELS.get(op.builtinCode)!;
      return prepare(ctx);
    });
    if (heap) {
      const program = fuseRunOps(heap, this.kernels, new Map(arena.map(({ tensor, offset }) => [tensor, offset])));
      // preparation placed filters in the heap and may have grown it (which detaches the old buffer): reserve what
      // the kernels still need, then view the activations on the final buffer
      heap.finish();
      for (const { tensor, offset, count } of arena) tensor.data = viewOf(tensor.type, heap.buffer, offset, count);
      program.seal();
      this.steps = program.steps;
    } else this.steps = this.kernels;
  }

  invoke(): void {
    if (this.variableInit.length > 0 && !this.keepState) this.resetVariables();
    const steps = this.steps;
    for (let i = 0; i < steps.length; i++) steps[i]();
  }

  /** Runs operator `index` alone on its tensors as they are (for layer-by-layer conformance tests). */
  invokeOperator(index: number): void {
    const kernel = this.kernels[index];
    if (!kernel) throw new RangeError(`no operator ${index} (the model has ${this.kernels.length})`);
    kernel();
  }

  /** Restores every variable tensor (LSTM state) to its initial value. */
  resetVariables(): void {
    for (const { tensor, initial } of this.variableInit) {
      const bytes = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
      if (initial) bytes.set(initial.subarray(0, bytes.length));
      // TFLite starts a quantized state at the real value 0, which is the zero point, not the integer 0
      else if (tensor.zeroPoint !== 0 && !(tensor.data instanceof Float32Array)) tensor.data.fill(tensor.zeroPoint as never);
      else bytes.fill(0);
    }
  }

  /** Lays out the activations (in the heap when there is one); returns where each arena tensor is. */
  private allocate(graph: SubgraphDef, heap: WasmHeap | undefined): Array<{ tensor: Tensor; offset: number; count: number }> {
    const last = graph.operators.length;
    const requests = new Map<number, ArenaRequest>();
    const touch = (index: number, at: number) => {
      const t = this.tensors[index];
      if (index < 0 || t.isConstant || t.isVariable) return;
      const r = requests.get(index);
      if (r) {
        r.first = Math.min(r.first, at);
        r.last = Math.max(r.last, at);
      } else {
        if (t.shape.some((d) => !Number.isInteger(d) || d < 0)) throw new UnsupportedModelError(`tensor "${t.name}" has an invalid shape [${t.shape}]`);
        const bytes = elementCount(t.shape) * sizeOf(t);
        if (bytes > MAX_TENSOR_BYTES) throw new UnsupportedModelError(`tensor "${t.name}" [${t.shape}] needs ${bytes} bytes, more than the ${MAX_TENSOR_BYTES} allowed`);
        requests.set(index, { id: index, bytes, first: at, last: at });
      }
    };
    for (const i of graph.inputs) {
      touch(i, 0);
      touch(i, last);
    }
    graph.operators.forEach((op, at) => {
      for (const i of [...op.inputs, ...op.outputs, ...op.intermediates]) touch(i, at);
    });
    for (const i of graph.outputs) touch(i, last);
    const { offsets, size } = planArena([...requests.values()]);
    if (size > MAX_ARENA_BYTES) throw new UnsupportedModelError(`the model needs ${size} bytes of activations, more than the ${MAX_ARENA_BYTES} allowed`);
    const base = heap ? heap.alloc(size) : 0;
    const arena = heap ? heap.buffer : new ArrayBuffer(size);
    const placed: Array<{ tensor: Tensor; offset: number; count: number }> = [];
    for (const t of this.tensors) {
      const def = graph.tensors[t.index];
      const count = elementCount(t.shape);
      if (t.isConstant) {
        t.data = constantView(t, def.data!, count);
      } else if (t.isVariable) {
        if (count * sizeOf(t) > MAX_TENSOR_BYTES || !Number.isFinite(count) || count < 0) throw new UnsupportedModelError(`variable tensor "${t.name}" has an invalid shape [${t.shape}]`);
        t.data = viewOf(t.type, new ArrayBuffer(Math.max(8, count * sizeOf(t))), 0, count);
        this.variableInit.push({ tensor: t, initial: def.data ? new Uint8Array(copyBytes(def.data)) : undefined });
      } else if (offsets.has(t.index)) {
        const offset = base + offsets.get(t.index)!;
        t.data = viewOf(t.type, arena, offset, count);
        placed.push({ tensor: t, offset, count });
      }
    }
    this.resetVariables();
    return placed;
  }
}

function sizeOf(t: Tensor): number {
  try {
    return bytesPerElement(t.type);
  } catch {
    throw new UnsupportedModelError(`tensor "${t.name}" has type ${t.typeName}, which this runtime does not support`);
  }
}

function copyBytes(bytes: Uint8Array): ArrayBuffer {
  const copy = new ArrayBuffer(bytes.length);
  new Uint8Array(copy).set(bytes);
  return copy;
}

/** A typed view of constant data, copied when the model bytes are not aligned for the element type. */
function constantView(t: Tensor, bytes: Uint8Array, count: number): TensorData {
  const per = sizeOf(t);
  if (bytes.length < count * per) throw new UnsupportedModelError(`tensor "${t.name}" has ${bytes.length} bytes of data, expected ${count * per}`);
  if (bytes.byteOffset % per === 0) return viewOf(t.type, bytes.buffer, bytes.byteOffset, count);
  return viewOf(t.type, copyBytes(bytes.subarray(0, count * per)), 0, count);
}

function checkOperators(graph: SubgraphDef): void {
  const missing = new Map<string, number[]>();
  for (const op of graph.operators) {
    if (!KERNELS.has(op.builtinCode)) {
      const list = missing.get(op.opName) ?? [];
      list.push(op.index);
      missing.set(op.opName, list);
    }
  }
  if (missing.size > 0) {
    const names = [...missing].map(([name, at]) => `${name} (operator ${at.join(", ")})`);
    throw new UnsupportedModelError(`unsupported TFLite operator${missing.size > 1 ? "s" : ""}: ${names.join("; ")}`);
  }
}
