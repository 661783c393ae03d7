/** Every message key edge-alarms uses exists in its en-US catalogue, and its help has the four sections. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { renderForm } from "../../nodes/_shared/editor/form";

const root = path.join(__dirname, "..", "..");

function lookup(catalogue: Record<string, unknown>, key: string): unknown {
  return key.split(".").reduce<unknown>((node, part) => (node && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined), catalogue);
}

describe("edge-alarms: messages and help", function () {
  it("every RED._ / node._ / data-i18n key resolves in locales/en-US/edge-alarms.json", function () {
    const catalogue = JSON.parse(fs.readFileSync(path.join(root, "locales", "en-US", "edge-alarms.json"), "utf8")) as Record<string, unknown>;
    // the editor: editor.ts and form.ts, from which the build makes the .html (test/settings checks the built keys)
    const editor = ["editor.ts", "form.ts", "edge-alarms.html"].map((f) => path.join(root, "nodes", "edge-alarms", f)).filter((f) => fs.existsSync(f));
    const form = fs.existsSync(path.join(root, "nodes", "edge-alarms", "form.ts")) ? renderForm("edge-alarms", require("../../nodes/edge-alarms/form").default) : "";
    const sources = [path.join(root, "nodes", "edge-alarms", "edge-alarms.ts"), ...editor].map((f) => fs.readFileSync(f, "utf8")).concat(form).join("\n");
    const keys = new Set([...sources.matchAll(/(?:RED\._|this\._|node\._|data-i18n=")\(?"?(?:\[placeholder\])?(edge-alarms\.[\w.-]+)/g)].map((m) => m[1]).filter((k) => !k.endsWith(".")));
    assert.ok(keys.size >= 10, `keys found: ${[...keys].join(", ")}`);
    for (const key of keys) assert.strictEqual(typeof lookup(catalogue, key), "string", `${key} is in the catalogue`);
    // keys the editor builds from lists
    for (const k of ["alarms", "escalations", "record", "replies"]) assert.strictEqual(typeof lookup(catalogue, `edge-alarms.outputLabels.${k}`), "string");
    for (const k of ["name", "resource", "device", "activeWhen", "graceMin", "maxMin", "resources", "rules"]) assert.strictEqual(typeof lookup(catalogue, `edge-alarms.source.${k}`), "string");
    for (const k of ["true", "false"]) assert.strictEqual(typeof lookup(catalogue, `edge-alarms.choice.activeWhen.${k}`), "string");
  });

  it("help has Inputs, Outputs, Details and References, citing ISA-18.2 and EN 12830", function () {
    const help = fs.readFileSync(path.join(root, "locales", "en-US", "edge-alarms.html"), "utf8");
    assert.match(help, /data-help-name="edge-alarms"/);
    for (const s of ["Inputs", "Outputs", "Details", "References"]) assert.match(help, new RegExp(`<h3>${s}</h3>`));
    assert.match(help, /ISA-18\.2/);
    assert.match(help, /EN 12830/);
  });
});
