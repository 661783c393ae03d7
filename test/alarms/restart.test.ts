import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { startNodeRed } from "../harness/node-red-process";
import { httpRequest, tempDir } from "../harness/peers";
import { ensureBuilt, linkPack } from "../harness/build";
import { waitFor } from "../harness/wait";

const T0 = Date.UTC(2026, 0, 1);
interface AlarmView {
  alarmId: string;
  state: string;
  deviceName: string;
  acknowledged: { by: string; comment: string; at: number } | null;
  transition?: string;
}

describe("edge-alarms across a Node-RED restart (real process, file context store)", function () {
  this.timeout(180000);

  it("keeps an open and an acknowledged alarm (who, comment, when) through the restart, and takes acknowledgements over HTTP after it", async function () {
    ensureBuilt();
    const userDir = tempDir("alarms-restart");
    linkPack(userDir);
    const alarmsFile = path.join(userDir, "alarms.log");
    const flows = [
      { id: "t", type: "tab", label: "alarms" },
      { id: "reading", z: "t", type: "http in", url: "/reading", method: "post", wires: [["rules", "ok"]] },
      { id: "ok", z: "t", type: "http response", statusCode: "204", wires: [] },
      { id: "rules", z: "t", type: "edge-rules", rules: [{ name: "warm", type: "threshold", severity: "critical", resource: "returnAir", direction: "above", raise: "8", clear: "7.5", forS: "0" }], wires: [["alarms"], []] },
      { id: "command", z: "t", type: "http in", url: "/alarms", method: "post", wires: [["alarms"]] },
      { id: "alarms", z: "t", type: "edge-alarms", reminderMin: "0", escalation: "", maxShelveMin: "480", startupMin: "0", sources: [], units: "", unitPattern: "", tickS: "1", wires: [["to-line"], [], [], ["reply"]] },
      { id: "reply", z: "t", type: "http response", statusCode: "", wires: [] },
      { id: "refused", z: "t", type: "catch", scope: ["alarms"], uncaught: false, wires: [["refusal"]] },
      { id: "refusal", z: "t", type: "change", rules: [{ t: "set", p: "payload", pt: "msg", to: "error.message", tot: "msg" }, { t: "set", p: "statusCode", pt: "msg", to: "400", tot: "num" }], wires: [["reply"]] },
      { id: "to-line", z: "t", type: "json", property: "payload", action: "str", pretty: false, wires: [["log"]] },
      { id: "log", z: "t", type: "file", filename: alarmsFile, filenameType: "str", appendNewline: true, createDir: true, overwriteFile: "false", wires: [[]] },
    ];
    const post = (url: string, device: string, value: number, minute: number) =>
      httpRequest("POST", `${url}/reading`, JSON.stringify({ value, deviceName: device, resourceName: "returnAir", origin: T0 + minute * 60000 }), { "Content-Type": "application/json" });
    const command = async (url: string, body: unknown) => {
      const res = await httpRequest("POST", `${url}/alarms`, JSON.stringify(body), { "Content-Type": "application/json" });
      return { status: res.status, body: res.status === 200 ? JSON.parse(res.body) : res.body };
    };
    const logged = () => (fs.existsSync(alarmsFile) ? fs.readFileSync(alarmsFile, "utf8").trim().split("\n").map((l) => JSON.parse(l) as AlarmView) : []);

    let red = await startNodeRed({ userDir, flows });
    let ackedAt: number;
    try {
      assert.strictEqual((await post(red.url, "truck-1", 9, 0)).status, 204);
      assert.strictEqual((await post(red.url, "truck-2", 9, 0)).status, 204);
      await waitFor(() => logged().length === 2, "two alarms raised");
      const list = (await command(red.url, { command: "list" })).body as AlarmView[];
      const truck2 = list.find((a) => a.deviceName === "truck-2")!;
      const ack = await command(red.url, { command: "ack", alarmId: truck2.alarmId, by: "ana", comment: "door was open at the dock" });
      assert.strictEqual(ack.status, 200);
      ackedAt = (ack.body as AlarmView).acknowledged!.at;
    } finally {
      await red.stop(); // a normal shutdown: the node saves its alarms, the file store flushes
    }

    red = await startNodeRed({ userDir });
    try {
      const list = (await command(red.url, { command: "list" })).body as AlarmView[];
      assert.deepStrictEqual(list.map((a) => [a.deviceName, a.state, a.acknowledged]).sort(), [
        ["truck-1", "active-unacknowledged", null],
        ["truck-2", "active-acknowledged", { by: "ana", comment: "door was open at the dock", at: ackedAt }],
      ]);
      const acked = list.find((a) => a.deviceName === "truck-2")!;
      const twice = await command(red.url, { command: "ack", alarmId: acked.alarmId, by: "ben" });
      assert.deepStrictEqual(twice, { status: 400, body: `Error: alarm ${acked.alarmId} was already acknowledged by ana` }, "the acknowledgement is remembered, and a refusal reaches the Catch node");
      const truck1 = list.find((a) => a.deviceName === "truck-1")!;
      assert.strictEqual((await command(red.url, { command: "ack", alarmId: truck1.alarmId, by: "ben" })).status, 200);
      // the rules' state survived too: the clear after the restart closes the alarm raised before it
      assert.strictEqual((await post(red.url, "truck-1", 7, 10)).status, 204);
      await waitFor(() => logged().some((a) => a.deviceName === "truck-1" && a.transition === "cleared" && a.state === "normal"), "truck-1's alarm closed after the restart");
      const after = (await command(red.url, { command: "list" })).body as AlarmView[];
      assert.deepStrictEqual(after.map((a) => a.deviceName), ["truck-2"]);
    } finally {
      await red.stop();
    }
  });
});
