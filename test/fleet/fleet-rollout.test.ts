/**
 * The fleet example end to end: examples/10-fleet-rollout-centre.json in one Node-RED and
 * examples/10-fleet-rollout-gateway.json in three more (separate user directories and ports; one canary, two
 * stores), bundles over the Kafka mock, everything else over a real Mosquitto. The centre takes signed models over
 * HTTP: version 1 and version 2 reach the canary first and the rest of the fleet only after the canary's health
 * window; version 3, whose scores drift from version 2's (a gain of 2.5 instead of 1), is ordered back on the canary
 * by the centre on the measured PSI and never reaches the other gateways. A forged bundle written to the fleet topic
 * is refused by every gateway and its record committed (a refusal is final: no redelivery).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import mqtt from "mqtt";
import { Kafka, logLevel } from "kafkajs";
import { startNodeRed, NodeRedProcess } from "../harness/node-red-process";
import { ensureBuilt, linkPack, repoRoot } from "../harness/build";
import { httpRequest, startKafka, startMosquitto, tempDir, KafkaPeer, MosquittoPeer } from "../harness/peers";
import { waitFor } from "../harness/wait";
import { generateSigningKey, signBundle } from "../../lib/fleet/bundle-signing";
import { DEMO_GAINS, demoModel } from "../../scripts/fleet-demo-models";

type FlowNode = Record<string, unknown> & { id: string; type: string };
interface Seen {
  topic: string;
  payload: Record<string, unknown>;
}

const key = generateSigningKey();
/** the example's models (score = gain · reading): version 3's gain moves the scores far from version 2's */
const bundle = (version: string) => signBundle({ kind: "model", name: "reefer-score", version, targets: { deviceClasses: ["reefer"] } }, demoModel(DEMO_GAINS[version]), key.privateKeyPem);
const example = (file: string) => JSON.parse(fs.readFileSync(path.join(repoRoot, "examples", file), "utf8")) as FlowNode[];
const GATEWAYS = [
  { id: "gw-1", group: "canary", topics: "fleet-bundles-canary,fleet-bundles" },
  { id: "gw-2", group: "stores", topics: "fleet-bundles" },
  { id: "gw-3", group: "stores", topics: "fleet-bundles" },
];

