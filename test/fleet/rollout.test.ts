/**
 * The centre's staged rollout without Node-RED: canaries first, a health window judged on the canaries' measured
 * error rate, latency and score drift, then promotion or a rollback order; deadlines for canaries that never
 * report; the decisions and events a centre flow carries out.
 */
import * as assert from "assert";
import { generateSigningKey, signBundle } from "../../lib/fleet/bundle-signing";
import { Decision, Rollout, RolloutError, RolloutLimits } from "../../lib/fleet/rollout";
import { denseModel } from "../../lib/tflite/model-builder";

const key = generateSigningKey();
const bundle = (version: string, w = 1) => signBundle({ kind: "model", name: "scaler", version }, denseModel(1, [{ weights: [[w]], bias: [0] }]), key.privateKeyPem);
const limits: RolloutLimits = { canaries: ["gw-1", "gw-2"], healthWindowMs: 60000, activationTimeoutMs: 30000, maxErrorRate: 0.05, maxLatencyMs: 50, maxPsi: 0.25, ksAlpha: 0.001, minMessages: 20 };
const active = (gateway: string, version: string) => ({ gateway, step: "active", kind: "model", name: "scaler", version });
/** cumulative counters as edge-metrics' heartbeat carries them */
const beat = (gateway: string, uptimeS: number, inMsgs: number, rejected: number, sumS = inMsgs * 0.002) => ({
  gateway,
  uptimeS,
  traffic: [
    { node: "model", type: "edge-tflite", in: inMsgs, rejected },
    { node: "bundle", type: "edge-bundle", in: 5, rejected: 5 },
  ],
  inference: [{ node: "model", count: inMsgs - rejected, sumS }],
});
const actions = (ds: Decision[]) => ds.map((d) => (d.action === "report" ? `report:${d.event.step}` : d.action === "publish" ? `publish:${d.stage}` : `rollback:${d.gateways.join(",")}`));
const rollbackOf = (ds: Decision[]) => ds.find((d): d is Extract<Decision, { action: "rollback" }> => d.action === "rollback");

/** v1 through the canaries and promoted, so the fleet has a good version to go back to */
function promotedV1(): Rollout {
  const r = new Rollout(limits);
  r.start(bundle("1"), 0);
  r.gatewayStep(active("gw-1", "1"), 1000);
  r.gatewayStep(active("gw-2", "1"), 2000);
  for (const g of ["gw-1", "gw-2"]) {
    r.heartbeat(beat(g, 10, 0, 0), 3000);
    r.heartbeat(beat(g, 20, 100, 0), 4000);
  }
  assert.deepEqual(actions(r.tick(62000)), ["publish:fleet"]);
  return r;
}

