/* global require, process */
/* eslint-disable @typescript-eslint/no-require-imports */
/*
 * The oracle: @tensorflow/tfjs-tflite (TFLite's own kernels compiled to WASM) running in a worker thread
 * behind a small browser shim. Messages: {id, cmd: "load", model: ArrayBuffer} and
 * {id, cmd: "run", inputs: TypedArray[]}; replies {id, ok, result | error}. Test and benchmark use only.
 */
"use strict";
const { parentPort } = require("worker_threads");
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const pkgDir = path.dirname(require.resolve("@tensorflow/tfjs-tflite/package.json"));
const wasmDir = path.join(pkgDir, "wasm");

// Browser stand-ins: a worker global scope whose importScripts evaluates the package's own loader from disk.
globalThis.self = globalThis;
globalThis.location = { href: `file://${wasmDir}/`, origin: "file://", protocol: "file:" };
globalThis.importScripts = () => {
  // Always the single-threaded SIMD build, whatever variant feature detection asked for.
  const code = fs.readFileSync(path.join(wasmDir, "tflite_web_api_cc_simd.js"), "utf8");
  vm.runInThisContext(code, { filename: "tflite_web_api_cc_simd.js" });
  const factory = globalThis.tflite_web_api_ModuleFactory;
  const wasmBinary = fs.readFileSync(path.join(wasmDir, "tflite_web_api_cc_simd.wasm"));
  globalThis.tflite_web_api_ModuleFactory = (opts) => factory({ ...opts, wasmBinary });
};

const tflite = require("@tensorflow/tfjs-tflite");

let runner;

async function handle(msg) {
  if (msg.cmd === "load") {
    tflite.setWasmPath(`${wasmDir}/`);
    const model = await tflite.loadTFLiteModel(msg.model, { numThreads: 1 });
    runner = model.modelRunner;
    return runner.getInputs().map((t) => ({ name: t.name, dtype: t.dataType, shape: t.shape }));
  }
  if (msg.cmd === "run") {
    const inputs = runner.getInputs();
    msg.inputs.forEach((data, i) => inputs[i].data().set(data));
    const t0 = process.hrtime.bigint();
    const repeat = msg.repeat || 1;
    for (let r = 0; r < repeat; r++) if (!runner.infer()) throw new Error("tfjs-tflite inference failed");
    const ms = Number(process.hrtime.bigint() - t0) / 1e6 / repeat;
    // tfjs-tflite hands out no int64 tensor (its data() has no typed array behind it): those come back as null
    const outputs = runner.getOutputs().map((t) => {
      const data = t.data();
      return { name: t.name, dtype: t.dataType, shape: t.shape, data: data && typeof data.slice === "function" ? data.slice() : null };
    });
    return { outputs, ms };
  }
  throw new Error(`unknown command ${msg.cmd}`);
}

parentPort.on("message", (msg) => {
  handle(msg).then(
    (result) => parentPort.postMessage({ id: msg.id, ok: true, result }),
    (err) => parentPort.postMessage({ id: msg.id, ok: false, error: String((err && err.message) || err) }),
  );
});
