/** The Kafka nodes' texts: every RED._ key they use exists in locales/en-US, and the help says what users must do. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const root = path.resolve(__dirname, "../..");
const TYPES = ["edge-kafka-broker", "edge-kafka-out", "edge-kafka-in"];

function lookup(catalogue: unknown, key: string): unknown {
  let v = catalogue;
  for (const part of key.split(".")) v = (v as Record<string, unknown> | undefined)?.[part];
  return v;
}

describe("the Kafka nodes' texts", function () {
  for (const type of TYPES) {
    it(`${type}: every RED._ key resolves in locales/en-US/${type}.json`, function () {
      const catalogue = JSON.parse(fs.readFileSync(path.join(root, "locales", "en-US", `${type}.json`), "utf8"));
      const source = fs.readFileSync(path.join(root, "nodes", type, `${type}.ts`), "utf8");
      const keys = [...source.matchAll(/RED\._\("(edge-kafka-[\w-]+\.[\w.-]+)"/g)].map((m) => m[1]);
      assert.ok(keys.length > 0 || type === "edge-kafka-broker", "keys found");
      for (const key of keys) {
        const ns = key.split(".")[0];
        const cat = ns === type ? catalogue : JSON.parse(fs.readFileSync(path.join(root, "locales", "en-US", `${ns}.json`), "utf8"));
        assert.strictEqual(typeof lookup(cat, key), "string", `${key} in locales/en-US/${ns}.json`);
      }
    });
  }

  it("edge-kafka-in's help says to create the topics first on Kafka 4, and that a failed start is retried", function () {
    const help = fs.readFileSync(path.join(root, "locales", "en-US", "edge-kafka-in.html"), "utf8");
    assert.match(help, /Create the topics before deploying<\/b> on Kafka 4/);
    assert.match(help, /tried again with backoff/);
  });
});
