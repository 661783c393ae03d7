#!/usr/bin/env node
// The Flow Library's scorecard (node-red-dev validate), checked offline on the built pack.
// node-red-dev needs the online catalogue, which this network does not reach; the rules are in
// ../shared/spec/NODE-RED.md. Prints one line per rule: ✓ pass, ⚠ warning, ✗ failure. Exit 1 on any ✗.
"use strict";
const fs = require("fs");
const path = require("path");

function readPack(root) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  return { root, pkg };
}

/**
 * Finds `RED.nodes.registerType("type", { ... })` in the editor HTML's inline scripts, as node-red-dev does:
 * the type and the definition's keys must be literals for the Flow Library to read them.
 */
function editorDefinitions(html) {
  const acorn = require("acorn");
  const defs = [];
  const scripts = [...html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  for (const js of scripts) {
    const ast = acorn.parse(js, { ecmaVersion: "latest", sourceType: "script" });
    (function visit(node) {
      if (!node || typeof node.type !== "string") return;
      if (
        node.type === "CallExpression" &&
        node.callee.type === "MemberExpression" &&
        node.callee.property.name === "registerType" &&
        node.arguments.length >= 2 &&
        node.arguments[0].type === "Literal" &&
        node.arguments[1].type === "ObjectExpression"
      ) {
        const keys = {};
        for (const prop of node.arguments[1].properties) {
          if (prop.type !== "Property" || !prop.key) continue;
          const name = prop.key.name || prop.key.value;
          keys[name] = prop.value.type === "Literal" ? JSON.stringify(prop.value.value) : null;
        }
        defs.push({ type: node.arguments[0].value, keys });
      }
      for (const value of Object.values(node)) {
        if (Array.isArray(value)) value.forEach(visit);
        else if (value && typeof value === "object") visit(value);
      }
    })(ast);
  }
  return defs;
}

function exampleFlows(root) {
  const dir = path.join(root, "examples");
  const out = [];
  if (!fs.existsSync(dir)) return out;
  (function walk(d) {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(p);
    }
  })(dir);
  return out;
}

function check(root) {
  const { pkg } = readPack(root);
  const results = [];
  const add = (rule, level, text) => results.push({ rule, level, text });

  add("P01", pkg.license ? "pass" : "fail", pkg.license ? `license ${pkg.license}` : "no license");
  add("P02", "skip", "name matches the package.json at repository: needs the repository online, not checked here");
  add("P03", pkg.repository || pkg.bugs ? "pass" : "warn", "repository or bugs present");
  add("P04", /^@[^/]+\/node-red-/.test(pkg.name) ? "pass" : "fail", `scoped name ${pkg.name}`);
  add("P05", (pkg.keywords || []).includes("node-red") ? "pass" : "fail", "node-red keyword");
  const nrVersion = pkg["node-red"] && pkg["node-red"].version;
  add("P06", nrVersion && /^>=\s*[34]\./.test(nrVersion) ? "pass" : "warn", `node-red.version ${nrVersion}`);
  const engines = pkg.engines && pkg.engines.node;
  add("P07", engines && /^>=\s*(18|20|22)/.test(engines) ? "pass" : "warn", `engines.node ${engines}`);
  add("P08", "skip", "no same-named package in another scope: needs the online registry, not checked here");

  const nodes = (pkg["node-red"] && pkg["node-red"].nodes) || {};
  const types = [];
  for (const [set, jsPath] of Object.entries(nodes)) {
    const js = path.join(root, jsPath);
    const html = js.replace(/\.js$/, ".html");
    if (!fs.existsSync(js)) add("N00", "fail", `${set}: ${jsPath} missing (run the build)`);
    if (!fs.existsSync(html)) {
      add("N00", "fail", `${set}: ${path.relative(root, html)} missing`);
      continue;
    }
    for (const def of editorDefinitions(fs.readFileSync(html, "utf8"))) {
      const isConfig = def.keys.category === '"config"';
      const wanted = isConfig ? ["category"] : ["category", "color", "icon", "inputs", "outputs"];
      const missing = wanted.filter((k) => !def.keys[k]);
      if (missing.length) add("N00", "fail", `${def.type}: registerType needs literal ${missing.join(", ")}`);
      types.push({ type: def.type, config: isConfig });
    }
  }
  const dupes = types.map((t) => t.type).filter((t, i, a) => a.indexOf(t) !== i);
  add("N01", dupes.length ? "warn" : "pass", dupes.length ? `duplicate types ${dupes}` : `${types.length} unique edge- types`);

  const used = new Set();
  for (const file of exampleFlows(root)) {
    try {
      const flow = JSON.parse(fs.readFileSync(file, "utf8"));
      for (const n of Array.isArray(flow) ? flow : []) used.add(n.type);
    } catch (err) {
      add("N02", "fail", `${path.relative(root, file)} is not flow JSON: ${err.message}`);
    }
  }
  const unused = types.filter((t) => !t.config && !used.has(t.type)).map((t) => t.type);
  add("N02", unused.length ? "warn" : "pass", unused.length ? `not in any example: ${unused.join(", ")}` : "every non-config node is in an example");

  const deps = Object.keys(pkg.dependencies || {});
  add("D01", deps.length > 6 ? "warn" : "pass", `${deps.length} runtime dependencies`);
  const bad = ["node-red-contrib-bad-package"];
  add("D02", deps.some((d) => bad.includes(d)) ? "fail" : "pass", "no known-bad packages");
  add("D03", "skip", "dependency majors against the registry's latest: needs the online registry, not checked here");
  return { results, types };
}

module.exports = { check, editorDefinitions };

if (require.main === module) {
  const root = path.resolve(process.argv[2] || path.join(__dirname, ".."));
  const { results } = check(root);
  const mark = { pass: "✓", warn: "⚠", fail: "✗", skip: "–" };
  for (const r of results) console.log(`${mark[r.level]} ${r.rule} ${r.text}`);
  process.exit(results.some((r) => r.level === "fail") ? 1 : 0);
}
