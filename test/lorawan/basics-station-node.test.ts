/**
 * edge-lorawan-gateway's Basics Station settings going wrong, as a user sees it (node-red-node-test-helper): a region
 * Basics Station has no name for, a port already taken, a downlink without the device EUI a dnmsg needs. Each is an
 * error on the node and a red status; the UDP packet forwarder keeps working. (The helper loads no locale: a logged
 * error is its message key; the reasons' wording is tested with stationSettings in basics-station.test.ts.)
 */
import * as assert from "assert";
import * as net from "net";
import helper from "node-red-node-test-helper";
import gatewayNode from "../../nodes/edge-lorawan-gateway/edge-lorawan-gateway";
import { freeTcpPort, freeUdpPort } from "../harness/ports";
import { waitFor } from "../harness/wait";
import { events, messagesTo } from "../harness/node-events";
import { FakeForwarder } from "./fake-forwarder";
import { StationSocket, uplinkMessage, versionMessage } from "./basics-station-client";
import { buildUplink, demoKeys } from "../../lib/sim/lorawan-tag";
import { useTestHelper } from "../harness/test-helper-server";

const catchNode = require("@node-red/nodes/core/common/25-catch.js");

type Logged = { msg?: unknown; level?: number };

describe("edge-lorawan-gateway: Basics Station settings and downlinks refused with the reason", function () {
  this.timeout(30000);
  const closers: Array<() => Promise<void>> = [];
  useTestHelper();
  afterEach(async function () {
    await Promise.all(closers.splice(0).map((c) => c()));
  });

  async function deploy(station: Record<string, unknown>) {
    const udp = await freeUdpPort();
    const flow = [
      { id: "f1", type: "tab" },
      { id: "gw", type: "edge-lorawan-gateway", z: "f1", port: String(udp), address: "127.0.0.1", dedupWindowMs: "0", txAckTimeoutMs: "500", stationEnabled: true, stationRegion: "EU868", ...station, wires: [["frames"], []] },
      { id: "cat", type: "catch", z: "f1", scope: ["gw"], uncaught: false, wires: [["caught"]] },
      { id: "frames", type: "helper", z: "f1" },
      { id: "caught", type: "helper", z: "f1" },
    ];
    await helper.load([gatewayNode, catchNode], flow);
    const gw = helper.getNode("gw");
    const statuses: Array<{ fill?: string; text?: string }> = [];
    events(gw).on("call:status", (call: { args: Array<{ fill?: string; text?: string }> }) => statuses.push(call.args[0]));
    const caught = messagesTo<{ error: { message: string } }>("caught");
    const frames = messagesTo<unknown>("frames");
    return { udp, statuses, caught, frames };
  }

  const errorsLogged = () => {
    const log = helper.log() as unknown as { args: Logged[][]; ERROR: number };
    return log.args.map((a) => a[0]).filter((e) => e.level === log.ERROR).map((e) => String(e.msg));
  };

  it("a region Basics Station does not know: an error, a red status, and the UDP server still serves", async function () {
    const { udp, statuses, frames } = await deploy({ stationRegion: "IN865", stationPort: String(await freeTcpPort()) });
    await waitFor(() => errorsLogged().includes("edge-lorawan-gateway.errors.station-settings"), "the error");
    await waitFor(() => statuses.some((st) => st.fill === "red"), "a red status");
    const fwd = new FakeForwarder("B827EBFFFE000001", udp);
    await fwd.open();
    closers.push(() => fwd.close());
    const phy = buildUplink(demoKeys(1, "x"), 1, 1, Buffer.from([1]));
    const rxpk = { tmst: 1, freq: 868.1, stat: 1, modu: "LORA", datr: "SF7BW125", codr: "4/5", rssi: -90, lsnr: 5, size: phy.length, data: phy.toString("base64") };
    fwd.send(Buffer.concat([Buffer.from([2, 0, 1, 0]), Buffer.from(fwd.eui, "hex"), Buffer.from(JSON.stringify({ rxpk: [rxpk] }))]));
    await waitFor(() => frames.length === 1, "a UDP frame still passed on");
    assert.strictEqual(statuses[statuses.length - 1].fill, "red", "the status stays red: the Station half is not doing its job");
  });

  it("a Station port already taken: an error and a red status", async function () {
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", () => r()));
    closers.push(() => new Promise((r) => taken.close(() => r())));
    const { statuses } = await deploy({ stationPort: String((taken.address() as net.AddressInfo).port) });
    await waitFor(() => errorsLogged().includes("edge-lorawan-gateway.errors.station-listen"), "the listen error");
    await waitFor(() => statuses.some((st) => st.fill === "red"), "a red status");
  });

  it("a downlink to a station without the device's EUI goes to Catch with the reason; one the station never confirms too", async function () {
    const port = await freeTcpPort();
    const { caught, frames } = await deploy({ stationPort: String(port) });
    const muxs = await waitFor(() => StationSocket.open(`ws://127.0.0.1:${port}/router-B827EBFFFE000077`).catch(() => undefined), "the LNS listening");
    closers.push(() => muxs.close());
    muxs.send(versionMessage());
    await waitFor(() => muxs.of("router_config")[0], "router_config");
    const phy = buildUplink(demoKeys(1, "x"), 1, 1, Buffer.from([1]));
    muxs.send(uplinkMessage(phy, { dr: 5, freqHz: 868_100_000, xtime: 1_000_000n }));
    const frame = (await waitFor(() => frames[0], "the frame")) as { payload: { tmst: number }; gatewayEui: string };
    assert.strictEqual(frame.gatewayEui, "B827EBFFFE000077");
    const txpk = { imme: false, tmst: frame.payload.tmst + 1_000_000, freq: 868.1, rfch: 0, powe: 14, modu: "LORA", datr: "SF7BW125", codr: "4/5", ipol: true, size: 12, data: phy.toString("base64") };
    helper.getNode("gw").receive({ payload: { txpk }, gatewayEui: frame.gatewayEui } as never);
    await waitFor(() => caught.length === 1, "refused: no device EUI");
    assert.match(caught[0].error.message, /needs the device's EUI \(msg\.lorawan\.devEui\)/);
    assert.strictEqual(muxs.of("dnmsg").length, 0, "nothing sent to the station");
    helper.getNode("gw").receive({ payload: { txpk }, gatewayEui: frame.gatewayEui, lorawan: { devEui: "70B3D57ED0000001" } } as never);
    await waitFor(() => caught.length === 2, "no dntxed within the wait: refused with the reason");
    assert.match(caught[1].error.message, /sent no dntxed for downlink \d+ within 2500 ms/);
    assert.strictEqual(muxs.of("dnmsg").length, 1);
  });
});
