import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { packOnce, repoRoot } from "./packed-pack";

const { check } = require("../../scripts/scorecard.js") as {
  check(root: string): { results: Array<{ rule: string; level: string; text: string }>; types: Array<{ type: string; config: boolean }> };
};

describe("Flow Library scorecard, checked offline on the built pack", function () {
  this.timeout(180000);
  let results: Array<{ rule: string; level: string; text: string }>;
  let types: Array<{ type: string; config: boolean }>;

  before(function () {
    packOnce(); // the rules are checked on the built pack, as published
    ({ results, types } = check(repoRoot));
  });

  it("has no ✗", function () {
    const failures = results.filter((r) => r.level === "fail");
    assert.deepStrictEqual(failures, []);
  });

  it("explains every ⚠ that stays in the README", function () {
    const readme = fs.readFileSync(path.join(repoRoot, "README.md"), "utf8");
    for (const warning of results.filter((r) => r.level === "warn")) {
      assert.match(readme, new RegExp(`\\b${warning.rule}\\b`), `README explains ${warning.rule}: ${warning.text}`);
    }
  });

  it("registers edge- types under the 'edge ai' palette category", function () {
    assert.ok(types.length > 0);
    for (const t of types) assert.match(t.type, /^edge-/);
    for (const set of Object.keys(JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8"))["node-red"].nodes)) {
      const html = fs.readFileSync(path.join(repoRoot, "dist/nodes", set, `${set}.html`), "utf8");
      const config = /category:\s*["']config["']/.test(html);
      if (!config) assert.match(html, /category:\s*["']edge ai["']/, `${set} is in the 'edge ai' category`);
    }
  });
});
