import * as assert from "assert";
import { mergeSecretMap, parseSecretMap, SecretMapError } from "../../lib/common/secret-map";
import { LogOnce } from "../../lib/common/log-once";

describe("secret map: the editor's edits folded into the stored secrets", function () {
  const stored = { alice: { password: "a" }, bob: { password: "b" } };

  it("keeps the entries an edit leaves out, adds new ones and drops ids no longer listed", function () {
    assert.deepStrictEqual(mergeSecretMap(stored, { carol: { password: "c" } }, ["alice", "bob", "carol"]), { ...stored, carol: { password: "c" } });
    assert.deepStrictEqual(mergeSecretMap(stored, {}, ["bob"]), { bob: { password: "b" } });
  });

  it("treats a blank field as unchanged, and a rename keeps the secrets of the old id", function () {
    assert.deepStrictEqual(mergeSecretMap(stored, { alice: { password: "" } }, ["alice"]), { alice: { password: "a" } });
    assert.deepStrictEqual(mergeSecretMap(stored, { robert: { from: "bob" } }, ["alice", "robert"]), { alice: { password: "a" }, robert: { password: "b" } });
  });

  it("merges field by field (one key of a device changed, the others kept)", function () {
    const keys = { D1: { nwkSKey: "N", appSKey: "A" } };
    assert.deepStrictEqual(mergeSecretMap(keys, { D1: { appSKey: "A2" } }, ["D1"]), { D1: { nwkSKey: "N", appSKey: "A2" } });
  });

  it("lists every stored and edited id when the flow has no list yet", function () {
    assert.deepStrictEqual(Object.keys(mergeSecretMap(stored, { carol: { password: "c" } }, undefined)), ["alice", "bob", "carol"]);
  });

  it("keeps an id such as __proto__ an ordinary key", function () {
    const merged = mergeSecretMap({}, parseSecretMap('{"__proto__":{"password":"p"}}', "edits"), ["__proto__"]);
    assert.ok(Object.prototype.hasOwnProperty.call(merged, "__proto__"));
    assert.strictEqual(Object.getPrototypeOf(merged), Object.prototype);
  });

  it("refuses what is not a map of string fields, naming the credential", function () {
    assert.throws(() => parseSecretMap("not json", "passwords"), (e: Error) => e instanceof SecretMapError && /passwords is not valid JSON/.test(e.message));
    assert.throws(() => parseSecretMap("[1]", "keys"), /keys is not a JSON object/);
    assert.throws(() => parseSecretMap('{"a":{"password":1}}', "keys"), /"a".password is not a string/);
    assert.deepStrictEqual(parseSecretMap("  ", "keys"), {});
  });
});

describe("LogOnce", function () {
  it("logs each distinct text once until it is reset, with a bounded memory", function () {
    const lines: string[] = [];
    const once = new LogOnce((t) => lines.push(t), 2);
    for (let i = 0; i < 5; i++) once.log("refused a");
    once.log("refused b");
    assert.deepStrictEqual(lines, ["refused a", "refused b"]);
    once.reset("refused a");
    once.log("refused a");
    assert.deepStrictEqual(lines, ["refused a", "refused b", "refused a"]);
    once.log("refused c"); // the limit of 2 forgets the oldest, "refused b"
    once.log("refused b");
    assert.deepStrictEqual(lines.slice(3), ["refused c", "refused b"]);
    once.reset();
    assert.strictEqual(once.log("refused c"), true);
  });
});
