import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";
import { tempDir, httpRequest } from "../harness/peers";
import { startNodeRed, NodeRedProcess } from "../harness/node-red-process";
import { packOnce, installInto, nodeRed5Runtime, repoRoot } from "./packed-pack";
import { waitFor } from "../harness/wait";

const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8"));
const declaredSets = Object.keys(pkg["node-red"].nodes);

interface NodeSetInfo {
  id: string;
  name: string;
  types: string[];
  enabled: boolean;
  module: string;
  err?: string;
}

async function assertEveryNodeLoaded(red: NodeRedProcess): Promise<void> {
  const sets = (await red.getJson("/nodes")) as NodeSetInfo[];
  const ours = sets.filter((s) => s.module === pkg.name);
  const byName = new Map(ours.map((s) => [s.name, s]));
  for (const name of declaredSets) {
    const set = byName.get(name);
    assert.ok(set, `node set ${name} is not registered:\n${red.output().slice(-3000)}`);
    assert.strictEqual(set.err, undefined, `node set ${name} failed to load: ${set.err}`);
    assert.ok(set.enabled, `node set ${name} is enabled`);
    assert.ok(set.types.includes(name), `node set ${name} registers type ${name} (got ${set.types})`);
  }
  // each node's messages and help reach the editor
  for (const name of declaredSets) {
    const catalog = (await red.getJson(`/locales/${pkg.name}/${name}?lng=en-US`)) as Record<string, unknown>;
    assert.ok(catalog[name], `the message catalogue of ${name} is served`);
    const editor = await httpRequest("GET", `${red.url}/nodes/${pkg.name}/${name}`, undefined, { Accept: "text/html" });
    assert.match(editor.body, new RegExp(`data-help-name="${name}"`), `the help of ${name} is served`);
  }
}

/**
 * The examples run in a plain Node-RED with nothing but the pack: every type they use is registered there (core
 * nodes and the pack's own, no node-red-contrib-influxdb or dashboard), and all of them deploy together.
 */
async function assertExamplesRun(red: NodeRedProcess): Promise<void> {
  const sets = (await red.getJson("/nodes")) as NodeSetInfo[];
  const known = new Set(sets.filter((s) => s.enabled && !s.err).flatMap((s) => s.types));
  const examplesDir = path.join(red.userDir, "node_modules", ...pkg.name.split("/"), "examples");
  const files = fs.readdirSync(examplesDir).filter((f) => f.endsWith(".json"));
  assert.ok(files.length > 0, `examples in ${examplesDir}`);
  const all: Array<{ id: string; type: string }> = [];
  for (const f of files) {
    const flow = JSON.parse(fs.readFileSync(path.join(examplesDir, f), "utf8")) as Array<{ id: string; type: string }>;
    const unknown = [...new Set(flow.map((n) => n.type).filter((t) => t !== "tab" && !known.has(t)))];
    assert.deepStrictEqual(unknown, [], `${f} uses types this Node-RED does not have`);
    all.push(...flow);
  }
  // ports as shipped, on loopback where the node has an address (Node-RED's udp in has none: all interfaces)
  for (const n of all as Array<{ type: string; address?: string }>) if (n.type === "edge-coap-server") n.address = "127.0.0.1";
  const from = red.output().length;
  await red.deploy(all);
  await waitFor(() => /Started flows/.test(red.output().slice(from)), "the examples started", { timeoutMs: 30000, intervalMs: 200 });
  // (ports they share would show as EADDRINUSE: test/examples/ports.test.ts checks them, and the browser test deploys
  // them together; here another test on this machine may hold an example's port)
  assert.doesNotMatch(red.output().slice(from), /Waiting for missing types|Flows stopped/, red.output().slice(from, from + 3000));
}

describe("install: the packed tarball in a fresh Node-RED", function () {
  this.timeout(600000);
  let tarball: string;
  let userDir: string;
  let npmOutput: string;

  before(function () {
    assert.ok(declaredSets.length > 0, "package.json declares nodes");
    tarball = packOnce().tarball;
    userDir = tempDir("userdir");
    npmOutput = installInto(userDir, tarball);
  });

  it("holds the compiled pack and nothing else", function () {
    const files = packOnce().files;
    const outside = files.filter((f) => !/^(dist\/|examples\/|resources\/|README\.md$|LICENSE$|package\.json$)/.test(f));
    assert.deepStrictEqual(outside, [], "unexpected files in the tarball");
    assert.ok(!files.some((f) => /\.ts$/.test(f) && !f.endsWith(".d.ts")), "no TypeScript sources");
    assert.ok(!files.some((f) => /(^|\/)(test|bench|shared)\//.test(f)), "no tests, benchmarks or shared material");
    for (const set of declaredSets) {
      for (const f of [`dist/nodes/${set}/${set}.js`, `dist/nodes/${set}/${set}.html`, `dist/nodes/${set}/locales/en-US/${set}.json`, `dist/nodes/${set}/locales/en-US/${set}.html`]) {
        assert.ok(files.includes(f), `${f} is in the tarball`);
      }
    }
  });

  it("installs without compiling anything", function () {
    // serialport's install script is node-gyp-build, which loads the prebuilt binding it ships; it would compile
    // (and print gyp info) only when none fits
    assert.doesNotMatch(npmOutput, /node-gyp(?!-build)|gyp info|prebuild-install|cmake/i, npmOutput);
    assert.ok(!fs.existsSync(path.join(userDir, "node_modules", "node-red")), "node-red is a peer: npm does not pull a second copy into the user dir");
  });

  it("loads every node in Node-RED 4 on Node 20, and runs every example there", async function () {
    const version = execFileSync(process.execPath, ["-e", "console.log(require('node-red/package.json').version)"], { cwd: repoRoot, encoding: "utf8" }).trim();
    assert.match(version, /^4\./);
    const red = await startNodeRed({ userDir, env: { KAFKA_BROKERS: undefined, INFLUX_URL: undefined } });
    try {
      await assertEveryNodeLoaded(red);
      await assertExamplesRun(red);
    } finally {
      await red.stop();
    }
  });

  it("loads every node in Node-RED 5 on Node 22, and runs every example there", async function () {
    const runtime = nodeRed5Runtime();
    const nodeVersion = execFileSync(runtime.nodeBin, ["--version"], { encoding: "utf8" }).trim();
    assert.match(nodeVersion, /^v22\./);
    const userDir5 = tempDir("userdir5");
    fs.cpSync(userDir, userDir5, { recursive: true });
    fs.rmSync(path.join(userDir5, ".config.runtime.json"), { force: true });
    const red = await startNodeRed({ userDir: userDir5, ...runtime });
    try {
      const settings = (await red.getJson("/settings")) as { version: string };
      assert.match(settings.version, /^5\./);
      await assertEveryNodeLoaded(red);
      await assertExamplesRun(red);
    } finally {
      await red.stop();
    }
  });
});
