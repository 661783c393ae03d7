/**
 * Consecutive operators that each run as one run_op call (lib/tflite/wasm/int8.wat) on tensors of the
 * interpreter's arena become one run_ops call over the list of their parameter blocks: on small models
 * (hello_world: three FULLY_CONNECTED of 16 units) the JavaScript wrapper and the crossing into WebAssembly
 * of every operator cost about as much as its arithmetic. The addresses of arena tensors are fixed once the
 * arena is laid out, so they are written into the blocks here, once. Where a tensor's storage has been replaced
 * since (the kernels' own wrappers copy such tensors through the shared area), the operators run one by one.
 */
import type { Invoke } from "./kernel";
import type { Tensor } from "./tensor";
import type { WasmHeap } from "./wasm-kernels";

/** An operator run as `run_op(block)`: word 14 of the block is the input's address (when inputArg), 16 the output's. */
export interface RunOpStep {
  block: number;
  x: Tensor;
  y: Tensor;
  inputArg: boolean;
}

const runOps = new WeakMap<Invoke, RunOpStep>();

/** Declares that `invoke` is exactly `run_op(step.block)` once the block holds the tensors' addresses. */
export function markRunOp(invoke: Invoke, step: RunOpStep): Invoke {
  runOps.set(invoke, step);
  return invoke;
}

export interface WasmProgram {
  /** what invoke() runs in order: the kernels, runs of fusable ones replaced by one call each */
  steps: Invoke[];
  /** Records the tensors' views as the interpreter leaves them (call after the last growth of the heap). */
  seal(): void;
}

/**
 * Groups runs of two or more marked kernels whose input and output are arena tensors (`address` gives their
 * heap address). Allocates in the heap: call before the heap is finished and the views are made.
 */
export function fuseRunOps(heap: WasmHeap, kernels: Invoke[], address: Map<Tensor, number>): WasmProgram {
  const steps: Invoke[] = [];
  const seals: Array<() => void> = [];
  let group: Array<{ kernel: Invoke; step: RunOpStep }> = [];
  const flush = () => {
    if (group.length === 1) steps.push(group[0].kernel);
    else if (group.length > 1) {
      const fused = fusedRun(heap, group, address);
      steps.push(fused.run);
      seals.push(fused.seal);
    }
    group = [];
  };
  for (const kernel of kernels) {
    const step = runOps.get(kernel);
    if (step && address.has(step.y) && (!step.inputArg || address.has(step.x))) group.push({ kernel, step });
    else {
      flush();
      steps.push(kernel);
    }
  }
  flush();
  return { steps, seal: () => seals.forEach((s) => s()) };
}

function fusedRun(heap: WasmHeap, group: Array<{ kernel: Invoke; step: RunOpStep }>, address: Map<Tensor, number>): { run: Invoke; seal: () => void } {
  const tensors = [...new Set(group.flatMap(({ step }) => (step.inputArg ? [step.x, step.y] : [step.y])))];
  const list = heap.place(Int32Array.from(group, ({ step }) => step.block));
  const writeAddresses = () => {
    for (const { step } of group) {
      if (step.inputArg) heap.setWord(step.block + 14 * 4, address.get(step.x)!);
      heap.setWord(step.block + 16 * 4, address.get(step.y)!);
    }
  };
  writeAddresses();
  const kernels = group.map((g) => g.kernel);
  const count = group.length;
  const ex = heap.exports;
  let views: unknown[] = [];
  // the kernels' wrappers, when they ran, may have pointed the blocks at the shared area
  let pointedElsewhere = false;
  return {
    seal: () => {
      views = tensors.map((t) => t.data);
    },
    run: () => {
      for (let i = 0; i < tensors.length; i++) {
        if (tensors[i].data !== views[i]) {
          for (const k of kernels) k();
          pointedElsewhere = true;
          return;
        }
      }
      if (pointedElsewhere) {
        writeAddresses();
        pointedElsewhere = false;
      }
      ex.run_ops(list, count);
    },
  };
}
