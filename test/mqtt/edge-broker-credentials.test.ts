/**
 * edge-broker's users through a real Node-RED and its admin API, as the editor deploys them: the passwords never
 * come back in clear, an edit of one user keeps the others' passwords, and a flow in the old format keeps working.
 * Clients are the real Mosquitto client (mosquitto_pub).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { ensureBuilt, linkPack } from "../harness/build";
import { startNodeRed, NodeRedProcess } from "../harness/node-red-process";
import { tempDir, httpRequest } from "../harness/peers";
import { freeTcpPort } from "../harness/ports";
import { requireBinary } from "../harness/processes";
import { waitFor } from "../harness/wait";

type Outcome = "accepted" | "refused";

/** one mosquitto_pub connection: accepted (a QoS 1 publish went through) or refused (CONNACK not authorised) */
function mosquittoPub(port: number, user: string | undefined, password: string | undefined): Outcome {
  const args = ["-h", "127.0.0.1", "-p", String(port), "-V", "mqttv311", "-q", "1", "-t", "creds/test", "-m", "x"];
  if (user !== undefined) args.push("-u", user);
  if (password !== undefined) args.push("-P", password);
  const run = spawnSync(requireBinary("mosquitto_pub"), args, { encoding: "utf8", timeout: 10000 });
  if (run.status === 0) return "accepted";
  if (/not authori[sz]ed|bad user name or password/i.test(run.stderr + run.stdout)) return "refused";
  throw new Error(`mosquitto_pub ended with ${run.status}: ${run.stderr}${run.stdout}`);
}

