/**
 * The TFLite runtime the benchmarks time, as users run it: the compiled dist/lib/tflite (tsc's CommonJS, the .wasm
 * assembled by the build), when it is at least as new as every source file; otherwise the TypeScript source through
 * tsx, which the tables then say (tsx's module wrappers turn every call across modules into a getter call, which
 * slows the JavaScript kernels by up to half).
 */
import * as fs from "fs";
import * as path from "path";

export function loadRuntime() {
  const src = path.resolve(__dirname, "../../lib/tflite");
  const dist = path.resolve(__dirname, "../../dist/lib/tflite");
  const stale: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, e.name);
      if (e.isDirectory()) walk(file);
      else if (/\.(ts|wat)$/.test(e.name)) {
        const built = path.join(dist, path.relative(src, file)).replace(/\.ts$/, ".js").replace(/\.wat$/, ".wasm");
        if (!fs.existsSync(built) || fs.statSync(built).mtimeMs < fs.statSync(file).mtimeMs) stale.push(path.relative(src, file));
      }
    }
  };
  walk(src);
  const root = stale.length === 0 ? dist : src;
  const runtime = {
    Interpreter: (require(path.join(root, "interpreter")) as typeof import("../../lib/tflite/interpreter")).Interpreter,
    InferencePool: (require(path.join(root, "worker-pool")) as typeof import("../../lib/tflite/worker-pool")).InferencePool,
    simdUnavailableReason: (require(path.join(root, "wasm-kernels")) as typeof import("../../lib/tflite/wasm-kernels")).simdUnavailableReason,
  };
  const note = stale.length === 0 ? "ours as built (dist/)" : `ours from source through tsx, slower than built (dist/ ${fs.existsSync(dist) ? `older than ${stale.slice(0, 2).join(", ")}${stale.length > 2 ? ", …" : ""}` : "absent"}: run npm run build first)`;
  return { ...runtime, note };
}
