/**
 * An edge-buffer wired as a user wires it, for the disk and crash faults: messages arrive over HTTP, a delivering
 * function stands for the downstream (down: it fails to the Catch node, which nacks; up: it appends the message's
 * id to a file and its Complete node acks). What the buffer confirmed (its Complete node: the push is on disk),
 * refused (its Catch node) and showed (its status) is appended to files, so it survives a kill -9 of Node-RED.
 */
import * as fs from "fs";
import * as path from "path";
import { httpRequest } from "../harness/peers";

export interface BufferFiles {
  accepted: string;
  refused: string;
  delivered: string;
  statuses: string;
}

export function bufferFiles(dir: string): BufferFiles {
  return {
    accepted: path.join(dir, "accepted.txt"),
    refused: path.join(dir, "refused.txt"),
    delivered: path.join(dir, "delivered.txt"),
    statuses: path.join(dir, "statuses.txt"),
  };
}

export const BUFFER_ID = "fb-buffer";

/** settings a Node-RED running this flow needs: function nodes that may require("fs") */
export const bufferFlowSettings = {
  functionExternalModules: true,
  logging: { console: { level: "warn", metrics: false, audit: false } },
  contextStorage: { default: { module: "memory" } },
};

export function bufferFlow(bufferDir: string, files: BufferFiles, config: Record<string, unknown> = {}): unknown[] {
  const z = "fb-tab";
  const libs = [{ var: "fs", module: "fs" }];
  const append = (file: string, line: string) => `fs.appendFileSync(${JSON.stringify(file)}, ${line} + "\\n");`;
  return [
    { id: z, type: "tab", label: "fault: edge-buffer" },
    { id: "fb-in", z, type: "http in", url: "/fault/send", method: "post", upload: false, wires: [["fb-split"]] },
    { id: "fb-split", z, type: "function", name: "send each", func: "for (const m of msg.payload) node.send([m, null]);\nreturn [null, msg];", outputs: 2, wires: [[BUFFER_ID], ["fb-ok"]] },
    { id: "fb-ok", z, type: "http response", statusCode: "204", wires: [] },
    {
      id: BUFFER_ID, z, type: "edge-buffer", name: "store & forward", dir: bufferDir, lanes: "4", sync: "group", groupCommitMs: "10", maxMessages: "1000000", maxMB: "1024", maxAgeH: "0",
      evictCritical: false, window: "32", ratePerSec: "0", ackTimeoutS: "5", backoffMaxS: "1", breakerFailures: "5", probeAfterS: "1", metricsIntervalS: "0",
      ...config, wires: [["fb-deliver"], []],
    },
    {
      id: "fb-deliver", z, type: "function", name: "downstream", libs, outputs: 1, wires: [[]],
      func: `if (!global.get("downstreamUp") && env.get("FAULT_DOWNSTREAM") !== "up") throw new Error("downstream down");\n${append(files.delivered, "msg.eventId")}\nreturn msg;`,
    },
    { id: "fb-ack", z, type: "complete", name: "ack", scope: ["fb-deliver"], uncaught: false, wires: [[BUFFER_ID]] },
    { id: "fb-nack", z, type: "catch", name: "nack", scope: ["fb-deliver"], uncaught: false, wires: [[BUFFER_ID]] },
    { id: "fb-confirmed", z, type: "complete", name: "confirmed", scope: [BUFFER_ID], uncaught: false, wires: [["fb-log-confirmed"]] },
    // acks and nacks complete on the buffer too; a push is a message without the buffer's tag
    { id: "fb-log-confirmed", z, type: "function", libs, outputs: 0, wires: [], func: `if (!msg._buffer) ${append(files.accepted, "msg.eventId")}\nreturn null;` },
    { id: "fb-refused", z, type: "catch", name: "refused", scope: [BUFFER_ID], uncaught: false, wires: [["fb-log-refused"]] },
    { id: "fb-log-refused", z, type: "function", libs, outputs: 0, wires: [], func: `${append(files.refused, `String(msg.eventId) + "\\t" + String(msg.error && msg.error.message).replace(/\\s+/g, " ")`)}\nreturn null;` },
    { id: "fb-status", z, type: "status", name: "buffer status", scope: [BUFFER_ID], wires: [["fb-log-status"]] },
    { id: "fb-log-status", z, type: "function", libs, outputs: 0, wires: [], func: `${append(files.statuses, `String(msg.status.fill) + "\\t" + String(msg.status.text)`)}\nreturn null;` },
    { id: "fb-downstream-in", z, type: "http in", url: "/fault/downstream", method: "post", upload: false, wires: [["fb-downstream-set"]] },
    { id: "fb-downstream-set", z, type: "function", name: "downstream up/down", func: `global.set("downstreamUp", msg.payload.up === true);\nreturn msg;`, outputs: 1, wires: [["fb-ok"]] },
  ];
}

export const readLines = (file: string): string[] => (fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean) : []);

/** POSTs messages {eventId, priority, payload} for ids [from, to) */
export function pushRange(url: string, from: number, to: number, payloadBytes = 150): Promise<void> {
  return pushNumbers(url, Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i), payloadBytes);
}

export async function pushNumbers(url: string, numbers: number[], payloadBytes = 150): Promise<void> {
  const pad = "p".repeat(payloadBytes);
  const messages = numbers.map((n) => ({ eventId: `m${n}`, priority: n % 4, payload: { n, pad } }));
  const res = await httpRequest("POST", `${url}/fault/send`, JSON.stringify(messages), { "content-type": "application/json" });
  if (res.status !== 204) throw new Error(`POST /fault/send: ${res.status} ${res.body}`);
}

export async function setDownstream(url: string, up: boolean): Promise<void> {
  const res = await httpRequest("POST", `${url}/fault/downstream`, JSON.stringify({ up }), { "content-type": "application/json" });
  if (res.status !== 204) throw new Error(`POST /fault/downstream: ${res.status} ${res.body}`);
}

/** the flow's routes answer only once the flows have started (the admin API answers before) */
export async function routesAnswer(url: string): Promise<boolean> {
  try {
    return (await httpRequest("POST", `${url}/fault/send`, "[]", { "content-type": "application/json" })).status === 204;
  } catch {
    return false;
  }
}