describe("edge-broker users through Node-RED's admin API", function () {
  this.timeout(120000);
  let red: NodeRedProcess;
  let userDir: string;
  let port: number;
  let dataDir: string;

  before(async function () {
    requireBinary("mosquitto_pub");
    ensureBuilt();
    userDir = tempDir("broker-creds");
    linkPack(userDir);
    port = await freeTcpPort();
    dataDir = tempDir("broker-creds-data");
    red = await startNodeRed({ userDir, flows: [] });
  });

  after(async function () {
    await red?.stop();
  });

  function brokerNode(extra: Record<string, unknown>, id = "broker1") {
    return { id, type: "edge-broker", z: "tab1", name: "", host: "127.0.0.1", port: String(port), tls: false, ws: false, wsPort: "", wsPath: "/mqtt", allowAnonymous: false, acl: "", dataDir, ...extra };
  }

  async function deploy(node: Record<string, unknown>) {
    await red.deploy([{ id: "tab1", type: "tab", label: "broker" }, node]);
  }

  /** waits until the redeployed broker answers as `expected` says for every user */
  async function expectUsers(expected: Array<[string | undefined, string | undefined, Outcome]>) {
    await waitFor(() => expected.every(([user, password, outcome]) => mosquittoPub(port, user, password) === outcome), `the broker to answer ${JSON.stringify(expected)}`, { timeoutMs: 20000, intervalMs: 200 });
  }

  async function credentialsSeenByEditor(id = "broker1"): Promise<string> {
    const res = await httpRequest("GET", `${red.url}/credentials/edge-broker/${id}`, undefined, { Accept: "application/json" });
    assert.strictEqual(res.status, 200, res.body);
    return res.body;
  }

  it("keeps every password across edits of one user, and never returns one in clear", async function () {
    await deploy(brokerNode({ userNames: ["alice", "bob"], credentials: { passwordEdits: JSON.stringify({ alice: { password: "alice-pw" }, bob: { password: "bob-pw" } }) } }));
    await expectUsers([["alice", "alice-pw", "accepted"], ["bob", "bob-pw", "accepted"], ["alice", "wrong", "refused"]]);
    const seen = await credentialsSeenByEditor();
    assert.ok(!/alice-pw|bob-pw/.test(seen), `a password came back in clear: ${seen}`);
    assert.strictEqual(JSON.parse(seen).has_passwords, true);

    // the editor after adding carol: the other rows' password fields left blank, nothing else of the credentials
    await deploy(brokerNode({ userNames: ["alice", "bob", "carol"], credentials: { passwordEdits: JSON.stringify({ carol: { password: "carol-pw" } }) } }));
    await expectUsers([["carol", "carol-pw", "accepted"], ["alice", "alice-pw", "accepted"], ["bob", "bob-pw", "accepted"], ["carol", "alice-pw", "refused"], [undefined, undefined, "refused"]]);
    assert.ok(!/carol-pw|alice-pw|bob-pw/.test(await credentialsSeenByEditor()));

    // a save that changed nothing: the hidden edits field holds the placeholder
    await deploy(brokerNode({ userNames: ["alice", "bob", "carol"], name: "renamed node", credentials: { passwordEdits: "__PWRD__" } }));
    await expectUsers([["alice", "alice-pw", "accepted"], ["bob", "bob-pw", "accepted"], ["carol", "carol-pw", "accepted"]]);

    // bob renamed to robert (keeps his password), carol removed, alice's password changed
    await deploy(brokerNode({ userNames: ["alice", "robert"], credentials: { passwordEdits: JSON.stringify({ robert: { from: "bob" }, alice: { password: "alice-new" } }) } }));
    await expectUsers([["robert", "bob-pw", "accepted"], ["alice", "alice-new", "accepted"], ["alice", "alice-pw", "refused"], ["bob", "bob-pw", "refused"], ["carol", "carol-pw", "refused"]]);

    // what is on disk gives the same users after a restart, and the next edit applies on top of it
    await red.stop();
    red = await startNodeRed({ userDir });
    await expectUsers([["robert", "bob-pw", "accepted"], ["alice", "alice-new", "accepted"], ["carol", "carol-pw", "refused"]]);
    await deploy(brokerNode({ userNames: ["alice", "robert", "dora"], credentials: { passwordEdits: JSON.stringify({ dora: { password: "dora-pw" } }) } }));
    await expectUsers([["dora", "dora-pw", "accepted"], ["robert", "bob-pw", "accepted"], ["alice", "alice-new", "accepted"]]);
    const flowsCred = fs.readFileSync(path.join(userDir, "flows_cred.json"), "utf8");
    assert.ok(!/dora-pw|alice-new/.test(flowsCred), "flows_cred.json is encrypted");
  });

  it("runs a flow saved in the old format (one credential, name:password lines) and lists its users for the editor", async function () {
    await deploy(brokerNode({ userNames: undefined, credentials: { users: "erin:erin-pw\nfrank:frank-pw" } }, "legacy1"));
    await expectUsers([["erin", "erin-pw", "accepted"], ["frank", "frank-pw", "accepted"], ["erin", "frank-pw", "refused"]]);
    assert.deepStrictEqual(await red.getJson("/edge-broker/legacy1/users"), { users: ["erin", "frank"] });
    assert.ok(!/erin-pw|frank-pw/.test(await credentialsSeenByEditor("legacy1")));

    // the editor opened the old node (its list came from that endpoint) and added gina
    await deploy(brokerNode({ userNames: ["erin", "frank", "gina"], credentials: { passwordEdits: JSON.stringify({ gina: { password: "gina-pw" } }) } }, "legacy1"));
    await expectUsers([["gina", "gina-pw", "accepted"], ["erin", "erin-pw", "accepted"], ["frank", "frank-pw", "accepted"]]);
  });

  it("logs a refusal once per distinct reason, and again after that user got in", async function () {
    await deploy(brokerNode({ userNames: ["hank"], credentials: { passwordEdits: JSON.stringify({ hank: { password: "hank-pw" } }) } }));
    await expectUsers([["hank", "hank-pw", "accepted"]]);
    const line = "refused connection (MQTT 3.1.1): bad user name or password (user hank), answered CONNACK 4";
    const count = () => red.output().split(line).length - 1;
    const before = count();
    for (let i = 0; i < 5; i++) assert.strictEqual(mosquittoPub(port, "hank", "wrong"), "refused");
    await waitFor(() => count() === before + 1, "one refusal line");
    assert.strictEqual(mosquittoPub(port, "nobody", "x"), "refused");
    await waitFor(() => red.output().includes("bad user name or password (user nobody)"), "the other user's refusal");
    // no user name at all is another reason, with its own answer (not authorised)
    assert.strictEqual(mosquittoPub(port, undefined, undefined), "refused");
    await waitFor(() => red.output().includes("refused connection (MQTT 3.1.1): a user name is required, answered CONNACK 5 (not authorised)"), "the anonymous refusal");
    assert.strictEqual(count(), before + 1, "five refusals of one user log one line");
    assert.strictEqual(mosquittoPub(port, "hank", "hank-pw"), "accepted");
    assert.strictEqual(mosquittoPub(port, "hank", "wrong"), "refused");
    await waitFor(() => count() === before + 2, "a refusal after hank got in is logged again");
  });
});
