/** Skips a suite of WebAssembly SIMD kernel tests where this runtime has no SIMD (or not the module it tests). */
import { int8Module, WasmHeap } from "../../lib/tflite/wasm-kernels";

/** in a mocha before(): skips the suite unless the SIMD module loads and `module` (if given) finds its kernels */
export function skipWithoutSimd(ctx: Mocha.Context, module?: (heap: WasmHeap) => unknown): void {
  const loaded = int8Module();
  if (loaded && (!module || module(new WasmHeap(loaded)))) return;
  console.log("      (skipped: no WebAssembly SIMD here)");
  ctx.skip();
}
