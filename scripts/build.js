#!/usr/bin/env node
// Compiles the TypeScript and lays out dist/ the way Node-RED's registry reads a pack:
// each node's .js beside its .html, with locales/<lang>/ and icons/ in the same folder.
"use strict";
const fs = require("fs");
const path = require("path");
const { execFileSync } = require("child_process");

const root = path.resolve(__dirname, "..");
const dist = path.join(root, "dist");
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));

fs.rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.build.json")], {
  stdio: "inherit",
  cwd: root,
});

const nodeTypes = fs
  .readdirSync(path.join(root, "nodes"), { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith("_"))
  .map((d) => d.name)
  .sort();

const problems = [];
const declared = pkg["node-red"].nodes;
const locales = fs.readdirSync(path.join(root, "locales"));
const icons = fs.existsSync(path.join(root, "icons")) ? fs.readdirSync(path.join(root, "icons")) : [];

for (const type of nodeTypes) {
  const src = path.join(root, "nodes", type);
  const out = path.join(dist, "nodes", type);
  const expected = `dist/nodes/${type}/${type}.js`;
  if (declared[type] !== expected) problems.push(`package.json node-red.nodes["${type}"] must be "${expected}"`);
  if (!fs.existsSync(path.join(out, `${type}.js`))) problems.push(`nodes/${type}/${type}.ts did not compile to ${expected}`);
  const html = path.join(src, `${type}.html`);
  if (!fs.existsSync(html)) problems.push(`nodes/${type}/${type}.html is missing`);
  else fs.copyFileSync(html, path.join(out, `${type}.html`));
  for (const lang of locales) {
    for (const ext of [".json", ".html"]) {
      const file = path.join(root, "locales", lang, type + ext);
      if (!fs.existsSync(file)) {
        if (lang === "en-US") problems.push(`locales/en-US/${type}${ext} is missing`);
        continue;
      }
      fs.mkdirSync(path.join(out, "locales", lang), { recursive: true });
      fs.copyFileSync(file, path.join(out, "locales", lang, type + ext));
    }
  }
  if (icons.length) {
    fs.mkdirSync(path.join(out, "icons"), { recursive: true });
    for (const icon of icons) fs.copyFileSync(path.join(root, "icons", icon), path.join(out, "icons", icon));
  }
}
for (const type of Object.keys(declared)) {
  if (!nodeTypes.includes(type)) problems.push(`package.json declares ${type} but nodes/${type}/ does not exist`);
}
// Non-code assets that lib/ modules read at run time (JSON schemas, bundled models, wasm).
const assetExt = new Set([".json", ".wasm", ".tflite", ".txt", ".yaml"]);
(function copyAssets(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) copyAssets(p);
    else if (assetExt.has(path.extname(entry.name))) {
      const rel = path.relative(root, p);
      fs.mkdirSync(path.dirname(path.join(dist, rel)), { recursive: true });
      fs.copyFileSync(p, path.join(dist, rel));
    }
  }
})(path.join(root, "lib"));
// WebAssembly text (lib/tflite/wasm/*.wat: the int8 SIMD kernels) assembled with wabt into dist/, so the
// package ships the .wasm and nothing is compiled at install time.
const watDir = path.join(root, "lib", "tflite", "wasm");
for (const wat of fs.readdirSync(watDir).filter((f) => f.endsWith(".wat"))) {
  const out = path.join(dist, "lib", "tflite", "wasm", wat.replace(/\.wat$/, ".wasm"));
  fs.mkdirSync(path.dirname(out), { recursive: true });
  execFileSync(process.execPath, [path.join(watDir, "assemble.cjs"), path.join(watDir, wat), out], { stdio: "inherit", cwd: root });
}

if (problems.length) {
  console.error("build: the pack is not laid out as Node-RED needs:\n  " + problems.join("\n  "));
  process.exit(1);
}
console.log(`build: ${nodeTypes.length} node(s) laid out in dist/nodes`);