describe("fleet rollout example: a centre and three gateways (Node-RED processes, Mosquitto, Kafka mock)", function () {
  this.timeout(300000);
  let broker: MosquittoPeer | undefined;
  let kafka: KafkaPeer | undefined;
  let centre: NodeRedProcess | undefined;
  const gateways: NodeRedProcess[] = [];
  let watcher: mqtt.MqttClient | undefined;
  const dirs: string[] = [];
  const seen: Seen[] = [];

  before(async function () {
    ensureBuilt();
    [broker, kafka] = await Promise.all([startMosquitto(), startKafka(1)]);
  });
  after(async function () {
    await watcher?.endAsync().catch(() => undefined);
    await Promise.all([centre?.stop(), ...gateways.map((g) => g.stop())]);
    await Promise.all([broker?.stop(), kafka?.stop()]);
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  const userDir = (name: string) => {
    const d = tempDir(`fleet-${name}`);
    linkPack(d);
    dirs.push(d);
    return d;
  };
  /** the example as shipped, pointed at this test's peers, with the centre's key; time shortened */
  const configured = (flow: FlowNode[], tune: Record<string, Record<string, unknown>>) =>
    flow.map((n) => {
      const out: FlowNode = { ...n, ...tune[n.id] };
      if (n.type === "mqtt-broker") out.port = String(broker!.port);
      if (n.type === "edge-kafka-broker") out.brokers = kafka!.brokers.join(",");
      if (n.type === "edge-bundle" || n.type === "edge-rollout") out.credentials = { publicKeys: key.publicKeyPem };
      return out;
    });
  const steps = (gateway: string, step: string, version?: string) => seen.filter((m) => m.topic === `fleet/${gateway}/bundle/${step}` && (version === undefined || m.payload.version === version || m.payload.from === version));
  const decision = (step: string, version: string) => seen.findIndex((m) => m.topic === `fleet/rollout/reefer-score/${step}` && m.payload.version === version);
  const indexOf = (gateway: string, step: string, version: string) => seen.findIndex((m) => m.topic === `fleet/${gateway}/bundle/${step}` && m.payload.version === version);
  const driftFrom = (gateway: string, modelVersion: string, after = -1) => seen.findIndex((m, i) => i > after && m.topic === `fleet/${gateway}/model-quality/drift` && m.payload.modelVersion === modelVersion);
  const publish = async (b: ReturnType<typeof bundle>) => {
    const res = await httpRequest("POST", `${centre!.url}/fleet/rollout`, JSON.stringify(b), { "Content-Type": "application/json" });
    assert.equal(res.status, 202, res.body);
  };
  const fleetHas = async (version: string) => {
    for (const g of GATEWAYS) await waitFor(() => indexOf(g.id, "active", version) >= 0 || indexOf(g.id, "already-active", version) >= 0, `${g.id} running version ${version}`, { timeoutMs: 60000, intervalMs: 100 });
  };
  /** the canary ran it first; the stores took it only once the centre had promoted it */
  const stagedInOrder = (version: string) => {
    const promoted = decision("promoted", version);
    assert.ok(promoted >= 0, `version ${version} promoted`);
    assert.ok(indexOf("gw-1", "active", version) < promoted, "the canary ran it before the promotion");
    for (const g of ["gw-2", "gw-3"]) {
      const received = seen.findIndex((m) => m.topic === `fleet/${g}/bundle/received` && m.payload.version === version);
      assert.ok(received > promoted, `${g} received version ${version} only after the promotion (${received} vs ${promoted})`);
    }
  };

  it("rolls good models out canary first, rolls a model whose scores drift back on its own, and commits a forged bundle it refused", async function () {
    watcher = await mqtt.connectAsync(broker!.url, { clientId: "test-watcher" });
    watcher.on("message", (topic, payload) => {
      try {
        seen.push({ topic, payload: JSON.parse(payload.toString()) as Record<string, unknown> });
      } catch {
        seen.push({ topic, payload: {} });
      }
    });
    await watcher.subscribeAsync("fleet/#", { qos: 1 });

    const started = await Promise.all([
      startNodeRed({ userDir: userDir("centre") }),
      ...GATEWAYS.map((g) => startNodeRed({ userDir: userDir(g.id), env: { GATEWAY_ID: g.id, GATEWAY_GROUP: g.group, BUNDLE_TOPICS: g.topics } })),
    ]);
    centre = started[0];
    gateways.push(...started.slice(1));
    await centre.deploy(configured(example("10-fleet-rollout-centre.json"), { "ex10c-rollout": { canaries: "gw-1", healthWindowS: "15", activationTimeoutS: "90", minMessages: "20" } }));
    const gatewayFlow = configured(example("10-fleet-rollout-gateway.json"), { "ex10g-tick": { repeat: "0.1" }, "ex10g-metrics": { heartbeatS: "1", endpoint: "off" } });
    await Promise.all(gateways.map((g) => g.deploy(gatewayFlow)));

    // version 1: the canary, its health window, then the rest
    await publish(bundle("1"));
    await waitFor(() => decision("promoted", "1") >= 0 || decision("rolled-back", "1") >= 0, "the centre's verdict on version 1", { timeoutMs: 120000, intervalMs: 100 });
    assert.equal(decision("rolled-back", "1"), -1, JSON.stringify(seen.find((m) => m.topic.endsWith("/rolled-back"))?.payload));
    await fleetHas("1");
    stagedInOrder("1");
    assert.match(String(seen[decision("promoted", "1")].payload.evidence), /gw-1: (error rate 0\.000 over \d+ messages|scores steady, PSI 0\.0\d\d)/, "promoted on the canary's measured health");
    for (const step of ["received", "verified", "active"]) assert.equal(steps("gw-1", step, "1").length >= 1, true, `gw-1 reported ${step}`);

    // version 2 (gain 1.02: the same scores' distribution): promoted; the stores' models run it
    await publish(bundle("2"));
    await waitFor(() => decision("promoted", "2") >= 0 || decision("rolled-back", "2") >= 0, "the centre's verdict on version 2", { timeoutMs: 120000, intervalMs: 100 });
    assert.equal(decision("rolled-back", "2"), -1, JSON.stringify(seen.filter((m) => m.topic.startsWith("fleet/rollout/")).map((m) => m.payload)));
    await fleetHas("2");
    stagedInOrder("2");
    await waitFor(() => driftFrom("gw-3", "reefer-score@2") >= 0, "gw-3's model scoring with version 2", { timeoutMs: 60000, intervalMs: 100 });

    // version 3 (gain 2.5): the canary takes it, its scores drift from the earlier versions', the centre orders it back
    await publish(bundle("3"));
    await waitFor(() => decision("rolled-back", "3") >= 0 || decision("promoted", "3") >= 0, "the centre's verdict on version 3", { timeoutMs: 120000, intervalMs: 100 });
    assert.equal(decision("promoted", "3"), -1, "version 3 was not promoted");
    const verdict = seen[decision("rolled-back", "3")].payload;
    assert.match(String(verdict.reason), /^gw-1 \(reefer\): the scores drifted, PSI \d+\.\d+ ≥ 0\.25$/);
    assert.deepEqual(verdict.gateways, ["gw-1"]);
    assert.ok(indexOf("gw-1", "active", "3") >= 0 && indexOf("gw-1", "active", "3") < decision("rolled-back", "3"), "the canary ran version 3 before it was judged");
    const back = await waitFor(() => steps("gw-1", "rolled-back", "3")[0], "the canary rolling version 3 back", { timeoutMs: 30000, intervalMs: 100 });
    assert.equal(back.payload.from, "3");
    assert.equal(back.payload.version, "2");
    assert.match(String(back.payload.reason), /^edge-rollout: gw-1 \(reefer\): the scores drifted/);
    const rolledBackAt = seen.indexOf(back);
    // the canary scores with version 2 again; the fleet's version is back on the canary topic
    await waitFor(() => driftFrom("gw-1", "reefer-score@2", rolledBackAt) >= 0, "the canary's model scoring with version 2 again", { timeoutMs: 60000, intervalMs: 100 });
    await waitFor(() => steps("gw-1", "already-active", "2").length >= 1, "the restored canary topic's version 2, already active on the canary", { timeoutMs: 30000, intervalMs: 100 });
    // version 3 never reached the rest of the fleet, and runs nowhere
    for (const g of ["gw-2", "gw-3"]) {
      assert.equal(steps(g, "received", "3").length, 0, `${g} never received version 3`);
      assert.equal(driftFrom(g, "reefer-score@3"), -1);
    }
    assert.ok(driftFrom("gw-2", "reefer-score@2", rolledBackAt) >= 0 || (await waitFor(() => driftFrom("gw-2", "reefer-score@2", rolledBackAt) >= 0, "gw-2 still on version 2", { timeoutMs: 30000, intervalMs: 100 })));

    // a bundle on the fleet topic that no gateway's key verifies (written to Kafka past the centre): each gateway
    // refuses it, and commits the record, a refusal being final, so it is not delivered again
    const producer = new Kafka({ clientId: "stranger", brokers: kafka!.brokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    const forged = signBundle({ kind: "model", name: "reefer-score", version: "4" }, demoModel(9), generateSigningKey().privateKeyPem);
    await producer.send({ topic: "fleet-bundles", messages: [{ key: "reefer-score", value: JSON.stringify(forged) }] });
    await producer.disconnect();
    for (const g of GATEWAYS) {
      const refused = await waitFor(() => steps(g.id, "refused", "4")[0], `${g.id} refusing the forged bundle`, { timeoutMs: 30000, intervalMs: 100 });
      assert.equal(refused.payload.code, "no-key", JSON.stringify(refused.payload));
    }
    const admin = new Kafka({ clientId: "test-admin", brokers: kafka!.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const end = new Map((await admin.fetchTopicOffsets("fleet-bundles")).map((p) => [p.partition, p.high]));
      for (const g of GATEWAYS) {
        await waitFor(async () => {
          const [committed] = await admin.fetchOffsets({ groupId: g.id, topics: ["fleet-bundles"] });
          return committed.partitions.every((p) => (end.get(p.partition) === "0" ? true : p.offset === end.get(p.partition)));
        }, `${g.id} committing every bundle record it took or refused`, { timeoutMs: 30000, intervalMs: 200 });
      }
    } finally {
      await admin.disconnect();
    }
    assert.equal(steps("gw-2", "active", "4").length + steps("gw-2", "received", "4").length, 1, "gw-2 received the forged bundle once and never ran it");
    for (const g of [centre, ...gateways]) assert.doesNotMatch(g.output(), /Uncaught|TypeError|ReferenceError/);
  });
});
