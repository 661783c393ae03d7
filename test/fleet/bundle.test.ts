/**
 * Signed bundles without Node-RED: the signature covers the manifest and, through its hash, the content; every
 * way a bundle can be wrong is refused with its own code; targets, versions and rollbacks as a gateway sees them.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { generateSigningKey, parsePublicKey, parsePublicKeys, signBundle, verifyBundle } from "../../lib/fleet/bundle-signing";
import { BundleRefusal, parseBundle, sha256Hex, signedBytes, SignedBundle } from "../../lib/fleet/bundle-format";
import { BundleGate } from "../../lib/fleet/bundle-gate";
import { canonicalJson } from "../../lib/fleet/canonical-json";
import { compareVersions } from "../../lib/fleet/version";
import { targetMismatch } from "../../lib/fleet/bundle-targets";
import { denseModel } from "../../lib/tflite/model-builder";
import { repoRoot } from "../harness/build";

const MB = 1024 * 1024;
const gateway = { gatewayId: "gw-1", groups: ["canary", "store-12"], deviceClasses: ["reefer"] };
const model = (w: number) => Buffer.from(denseModel(1, [{ weights: [[w]], bias: [0] }]));

function refusal(fn: () => unknown): BundleRefusal {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof BundleRefusal, `not a refusal: ${String(err)}`);
    return err;
  }
  assert.fail("not refused");
}

describe("signed bundles", function () {
  const key = generateSigningKey();
  const other = generateSigningKey();
  const keys = [parsePublicKey(key.publicKeyPem)];
  const bundle = (version: string, content: Buffer = model(2), targets = {}) => signBundle({ kind: "model", name: "doubler", version, targets }, content, key.privateKeyPem);
  const roundTrip = (b: SignedBundle) => JSON.parse(JSON.stringify(b)) as SignedBundle;

  it("canonical JSON sorts keys at every level and drops undefined, so key order does not change the signed bytes", function () {
    assert.equal(canonicalJson({ b: 1, a: { d: [1, "x", null], c: true }, u: undefined }), '{"a":{"c":true,"d":[1,"x",null]},"b":1}');
    const b = bundle("1");
    const reordered = Object.fromEntries(Object.entries(b.manifest).reverse()) as unknown as typeof b.manifest;
    assert.deepEqual(signedBytes(reordered), signedBytes(b.manifest));
    assert.equal(verifyBundle({ ...b, manifest: reordered }, keys).keyId, key.keyId);
  });

  it("verifies a bundle after a trip through JSON text, with a PEM, base64 or hex public key", function () {
    const b = roundTrip(bundle("1"));
    const raw = Buffer.from(key.publicKeyPem.replace(/-----[^-]+-----|\s/g, ""), "base64").subarray(12);
    for (const text of [key.publicKeyPem, raw.toString("base64"), raw.toString("hex")]) {
      const { content, keyId } = verifyBundle(parseBundle(JSON.stringify(b), MB), parsePublicKeys(text));
      assert.deepEqual(content, model(2));
      assert.equal(keyId, key.keyId);
    }
  });

  it("refuses tampered content, a tampered manifest, another key and a missing key, each with its reason", function () {
    const b = roundTrip(bundle("1"));
    const tampered = Buffer.from(b.content, "base64");
    tampered[tampered.length - 5] ^= 0x01;
    const r1 = refusal(() => verifyBundle({ ...b, content: tampered.toString("base64") }, keys));
    assert.equal(r1.code, "content-mismatch");
    // the attacker recomputes the hash: now the signature fails
    const rehashed = { ...b, content: tampered.toString("base64"), manifest: { ...b.manifest, contentSha256: sha256Hex(tampered) } };
    assert.equal(refusal(() => verifyBundle(rehashed, keys)).code, "bad-signature");
    assert.equal(refusal(() => verifyBundle({ ...b, manifest: { ...b.manifest, targets: { groups: ["everyone"] } } }, keys)).code, "bad-signature");
    const foreign = signBundle({ kind: "model", name: "doubler", version: "9" }, model(2), other.privateKeyPem);
    const r2 = refusal(() => verifyBundle(foreign, keys));
    assert.equal(r2.code, "no-key");
    assert.match(r2.message, new RegExp(other.keyId));
    // a bundle without keyId is tried against every key
    const anonymous = { ...foreign, manifest: { ...foreign.manifest, keyId: undefined } };
    assert.equal(refusal(() => verifyBundle(anonymous, keys)).code, "bad-signature");
    assert.equal(refusal(() => verifyBundle(b, [])).code, "no-key");
  });

  it("refuses malformed bundles naming the field", function () {
    const b = roundTrip(bundle("1"));
    const cases: Array<[unknown, RegExp]> = [
      ["{not json", /not JSON/],
      [42, /an object/],
      [{ ...b, manifest: undefined }, /no manifest/],
      [{ ...b, signature: 7 }, /signature/],
      [{ ...b, manifest: { ...b.manifest, version: "v2-beta" } }, /manifest\.version/],
      [{ ...b, manifest: { ...b.manifest, kind: "firmware" } }, /manifest\.kind/],
      [{ ...b, manifest: { ...b.manifest, targets: { groups: "canary" } } }, /targets\.groups/],
      [{ ...b, manifest: { ...b.manifest, targets: undefined } }, /targets/],
    ];
    for (const [input, message] of cases) {
      const r = refusal(() => parseBundle(input, MB));
      assert.equal(r.code, "malformed");
      assert.match(r.message, message);
    }
    assert.equal(refusal(() => parseBundle(b, 100)).code, "too-large");
  });

  it("targets: every list named must meet the gateway's; lists left out match any gateway", function () {
    assert.equal(targetMismatch({}, gateway), undefined);
    assert.equal(targetMismatch({ groups: ["canary"], deviceClasses: ["reefer", "freezer"] }, gateway), undefined);
    assert.match(targetMismatch({ groups: ["store-99"] }, gateway)!, /groups store-99; this gateway \(gw-1\) has canary, store-12/);
    assert.match(targetMismatch({ gateways: ["gw-2"] }, gateway)!, /gateways gw-2/);
    assert.match(targetMismatch({ deviceClasses: ["shelf"] }, gateway)!, /device classes shelf/);
  });

  it("versions compare as numbers, part by part", function () {
    assert.ok(compareVersions("1.10", "1.9") > 0);
    assert.equal(compareVersions("2", "2.0.0"), 0);
    assert.ok(compareVersions("3.0.1", "3.1") < 0);
  });

  it("the gate activates newer versions, refuses downgrades, other content under the same version, wrong targets and non-models; a rollback restores the previous version and bars the rolled-back one", function () {
    const gate = new BundleGate();
    const a1 = gate.admit(roundTrip(bundle("1")), keys, gateway, MB);
    assert.equal(a1.outcome, "activate");
    const a2 = gate.admit(roundTrip(bundle("2", model(3))), keys, gateway, MB);
    assert.equal(a2.outcome, "activate");
    assert.equal(a2.outcome === "activate" && a2.previousVersion, "1");
    assert.equal(gate.admit(roundTrip(bundle("2", model(3))), keys, gateway, MB).outcome, "already-active");
    assert.equal(refusal(() => gate.admit(bundle("1"), keys, gateway, MB)).code, "downgrade");
    assert.equal(refusal(() => gate.admit(bundle("2", model(4)), keys, gateway, MB)).code, "same-version");
    assert.equal(refusal(() => gate.admit(bundle("3", model(4), { groups: ["store-99"] }), keys, gateway, MB)).code, "wrong-target");
    const r = refusal(() => gate.admit(bundle("3", Buffer.from("not a model at all")), keys, gateway, MB));
    assert.equal(r.code, "malformed");
    assert.match(r.message, /not a TFLite model/);

    // state survives a snapshot (the node keeps it in its context)
    const restored = new BundleGate(JSON.parse(JSON.stringify(gate.snapshot())));
    const back = restored.rollback(undefined, undefined);
    assert.equal(back.restored.manifest.version, "1");
    assert.equal(back.from.manifest.version, "2");
    assert.deepEqual(back.content, model(2));
    assert.equal(refusal(() => restored.admit(roundTrip(bundle("2", model(3))), keys, gateway, MB)).code, "rolled-back");
    assert.equal(refusal(() => restored.rollback(undefined, undefined)).code, "not-active");
    assert.equal(restored.admit(bundle("3", model(5)), keys, gateway, MB).outcome, "activate");
  });

  it("a rollback ordered for one version leaves the one before it alone and bars that version", function () {
    const gate = new BundleGate();
    gate.admit(bundle("1"), keys, gateway, MB);
    gate.admit(bundle("2", model(3)), keys, gateway, MB);
    const r = refusal(() => gate.rollback("model", "doubler", Date.now(), "3"));
    assert.equal(r.code, "not-active");
    assert.match(r.message, /version 3 is not active here \(version 2 is\)/);
    assert.equal(gate.active()[0].manifest.version, "2", "nothing was rolled back");
    assert.equal(refusal(() => gate.admit(bundle("3", model(4)), keys, gateway, MB)).code, "rolled-back", "the version ordered back stays barred");
    assert.equal(gate.rollback("model", "doubler", Date.now(), "2").restored.manifest.version, "1");
    // the same order again (a redelivery) does not take version 1 back
    assert.equal(refusal(() => gate.rollback("model", "doubler", Date.now(), "2")).code, "not-active");
    assert.equal(gate.active()[0].manifest.version, "1");
    // a gateway that has nothing of that name yet bars the version for when it arrives
    const empty = new BundleGate();
    assert.equal(refusal(() => empty.rollback("model", "doubler", Date.now(), "2")).code, "not-active");
    assert.equal(refusal(() => empty.admit(bundle("2", model(3)), keys, gateway, MB)).code, "rolled-back");
  });

  it("rule sets must be a JSON list of rules", function () {
    const gate = new BundleGate();
    const rules = [{ name: "too warm", type: "threshold", severity: "major", resource: "temperature", direction: "above", raise: 8 }];
    const ok = signBundle({ kind: "rules", name: "cold-room", version: "1" }, Buffer.from(JSON.stringify(rules)), key.privateKeyPem);
    assert.equal(gate.admit(ok, keys, gateway, MB).outcome, "activate");
    const bad = signBundle({ kind: "rules", name: "cold-room", version: "2" }, Buffer.from('{"type":"threshold"}'), key.privateKeyPem);
    assert.match(refusal(() => gate.admit(bad, keys, gateway, MB)).message, /JSON list of rules/);
  });

  it("scripts/sign-bundle.ts makes a key pair and a bundle the library verifies, and verifies it", function () {
    this.timeout(30000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sign-bundle-"));
    try {
      const tsx = path.join(repoRoot, "node_modules", "tsx", "dist", "cli.mjs");
      const run = (...args: string[]) => execFileSync(process.execPath, [tsx, path.join(repoRoot, "scripts", "sign-bundle.ts"), ...args], { encoding: "utf8" });
      fs.writeFileSync(path.join(dir, "m.tflite"), model(2));
      assert.match(run("keygen", "--out", dir), /^key [0-9a-f]{16}/);
      assert.equal(fs.statSync(path.join(dir, "bundle-signing.key")).mode & 0o777, 0o600);
      const out = path.join(dir, "b.json");
      run("sign", "--key", path.join(dir, "bundle-signing.key"), "--kind", "model", "--name", "doubler", "--version", "1.2", "--file", path.join(dir, "m.tflite"), "--groups", "canary", "--out", out);
      const b = parseBundle(fs.readFileSync(out), MB);
      assert.deepEqual(b.manifest.targets, { groups: ["canary"] });
      const pub = parsePublicKeys(fs.readFileSync(path.join(dir, "bundle-signing.pub"), "utf8"));
      assert.deepEqual(verifyBundle(b, pub).content, model(2));
      assert.match(run("verify", "--pub", path.join(dir, "bundle-signing.pub"), "--file", out), /^ok: model\/doubler v1\.2/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
