/** What every operator kernel receives at preparation, and what it returns: the function that runs it. */
import type { Table } from "./flatbuffer-table";
import type { OperatorDef } from "./model-reader";
import type { Tensor } from "./tensor";
import type { WasmHeap } from "./wasm-kernels";

export interface KernelContext {
  op: OperatorDef;
  /** undefined where the model marks an optional input absent (-1) */
  inputs: (Tensor | undefined)[];
  outputs: Tensor[];
  intermediates: (Tensor | undefined)[];
  options?: Table;
  /** reproduce XNNPACK's int8 requantization (see InterpreterOptions.arithmetic) */
  xnnpackInt8: boolean;
  /** the interpreter's WebAssembly SIMD heap (created on first call), or undefined where SIMD kernels are off */
  simd?: () => WasmHeap | undefined;
}

export type Invoke = () => void;
export type PrepareKernel = (ctx: KernelContext) => Invoke;

export class UnsupportedModelError extends Error {}

/** Fails preparation with a message naming the operator. */
export function fail(ctx: KernelContext, message: string): never {
  throw new UnsupportedModelError(`${ctx.op.opName} (operator ${ctx.op.index}): ${message}`);
}

export function input(ctx: KernelContext, i: number): Tensor {
  const t = ctx.inputs[i];
  if (!t) fail(ctx, `input ${i} is missing`);
  return t;
}
