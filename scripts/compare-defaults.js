#!/usr/bin/env node
// Lists, for each node whose editor is still a hand-written nodes/<type>/<type>.html, the editor's default of each
// setting beside the runtime's fallback for it in nodes/<type>/*.ts (read from `config.x || v`, `config.x ?? v`,
// `numberSetting(config.x, v)`), so that a disagreement shows. A node with a settings module (nodes/<type>/settings.ts)
// has one source for both and is skipped. Usage: node scripts/compare-defaults.js [--all]
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const root = path.resolve(__dirname, "..");
const all = process.argv.includes("--all");

function editorDefaults(html) {
  const found = {};
  const validator = () => () => true;
  const RED = { validators: { number: validator, regex: validator, typedInput: validator }, nodes: { registerType: (t, d) => (found[t] = d) }, _: (k) => k };
  for (const m of html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)) vm.runInNewContext(m[1], { RED, $: () => ({}), window: {} });
  return found;
}

const rows = [];
for (const type of fs.readdirSync(path.join(root, "nodes")).filter((t) => !t.startsWith("_")).sort()) {
  const dir = path.join(root, "nodes", type);
  const html = path.join(dir, `${type}.html`);
  if (fs.existsSync(path.join(dir, "settings.ts")) || !fs.existsSync(html)) continue;
  const def = editorDefaults(fs.readFileSync(html, "utf8"))[type];
  if (!def) continue;
  const ts = fs.readdirSync(dir).filter((f) => f.endsWith(".ts")).map((f) => fs.readFileSync(path.join(dir, f), "utf8")).join("\n");
  for (const [field, d] of Object.entries(def.defaults || {})) {
    const fallbacks = [];
    for (const re of [new RegExp(`config\\.${field}\\b\\s*(?:\\|\\||\\?\\?)\\s*([^,;)\\n]+)`, "g"), new RegExp(`numberSetting\\(config\\.${field}\\b,\\s*([^)]+)\\)`, "g")]) {
      for (const m of ts.matchAll(re)) fallbacks.push(m[1].trim());
    }
    const editor = JSON.stringify(d.value);
    const differs = fallbacks.some((f) => f.replace(/_/g, "") !== String(d.value) && f !== editor && !(f === '""' && d.value === ""));
    if (all || differs) rows.push(`${differs ? "≠" : "="} ${type}.${field}\teditor ${editor}\truntime ${fallbacks.join(" | ") || "-"}`);
  }
}
console.log(rows.join("\n") || "no disagreement between editor defaults and runtime fallbacks");
