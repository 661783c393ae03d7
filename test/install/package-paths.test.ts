/** package.json's `main` and `files` name what the build makes, and the packed tarball holds it. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { packOnce, repoRoot } from "./packed-pack";

const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { main: string; files: string[] };

describe("install: package.json's main and files", function () {
  this.timeout(300000);
  let packed: string[];

  before(function () {
    packed = packOnce().files; // builds first
  });

  it("names a main that the build makes, that the tarball holds, and that loads the plain modules", function () {
    assert.ok(fs.existsSync(path.join(repoRoot, pkg.main)), `main ${pkg.main} does not exist after the build`);
    assert.ok(packed.includes(path.normalize(pkg.main)), `main ${pkg.main} is not in the tarball`);
    const main = require(path.join(repoRoot, pkg.main)) as Record<string, Record<string, unknown>>;
    assert.strictEqual(typeof main.contract.eventIdOf, "function");
    assert.strictEqual(typeof main.cayenneLpp.decodeCayenneLpp, "function");
    assert.strictEqual(typeof main.senml.resolveSenml, "function");
    assert.strictEqual(typeof main.deviceProfile.parseProfile, "function");
    assert.strictEqual(typeof main.simulator.ColdChainSimulator, "function");
  });

  it("lists in files only paths that exist after the build, each of them in the tarball", function () {
    for (const entry of pkg.files) {
      assert.ok(fs.existsSync(path.join(repoRoot, entry)), `files names ${entry}, which does not exist after the build`);
      const prefix = entry.replace(/\/$/, "");
      assert.ok(packed.some((f) => f === prefix || f.startsWith(`${prefix}/`)), `nothing of ${entry} is in the tarball`);
    }
  });
});
