#!/usr/bin/env node
// `npm start`: Node-RED with this pack from the working tree and the flows of flows/ deployed,
// on 127.0.0.1:1880, on embedded defaults (the embedded MQTT broker; Kafka and InfluxDB only when
// KAFKA_BROKERS / INFLUX_URL are given: alerts and summaries wait on disk for Kafka, readings skip InfluxDB).
"use strict";
const fs = require("fs");
const path = require("path");
const { spawn, execFileSync } = require("child_process");

const root = path.resolve(__dirname, "..");
const userDir = path.resolve(process.env.EDGE_AI_USER_DIR || path.join(root, ".node-red-demo"));
const port = Number(process.env.PORT || 1880);
const host = process.env.HOST || "127.0.0.1";

// EDGE_AI_NO_BUILD=1 starts from the dist/ already built (the test of this script builds once for three starts)
if (process.env.EDGE_AI_NO_BUILD !== "1") execFileSync(process.execPath, [path.join(root, "scripts", "build.js")], { stdio: "inherit", cwd: root });

// The pack is found by Node-RED as a module in the user dir, linked to the working tree.
const linkDir = path.join(userDir, "node_modules", "@edge-ai");
const link = path.join(linkDir, "node-red-edge-ai");
fs.mkdirSync(linkDir, { recursive: true });
try {
  if (fs.realpathSync(link) !== root) fs.rmSync(link, { recursive: true, force: true });
} catch {
  /* not there yet */
}
if (!fs.existsSync(link)) fs.symlinkSync(root, link, "dir");

// The flows of flows/ are copied into the user dir on the first start only, so the user's own edits (deployed
// from the editor) survive a restart; `npm start -- --reset` (or --reset-flows, or EDGE_AI_RESET_FLOWS=1) starts
// over from the committed flows, keeping the replaced ones as flows.json.bak.
const flowFile = path.join(userDir, "flows.json");
const reset = process.argv.includes("--reset") || process.argv.includes("--reset-flows") || process.env.EDGE_AI_RESET_FLOWS === "1";
if (reset || !fs.existsSync(flowFile)) {
  const flows = [];
  for (const file of fs.readdirSync(path.join(root, "flows")).filter((f) => f.endsWith(".json")).sort()) {
    flows.push(...JSON.parse(fs.readFileSync(path.join(root, "flows", file), "utf8")));
  }
  if (fs.existsSync(flowFile)) fs.copyFileSync(flowFile, `${flowFile}.bak`);
  fs.writeFileSync(flowFile, JSON.stringify(flows, null, 2));
  console.log(`edge-ai demo: flows of ${path.join(root, "flows")} copied to ${flowFile}`);
} else {
  console.log(`edge-ai demo: keeping the flows in ${flowFile} (npm start -- --reset starts over from flows/)`);
}

const settings = {
  uiHost: host,
  uiPort: port,
  userDir,
  flowFile: "flows.json",
  credentialSecret: process.env.NODE_RED_CREDENTIAL_SECRET || "edge-ai-demo-only-secret",
  telemetry: { enabled: false },
  diagnostics: { enabled: false },
  contextStorage: { default: { module: "localfilesystem" } },
  logging: { console: { level: process.env.LOG_LEVEL || "info", metrics: false, audit: false } },
  editorTheme: { projects: { enabled: false }, tours: false },
};
fs.writeFileSync(path.join(userDir, "settings.js"), `module.exports = ${JSON.stringify(settings, null, 2)};\n`);

const red = spawn(process.execPath, [require.resolve("node-red/red.js", { paths: [root] }), "--settings", path.join(userDir, "settings.js"), "--userDir", userDir], {
  stdio: "inherit",
  cwd: userDir,
  env: process.env,
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => red.kill(signal));
red.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
