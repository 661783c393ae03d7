import * as assert from "assert";
import * as net from "net";
import { startMosquitto, startCoapServer, startKafka, startInflux, coapClient, httpRequest } from "./peers";

describe("test harness: real peers on 127.0.0.1", function () {
  this.timeout(60000);

  it("starts Mosquitto, which accepts a TCP connection, and stops it", async function () {
    const broker = await startMosquitto();
    await broker.stop();
    const refused = await new Promise<boolean>((resolve) => {
      const s = net.connect(broker.port, "127.0.0.1");
      s.once("connect", () => { s.destroy(); resolve(false); });
      s.once("error", () => resolve(true));
    });
    assert.ok(refused, "the broker port is closed after stop()");
  });

  it("starts libcoap's server, which answers a PUT then a GET of the same resource", async function () {
    const coap = await startCoapServer();
    try {
      const put = coapClient(["-m", "put", "-e", "21.5", `${coap.url}/harness`]);
      assert.strictEqual(put.status, 0, put.stderr);
      const get = coapClient(["-m", "get", `${coap.url}/harness`]);
      assert.strictEqual(get.stdout.trim(), "21.5");
    } finally {
      await coap.stop();
    }
  });

  it("starts the Kafka mock cluster and reports its brokers", async function () {
    const kafka = await startKafka(3);
    try {
      assert.ok(kafka.brokers.length >= 1);
      for (const b of kafka.brokers) assert.match(b, /^127\.0\.0\.1:\d+$|.+:\d+$/);
    } finally {
      await kafka.stop();
    }
  });

  it("starts InfluxDB 1.x, which accepts a write and returns it from a query", async function () {
    const influx = await startInflux();
    try {
      await influx.query("CREATE DATABASE harness");
      const w = await httpRequest("POST", `${influx.url}/write?db=harness&precision=ms`, "temp,device=t1 value=4.5 1700000000000");
      assert.strictEqual(w.status, 204);
      const r = (await influx.query("SELECT value FROM temp", "harness")) as { results: Array<{ series: Array<{ values: unknown[][] }> }> };
      assert.strictEqual(r.results[0].series[0].values[0][1], 4.5);
    } finally {
      await influx.stop();
    }
  });
});
