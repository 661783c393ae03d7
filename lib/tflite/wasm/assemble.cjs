/* global require, module, process, Buffer */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS script run by node directly */
// Assembles the WebAssembly text of lib/tflite/wasm/*.wat into binary modules with wabt (a devDependency):
// scripts/build.js calls assembleAll() for dist/; lib/tflite/wasm-kernels.ts runs this file as a command
// (`node assemble.cjs in.wat out.wasm`) when it runs from source (tsx) and finds no .wasm beside it.
"use strict";
const fs = require("fs");
const path = require("path");

const FEATURES = { simd: true };

async function assemble(watFile) {
  const wabt = await require("wabt")();
  const mod = wabt.parseWat(path.basename(watFile), fs.readFileSync(watFile, "utf8"), FEATURES);
  try {
    mod.validate();
    return Buffer.from(mod.toBinary({ log: false, write_debug_names: false }).buffer);
  } finally {
    mod.destroy();
  }
}

/** Every .wat of srcDir → outDir/<name>.wasm; returns the files written. */
async function assembleAll(srcDir, outDir) {
  const written = [];
  for (const name of fs.readdirSync(srcDir).filter((f) => f.endsWith(".wat")).sort()) {
    const out = path.join(outDir, name.replace(/\.wat$/, ".wasm"));
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(out, await assemble(path.join(srcDir, name)));
    written.push(out);
  }
  return written;
}

module.exports = { assemble, assembleAll };

if (require.main === module) {
  const [watFile, outFile] = process.argv.slice(2);
  assemble(watFile).then(
    (bytes) => {
      const tmp = `${outFile}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, bytes);
      fs.renameSync(tmp, outFile);
    },
    (err) => {
      process.stderr.write(String(err && err.stack ? err.stack : err) + "\n");
      process.exit(1);
    },
  );
}
