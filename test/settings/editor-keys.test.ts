/** Every message key a built editor uses (data-i18n in its dialog, this._ / node._ in its script) is in the node's built catalogue. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ensureBuilt, repoRoot } from "../harness/build";
import { packNodes } from "./editor-definitions";

function lookup(catalogue: unknown, key: string): unknown {
  return key.split(".").reduce<unknown>((node, part) => (node && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined), catalogue);
}

describe("built editors: every message key resolves", function () {
  this.timeout(180000);
  before(function () {
    ensureBuilt();
  });
  for (const type of packNodes()) {
    it(type, function () {
      const dir = path.join(repoRoot, "dist", "nodes", type);
      const html = fs.readFileSync(path.join(dir, `${type}.html`), "utf8");
      const catalogue = JSON.parse(fs.readFileSync(path.join(dir, "locales", "en-US", `${type}.json`), "utf8"));
      const keys = new Set<string>();
      for (const m of html.matchAll(/data-i18n="(?:\[[a-z]+\])?([^"]+)"/g)) keys.add(m[1]);
      for (const m of html.matchAll(/\b(?:this|node)\._\("([\w.-]+)"\)/g)) keys.add(m[1]);
      assert.ok(keys.size > 0, "keys found");
      const missing = [...keys].filter((k) => k.startsWith(`${type}.`) && typeof lookup(catalogue, k) !== "string");
      assert.deepStrictEqual(missing, [], `keys of ${type} missing from its catalogue`);
    });
  }
});