describe("staged rollout (centre)", function () {
  it("publishes to the canaries, waits for all of them and their health window, then promotes to the fleet", function () {
    const r = new Rollout(limits);
    const b = bundle("1");
    const first = r.start(b, 0);
    assert.deepEqual(actions(first), ["publish:canary"]);
    assert.equal((first[0] as { bundle: unknown }).bundle, b);
    assert.deepEqual(first[0].event.gateways, ["gw-1", "gw-2"]);
    assert.equal(r.nextDeadline(), 30000);

    assert.deepEqual(actions(r.gatewayStep({ gateway: "gw-1", step: "received", kind: "model", name: "scaler", version: "1" }, 500)), ["report:canary-step"]);
    assert.deepEqual(actions(r.gatewayStep(active("gw-1", "1"), 1000)), ["report:canary-step"]);
    assert.equal(r.current!.phase, "canary", "one canary is not active yet");
    assert.deepEqual(actions(r.gatewayStep(active("gw-2", "1"), 2000)), ["report:canary-step", "report:canaries-active"]);
    assert.equal(r.current!.phase, "watching");
    assert.equal(r.nextDeadline(), 62000);

    // the first heartbeat after activation is the baseline; the next are judged on what happened since
    assert.deepEqual(actions(r.heartbeat(beat("gw-1", 100, 1000, 40), 3000)), []);
    assert.deepEqual(actions(r.heartbeat(beat("gw-1", 110, 1010, 40), 4000)), [], "10 messages are too few to judge");
    const judged = r.heartbeat(beat("gw-1", 120, 1100, 41), 5000);
    assert.deepEqual(actions(judged), ["report:health"]);
    assert.match(judged[0].event.evidence!, /error rate 0\.010 over 100 messages, mean inference 2\.0 ms/);
    assert.deepEqual(actions(r.drift({ gateway: "gw-2", model: "scaler", modelVersion: "scaler@1", deviceClass: "reefer", psi: 0.03, ks: { d: 0.1, p: 0.4 } }, 6000)), ["report:health"]);

    // a second heartbeat replaces the first as evidence; a drift check adds to it
    r.heartbeat(beat("gw-1", 130, 1300, 42), 7000);
    r.drift({ gateway: "gw-1", model: "scaler", modelVersion: "scaler@1", psi: 0.01 }, 8000);
    assert.deepEqual(r.tick(61999), [], "the window is still open");
    const promoted = r.tick(62000);
    assert.deepEqual(actions(promoted), ["publish:fleet"]);
    assert.equal((promoted[0] as { bundle: unknown }).bundle, b);
    assert.equal(promoted[0].event.evidence, "gw-1: error rate 0.007 over 300 messages, mean inference 2.0 ms, scores steady, PSI 0.010; gw-2: scores steady, PSI 0.030, KS p 0.400");
    assert.equal(r.current!.phase, "promoted");
    assert.equal(r.nextDeadline(), undefined);
    assert.deepEqual(r.snapshot().lastGood.scaler, b);

    // the rest of the fleet reporting back is followed, not judged
    assert.deepEqual(actions(r.gatewayStep(active("gw-9", "1"), 63000)), ["report:gateway-step"]);
    assert.equal(r.current!.gateways["gw-9"], "active");
  });

  it("orders the canaries back when the new version's scores drift from the previous version's, and restores the good bundle", function () {
    const r = promotedV1();
    r.start(bundle("2", 3), 100000);
    r.gatewayStep(active("gw-1", "2"), 101000);
    r.gatewayStep(active("gw-2", "2"), 101000);
    // a drift check of the old version, or of another model, says nothing about this one
    assert.deepEqual(r.drift({ gateway: "gw-1", model: "scaler", modelVersion: "scaler@1", psi: 3 }, 102000), []);
    const ds = r.drift({ gateway: "gw-1", model: "scaler", modelVersion: "scaler@2", deviceClass: "reefer", psi: 1.7, ks: { d: 0.9, p: 1e-12 } }, 103000);
    assert.deepEqual(actions(ds), ["rollback:gw-1,gw-2"]);
    const order = rollbackOf(ds)!;
    assert.equal(order.reason, "gw-1 (reefer): the scores drifted, PSI 1.700 ≥ 0.25");
    assert.deepEqual(order.ref, { kind: "model", name: "scaler", version: "2", contentSha256: order.ref.contentSha256 });
    assert.equal(order.restore?.manifest.version, "1", "the canary stage gets the fleet's version back");
    assert.equal(order.event.step, "rolled-back");
    assert.equal(r.current!.phase, "rolled-back");
    assert.equal(r.nextDeadline(), undefined);
    // nothing more happens for this rollout, and the failed version cannot be started again
    assert.deepEqual(r.tick(1e9), []);
    assert.throws(() => r.start(bundle("2", 3), 200000), (e: Error) => e instanceof RolloutError && /failed its rollout/.test(e.message));
    assert.throws(() => r.start(bundle("1"), 200000), /not newer than version 1/);
    assert.deepEqual(actions(r.start(bundle("3"), 200000)), ["publish:canary"]);
  });

  it("a KS p-value under the limit is drift too", function () {
    const r = new Rollout({ ...limits, maxPsi: 0 });
    r.start(bundle("1"), 0);
    r.gatewayStep(active("gw-1", "1"), 0);
    assert.deepEqual(actions(r.drift({ gateway: "gw-1", model: "scaler", modelVersion: "scaler@1", psi: 5, ks: { p: 1e-5 } }, 1)), ["rollback:gw-1,gw-2"]);
    assert.match(r.current!.reason!, /KS p 1\.00e-5 < 0\.001/);
  });

  it("rolls back on the canary's error rate, and on its inference latency", function () {
    const errors = promotedV1();
    errors.start(bundle("2"), 100000);
    errors.gatewayStep(active("gw-1", "2"), 100000);
    errors.heartbeat(beat("gw-1", 100, 500, 10), 101000);
    const ds = errors.heartbeat(beat("gw-1", 110, 600, 20), 102000);
    assert.deepEqual(actions(ds), ["rollback:gw-1,gw-2"]);
    assert.equal(rollbackOf(ds)!.reason, "gw-1: error rate 0.100 over 100 messages > 0.05");

    const slow = new Rollout(limits);
    slow.start(bundle("1"), 0);
    slow.gatewayStep(active("gw-2", "1"), 0);
    slow.heartbeat(beat("gw-2", 100, 100, 0, 0.2), 1000);
    const late = slow.heartbeat(beat("gw-2", 110, 200, 0, 0.2 + 100 * 0.08), 2000);
    assert.deepEqual(actions(late), ["rollback:gw-1,gw-2"]);
    assert.equal(rollbackOf(late)!.reason, "gw-2: mean inference 80.0 ms over 100 inferences > 50 ms");
    assert.equal(rollbackOf(late)!.restore, undefined, "no good version known: nothing to restore");
  });

  it("a canary that restarts is measured from its restart, not against counters it no longer has", function () {
    const r = new Rollout(limits);
    r.start(bundle("1"), 0);
    r.gatewayStep(active("gw-1", "1"), 0);
    r.heartbeat(beat("gw-1", 500, 5000, 0), 1000);
    assert.deepEqual(r.heartbeat(beat("gw-1", 3, 30, 0), 2000), [], "uptime went down: a new baseline");
    assert.deepEqual(actions(r.heartbeat(beat("gw-1", 13, 130, 1), 3000)), ["report:health"]);
  });

  it("a canary that never reports the bundle active fails the rollout at the deadline", function () {
    const r = new Rollout(limits);
    r.start(bundle("1"), 0);
    r.gatewayStep(active("gw-1", "1"), 1000);
    assert.deepEqual(r.tick(29999), []);
    const ds = r.tick(30000);
    assert.deepEqual(actions(ds), ["rollback:gw-1,gw-2"]);
    assert.equal(rollbackOf(ds)!.reason, "gw-2 did not report it active within 30 s");
  });

  it("a canary that sends no health report within the window fails it: promotion needs evidence", function () {
    const r = new Rollout(limits);
    r.start(bundle("1"), 0);
    r.gatewayStep(active("gw-1", "1"), 0);
    r.gatewayStep(active("gw-2", "1"), 0);
    r.gatewayStep({ gateway: "gw-2", step: "healthy", kind: "model", name: "scaler", version: "1" }, 30000);
    const ds = r.tick(60000);
    assert.deepEqual(actions(ds), ["rollback:gw-1,gw-2"]);
    assert.equal(rollbackOf(ds)!.reason, "gw-1 sent no health report within the 60 s health window");
  });

  it("a canary that refuses the bundle or rolls it back itself fails the rollout; the others are ordered back", function () {
    const refused = new Rollout(limits);
    refused.start(bundle("1"), 0);
    refused.gatewayStep(active("gw-1", "1"), 0);
    const ds = refused.gatewayStep({ gateway: "gw-2", step: "refused", kind: "model", name: "scaler", version: "1", code: "bad-signature", reason: "no configured key verifies the signature" }, 10);
    assert.deepEqual(actions(ds), ["report:canary-step", "rollback:gw-1"]);
    assert.equal(rollbackOf(ds)!.reason, "gw-2 refused it (bad-signature): no configured key verifies the signature");

    const itself = new Rollout(limits);
    itself.start(bundle("1"), 0);
    itself.gatewayStep(active("gw-1", "1"), 0);
    itself.gatewayStep(active("gw-2", "1"), 0);
    // a refused rollback order and steps about other versions do not count
    assert.deepEqual(actions(itself.gatewayStep({ gateway: "gw-2", step: "refused", name: "scaler", version: "1", rollback: true, code: "not-active" }, 1)), ["report:canary-step"]);
    assert.deepEqual(itself.gatewayStep({ gateway: "gw-1", step: "rolled-back", name: "scaler", version: "0", from: "0.9" }, 2), []);
    assert.deepEqual(itself.gatewayStep({ gateway: "gw-1", step: "active", name: "other", version: "1" }, 2), []);
    const back = itself.gatewayStep({ gateway: "gw-1", step: "rolled-back", kind: "model", name: "scaler", version: "0.9", from: "1", reason: "automatic: 3 errors within the health window" }, 3);
    assert.deepEqual(actions(back), ["report:canary-step", "rollback:gw-2"]);
    assert.equal(rollbackOf(back)!.reason, "gw-1 rolled it back: automatic: 3 errors within the health window");
  });

  it("one rollout at a time; a rollback asked for at the centre after promotion reaches every gateway that took it", function () {
    const r = promotedV1();
    r.start(bundle("2"), 100000);
    assert.throws(() => r.start(bundle("3"), 100001), /still waiting for its canaries/);
    r.gatewayStep(active("gw-1", "2"), 100000);
    r.gatewayStep(active("gw-2", "2"), 100000);
    r.heartbeat(beat("gw-1", 1, 0, 0), 100000);
    r.heartbeat(beat("gw-1", 2, 50, 0), 100000);
    r.heartbeat(beat("gw-2", 1, 0, 0), 100000);
    r.heartbeat(beat("gw-2", 2, 50, 0), 100000);
    assert.deepEqual(actions(r.tick(160000)), ["publish:fleet"]);
    r.gatewayStep(active("gw-7", "2"), 161000);
    r.gatewayStep({ gateway: "gw-8", step: "refused", name: "scaler", version: "2", code: "wrong-target" }, 161000);
    const ds = r.abort("rollback requested", 170000);
    assert.deepEqual(actions(ds), ["rollback:gw-1,gw-2,gw-7"]);
    assert.equal(rollbackOf(ds)!.restore?.manifest.version, "1");
    assert.equal(r.snapshot().lastGood.scaler.manifest.version, "1", "the fleet's good version is version 1 again");
    assert.throws(() => r.abort("again", 170001), /no rollout to roll back/);
  });

  it("its state survives a restart as plain JSON", function () {
    const r = new Rollout(limits);
    r.start(bundle("1"), 0);
    r.gatewayStep(active("gw-1", "1"), 0);
    const again = new Rollout(limits, JSON.parse(JSON.stringify(r.snapshot())));
    assert.deepEqual(actions(again.gatewayStep(active("gw-2", "1"), 1)), ["report:canary-step", "report:canaries-active"]);
    assert.throws(() => new Rollout({ ...limits, canaries: [] }), /at least one canary/);
  });
});
