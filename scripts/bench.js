#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.ts (each exports `run()`), prints one table of our figure,
// the baseline measured in the same run and their ratio, and writes it to BENCHMARKS.md with the machine.
// `npm run bench -- ingest kafka` runs only the named ones.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
require("tsx/cjs");

const root = path.resolve(__dirname, "..");
const only = process.argv.slice(2);
const files = fs
  .readdirSync(path.join(root, "bench"))
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => only.length === 0 || only.includes(f.replace(/\.bench\.ts$/, "")))
  .sort();

const fmt = (n) => (Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toPrecision(3));

(async () => {
  const rows = [];
  for (const file of files) {
    const name = file.replace(/\.bench\.ts$/, "");
    process.stderr.write(`bench: ${name} …\n`);
    const started = Date.now();
    try {
      const mod = require(path.join(root, "bench", file));
      const results = await mod.run();
      for (const r of results) rows.push({ bench: name, ...r });
    } catch (err) {
      rows.push({ bench: name, name: "(failed)", ours: NaN, baseline: NaN, unit: "", ratio: NaN, note: String(err && err.message ? err.message : err) });
    }
    process.stderr.write(`bench: ${name} done in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  }
  const header = "| benchmark | measure | ours | baseline | unit | ratio | note |\n|---|---|---:|---:|---|---:|---|";
  const table = [header, ...rows.map((r) => `| ${r.bench} | ${r.name} | ${fmt(r.ours)} | ${fmt(r.baseline)} | ${r.unit} | ${Number.isFinite(r.ratio) ? r.ratio.toFixed(2) + "×" : "–"} | ${r.note || ""} |`)].join("\n");
  console.log(table);
  const cpu = os.cpus()[0];
  const machine = `${os.cpus().length} × ${cpu ? cpu.model.trim() : "cpu"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
  const doc = [
    "# Benchmarks",
    "",
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}, with \`npm run bench${only.length ? " -- " + only.join(" ") : ""}\`.`,
    "Each row compares our figure with a baseline measured in the same run on the same machine; the ratio is ours ÷ baseline for rates (higher is better) and baseline ÷ ours for times and sizes (higher is better), as each benchmark states.",
    "",
    table,
    "",
  ].join("\n");
  // the prose after the table (what bounds the rows short of their aims, from profiles) is kept across runs
  const file = path.join(root, "BENCHMARKS.md");
  const KEPT = "\n## What bounds the rows short of their aims";
  const previous = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  const kept = previous.includes(KEPT) ? previous.slice(previous.indexOf(KEPT)) : "";
  if (only.length === 0 || process.env.BENCH_WRITE === "1") fs.writeFileSync(file, doc + kept);
  process.exit(0);
})();
