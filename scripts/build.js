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
// the editor code (nodes/*/editor.ts, form.ts, nodes/_shared/editor/) is typed against the DOM: checked apart
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.editor.json"), "--noEmit"], {
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
  const editorTs = path.join(src, "editor.ts");
  if (fs.existsSync(editorTs)) {
    if (fs.existsSync(html)) problems.push(`nodes/${type}/ has both editor.ts and ${type}.html: the .html is built from editor.ts and form.ts`);
    else {
      try {
        fs.writeFileSync(path.join(out, `${type}.html`), editorHtml(type, src));
      } catch (err) {
        problems.push(`nodes/${type}/editor.ts: ${err.message}`);
      }
    }
  } else if (!fs.existsSync(html)) problems.push(`nodes/${type}/${type}.html (or editor.ts and form.ts) is missing`);
  else fs.copyFileSync(html, path.join(out, `${type}.html`));
  for (const lang of locales) {
    for (const ext of [".json", ".html"]) {
      const file = path.join(root, "locales", lang, type + ext);
      if (!fs.existsSync(file)) {
        if (lang === "en-US") problems.push(`locales/en-US/${type}${ext} is missing`);
        continue;
      }
      fs.mkdirSync(path.join(out, "locales", lang), { recursive: true });
      if (ext === ".json") fs.writeFileSync(path.join(out, "locales", lang, type + ext), withSettingsMessages(type, lang, file));
      else fs.copyFileSync(file, path.join(out, "locales", lang, type + ext));
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

/**
 * A node's editor .html from TypeScript: editor.ts (RED.nodes.registerType, its defaults from the node's settings
 * module) bundled into the inline script, form.ts (the dialog's rows) rendered into the template. esbuild comes
 * with tsx (a dev dependency); it only strips types here, tsconfig.editor.json checks them.
 */
function editorHtml(type, src) {
  const esbuild = require("esbuild");
  const script = esbuild.buildSync({
    entryPoints: [path.join(src, "editor.ts")],
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2019",
    write: false,
    charset: "utf8",
    legalComments: "none",
    define: { EDGE_PACK: JSON.stringify(pkg.name) },
  }).outputFiles[0].text;
  // the Flow Library reads the type and the definition's literals from the inline script
  if (!script.includes(`registerType("${type}", {`)) throw new Error(`must call RED.nodes.registerType("${type}", { ...literal definition })`);
  const formTs = path.join(src, "form.ts");
  if (!fs.existsSync(formTs)) throw new Error("form.ts (the dialog's rows) is missing");
  const formJs = esbuild.buildSync({
    stdin: {
      contents: `import rows from "./form"; import { renderForm } from "../_shared/editor/form"; module.exports = renderForm(${JSON.stringify(type)}, rows);`,
      resolveDir: src,
      loader: "ts",
    },
    bundle: true,
    format: "cjs",
    platform: "node",
    write: false,
  }).outputFiles[0].text;
  const mod = { exports: "" };
  new Function("module", "exports", "require", formJs)(mod, mod.exports, require);
  // a config node's dialog names its fields node-config-input-<field> (Node-RED fills and saves them by that id)
  const form = /registerType\("[^"]+", \{\s*category: "config"/.test(script) ? mod.exports.replace(/node-input-/g, "node-config-input-") : mod.exports;
  const indent = (text) => text.replace(/^(?=.)/gm, "  ");
  return (
    `<!-- built from nodes/${type}/editor.ts and form.ts by scripts/build.js: edit those -->\n` +
    `<script type="text/javascript">\n${indent(script)}</script>\n\n` +
    `<script type="text/html" data-template-name="${type}">\n${form}\n</script>\n`
  );
}

/** the node's catalogue with the settings messages every node shares (locales/<lang>/_settings.json) under <type>.settings */
function withSettingsMessages(type, lang, file) {
  const catalogue = JSON.parse(fs.readFileSync(file, "utf8"));
  const shared = path.join(root, "locales", lang, "_settings.json");
  if (fs.existsSync(shared) && catalogue[type] && typeof catalogue[type] === "object") {
    catalogue[type].settings = { ...JSON.parse(fs.readFileSync(shared, "utf8")), ...(catalogue[type].settings || {}) };
  }
  return JSON.stringify(catalogue, null, 2) + "\n";
}

if (problems.length) {
  console.error("build: the pack is not laid out as Node-RED needs:\n  " + problems.join("\n  "));
  process.exit(1);
}
console.log(`build: ${nodeTypes.length} node(s) laid out in dist/nodes`);
