/** Every message key the CoAP nodes use exists in their en-US catalogue, and every node has help with the four sections. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const root = path.join(__dirname, "..", "..");
const TYPES = ["edge-coap-server", "edge-coap-in", "edge-coap-response", "edge-coap-request"];

function lookup(catalogue: Record<string, unknown>, key: string): unknown {
  return key.split(".").reduce<unknown>((node, part) => (node && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined), catalogue);
}

describe("CoAP nodes: messages and help", function () {
  for (const type of TYPES) {
    it(`${type}: every RED._ / data-i18n key resolves in locales/en-US/${type}.json`, function () {
      const catalogue = JSON.parse(fs.readFileSync(path.join(root, "locales", "en-US", `${type}.json`), "utf8")) as Record<string, unknown>;
      // a node whose .html the build makes from editor.ts and form.ts: those (test/settings checks the built keys)
      const editor = ["editor.ts", "form.ts", `${type}.html`].map((f) => path.join(root, "nodes", type, f)).filter((f) => fs.existsSync(f));
      const sources = [path.join(root, "nodes", type, `${type}.ts`), ...editor].map((f) => fs.readFileSync(f, "utf8")).join("\n");
      const keys = new Set([...sources.matchAll(/(?:RED\._|this\._|data-i18n=")\(?"?(?:\[placeholder\])?(edge-coap-[\w-]+\.[\w.-]+)/g)].map((m) => m[1]).filter((k) => k.startsWith(type + ".")));
      assert.ok(keys.size > 0, "keys found");
      for (const key of keys) assert.strictEqual(typeof lookup(catalogue, key), "string", `${key} is in the catalogue`);
    });

    it(`${type}: help has what it does${type === "edge-coap-server" ? ", Details and References" : ", Inputs, Details and References"}`, function () {
      const help = fs.readFileSync(path.join(root, "locales", "en-US", `${type}.html`), "utf8");
      assert.match(help, new RegExp(`data-help-name="${type}"`));
      const sections = type === "edge-coap-server" ? ["Details", "References"] : ["Inputs", "Details", "References"];
      for (const s of sections) assert.match(help, new RegExp(`<h3>${s}</h3>`));
    });
  }

  it("the server's help describes its DTLS: the suites served and what is left out", function () {
    const help = fs.readFileSync(path.join(root, "locales", "en-US", "edge-coap-server.html"), "utf8");
    assert.match(help, /<h3>DTLS \(coaps:\/\/\)<\/h3>/);
    assert.match(help, /TLS_PSK_WITH_AES_128_CCM_8/);
    assert.match(help, /PSK only, no certificates/);
  });

  it("every handshake failure the DTLS server reports has its warning", function () {
    const catalogue = JSON.parse(fs.readFileSync(path.join(root, "locales", "en-US", "edge-coap-server.json"), "utf8")) as Record<string, unknown>;
    for (const reason of ["unknown-identity", "bad-key", "no-shared-suite", "protocol-version", "timeout", "malformed", "alert"]) {
      assert.strictEqual(typeof lookup(catalogue, `edge-coap-server.warnings.handshake-${reason}`), "string", reason);
    }
  });
});
