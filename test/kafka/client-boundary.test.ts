/**
 * The Kafka client library stays behind lib/kafka/client.ts: no other file of lib/ or nodes/ imports it, so
 * moving to a maintained client touches one file. And it is pinned exactly, to the version installed.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const root = path.resolve(__dirname, "../..");
const CLIENT = "lib/kafka/client.ts";

function sources(dir: string, out: string[] = [], depth = 0): string[] {
  if (depth > 10) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) sources(full, out, depth + 1);
    else if (/\.(ts|js|mjs|cjs)$/.test(entry.name)) out.push(full);
  }
  return out;
}

/** import … from "kafkajs", import("kafkajs"), require("kafkajs"), also of a subpath */
const IMPORTS_KAFKAJS = /(?:from\s*|import\s*\(\s*|require\s*\(\s*|import\s+)["']kafkajs(?:\/[^"']*)?["']/;

describe("the Kafka client boundary", function () {
  it("only lib/kafka/client.ts imports kafkajs", function () {
    const files = [...sources(path.join(root, "lib")), ...sources(path.join(root, "nodes"))];
    assert.ok(files.length > 20, "the walk found the sources");
    const importing = files.filter((f) => IMPORTS_KAFKAJS.test(fs.readFileSync(f, "utf8"))).map((f) => path.relative(root, f));
    assert.deepStrictEqual(importing, [CLIENT]);
  });

  it("the pattern catches every way of importing it", function () {
    for (const line of ['import { Kafka } from "kafkajs";', "import type { Producer } from 'kafkajs';", 'const k = require("kafkajs");', 'await import("kafkajs")', 'import "kafkajs";', 'from "kafkajs/src/errors"']) {
      assert.ok(IMPORTS_KAFKAJS.test(line), line);
    }
    assert.ok(!IMPORTS_KAFKAJS.test('// kafkajs is unmaintained upstream'));
  });

  it("kafkajs is pinned exactly, to the version installed", function () {
    const spec = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).dependencies.kafkajs as string;
    assert.match(spec, /^\d+\.\d+\.\d+$/, `package.json pins kafkajs exactly (is ${spec})`);
    const installed = JSON.parse(fs.readFileSync(require.resolve("kafkajs/package.json"), "utf8")).version;
    assert.strictEqual(installed, spec);
  });
});
