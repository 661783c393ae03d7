/** The receive-window rules of lib/lorawan/downlink-scheduler.ts on their own: one frame per uplink, queue bounds, cancel. */
import * as assert from "assert";
import lora from "lora-packet";
import { DeviceTable } from "../../lib/lorawan/device-table";
import { DownlinkScheduler, PendingDownlink, Transmission } from "../../lib/lorawan/downlink-scheduler";
import { SessionStore } from "../../lib/lorawan/session-store";
import { demoKeys } from "../../lib/sim/lorawan-tag";

const k = demoKeys(5, "t");
const device = new DeviceTable([{ name: "t", devEui: k.devEui, devAddr: k.devAddr, nwkSKey: k.nwkSKey, appSKey: k.appSKey }]).byDevEui(k.devEui)!;
const timing = { tmst: 1_000_000, freq: 868.1, datr: "SF7BW125", codr: "4/5" };

function pending(owner: string, bytes: number[]): PendingDownlink & { sent: Transmission[]; failed: Error[] } {
  const p = { owner, req: { bytes: Buffer.from(bytes), fPort: 5, confirmed: false }, sent: [] as Transmission[], failed: [] as Error[], deliver: (tx: Transmission) => p.sent.push(tx), fail: (e: Error) => p.failed.push(e) };
  return p;
}

describe("LoRaWAN downlink scheduler", function () {
  it("puts one frame in an uplink's windows: of two downlinks at once the second waits and leaves with the next uplink", async function () {
    let now = 0;
    const s = new DownlinkScheduler(new SessionStore(), () => now);
    await s.uplink(device, "GW", timing, { fCnt: 1, confirmed: false, retransmission: false });
    const a = pending("n1", [1]);
    const b = pending("n1", [2]);
    const results = await Promise.all([s.schedule(device, a, { rx1BudgetMs: 500, maxQueued: 2 }), s.schedule(device, b, { rx1BudgetMs: 500, maxQueued: 2 })]);
    assert.deepStrictEqual(results, ["sent", "queued"]);
    assert.strictEqual(a.sent[0].window, "rx1");
    now = 60_000;
    const tx = await s.uplink(device, "GW", { ...timing, tmst: 9_000_000 }, { fCnt: 2, confirmed: false, retransmission: false });
    assert.strictEqual(tx, undefined, "the waiting downlink is handed to its owner, not returned");
    assert.strictEqual(b.sent[0].txpk.tmst, 10_000_000);
    const frame = lora.fromWire(Buffer.from(b.sent[0].txpk.data, "base64"));
    assert.deepStrictEqual([frame.getFCnt(), frame.getFCtrlACK()], [1, false]);
  });

  it("refuses a downlink beyond the queue bound, and gives an owner's queued downlinks back on cancel", async function () {
    const s = new DownlinkScheduler(new SessionStore());
    const opts = { rx1BudgetMs: 500, maxQueued: 1 };
    assert.strictEqual(await s.schedule(device, pending("n1", [1]), opts), "queued", "never heard: it waits");
    await assert.rejects(s.schedule(device, pending("n2", [2]), opts), /already has 1 downlinks waiting/);
    assert.strictEqual(s.queued("n1"), 1);
    assert.strictEqual(s.cancel("n1").length, 1);
    assert.strictEqual(s.queued(), 0);
  });
});
