import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { startNodeRed } from "../harness/node-red-process";
import { httpRequest, tempDir } from "../harness/peers";
import { ensureBuilt, linkPack } from "../harness/build";
import { waitFor } from "../harness/wait";

const T0 = Date.UTC(2026, 0, 1);

describe("edge-rules across a Node-RED restart (real process, file context store)", function () {
  this.timeout(180000);

  it("keeps an excursion's 15-minute timer through the restart instead of starting over", async function () {
    ensureBuilt();
    const userDir = tempDir("rules-restart");
    linkPack(userDir);
    const alertsFile = path.join(userDir, "alerts.log");
    const flows = [
      { id: "t", type: "tab", label: "rules" },
      { id: "in", z: "t", type: "http in", url: "/reading", method: "post", wires: [["rules", "ok"]] },
      { id: "ok", z: "t", type: "http response", statusCode: "204", wires: [] },
      { id: "rules", z: "t", type: "edge-rules", rules: [{ name: "warm", type: "threshold", severity: "critical", resource: "returnAir", direction: "above", raise: "8", clear: "7.5", forS: "900" }], wires: [["to-line"], []] },
      { id: "to-line", z: "t", type: "json", property: "payload", action: "str", pretty: false, wires: [["log"]] },
      { id: "log", z: "t", type: "file", filename: alertsFile, filenameType: "str", appendNewline: true, createDir: true, overwriteFile: "false", wires: [[]] },
    ];
    const post = (url: string, minute: number) =>
      httpRequest("POST", `${url}/reading`, JSON.stringify({ value: 9, deviceName: "truck-1", resourceName: "returnAir", origin: T0 + minute * 60000 }), { "Content-Type": "application/json" });

    // /settings answers before the flows have started: the route is there once http in answers (a 404 delivers nothing)
    const firstPost = (url: string, minute: number) =>
      waitFor(async () => {
        const res = await post(url, minute);
        return res.status === 404 ? undefined : res;
      }, "the flow's http in route", { intervalMs: 100 });

    let red = await startNodeRed({ userDir, flows });
    try {
      assert.strictEqual((await firstPost(red.url, 0)).status, 204);
      for (let m = 1; m <= 9; m++) assert.strictEqual((await post(red.url, m)).status, 204);
    } finally {
      await red.stop(); // a normal shutdown: the node saves its state, the file store flushes
    }
    assert.ok(!fs.existsSync(alertsFile), "no alert before 15 minutes");
    red = await startNodeRed({ userDir });
    try {
      assert.strictEqual((await firstPost(red.url, 10)).status, 204);
      for (let m = 11; m <= 15; m++) assert.strictEqual((await post(red.url, m)).status, 204);
      // the file node creates the file before it writes: wait for a whole line, not for the file
      const written = () => (fs.existsSync(alertsFile) ? fs.readFileSync(alertsFile, "utf8") : "");
      const lines = await waitFor(() => (written().endsWith("\n") ? written().trim().split("\n") : undefined), "the alert written after the restart");
      const alert = JSON.parse(lines[0]);
      assert.strictEqual(alert.state, "raised");
      assert.strictEqual(alert.start, T0, "the excursion began before the restart");
      assert.strictEqual(alert.durationS, 900);
    } finally {
      await red.stop();
    }
  });
});
