/** Every message key edge-rollout uses exists in its en-US catalogue, the status of every phase too, and its help has the four sections. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "../harness/build";
import { renderForm } from "../../nodes/_shared/editor/form";

function lookup(catalogue: Record<string, unknown>, key: string): unknown {
  return key.split(".").reduce<unknown>((node, part) => (node && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined), catalogue);
}

describe("edge-rollout: messages and help", function () {
  it("every RED._ / this._ / data-i18n key resolves in locales/en-US/edge-rollout.json", function () {
    const catalogue = JSON.parse(fs.readFileSync(path.join(repoRoot, "locales", "en-US", "edge-rollout.json"), "utf8")) as Record<string, unknown>;
    // the editor: editor.ts and the rendered form.ts, from which the build makes the .html
    const form = renderForm("edge-rollout", require("../../nodes/edge-rollout/form").default);
    const sources = ["edge-rollout.ts", "editor.ts"].map((f) => fs.readFileSync(path.join(repoRoot, "nodes", "edge-rollout", f), "utf8")).concat(form).join("\n");
    const keys = new Set([...sources.matchAll(/(?:RED\._|this\._|data-i18n=")\(?"?(edge-rollout\.[\w.-]+)/g)].map((m) => m[1]).filter((k) => !k.endsWith(".")));
    assert.ok(keys.size >= 20, `keys found: ${[...keys].join(", ")}`);
    for (const key of keys) assert.strictEqual(typeof lookup(catalogue, key), "string", `${key} is in the catalogue`);
    // the status names the phase: one text per phase of lib/fleet/rollout.ts
    for (const phase of ["canary", "watching", "promoted", "rolled-back"]) assert.strictEqual(typeof lookup(catalogue, `edge-rollout.status.${phase}`), "string");
  });

  it("help has Inputs, Outputs, Details and References", function () {
    const help = fs.readFileSync(path.join(repoRoot, "locales", "en-US", "edge-rollout.html"), "utf8");
    assert.match(help, /data-help-name="edge-rollout"/);
    for (const s of ["Inputs", "Outputs", "Details", "References"]) assert.match(help, new RegExp(`<h3>${s}</h3>`));
  });
});
