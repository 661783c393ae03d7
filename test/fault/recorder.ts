/**
 * Flow pieces that let a test see every outcome of a message inside a real Node-RED: a recorder per output of the
 * node under test, a Catch and a Complete node scoped to it, all writing into one list in global context (memory
 * store), read back over HTTP. A message carries `faultCase`; an output that lost it is put down to the case the
 * node was last given (`faultActive`), and marked untagged.
 */
import { httpRequest } from "../harness/peers";

export type OutcomeKind = "output" | "catch" | "complete";

export interface Outcome {
  node: string;
  case: string;
  kind: OutcomeKind;
  port?: number;
  tagged: boolean;
  /** the error's message, for a Catch; the message's _buffer id / eventId for an output */
  detail?: string;
  id?: string;
}

type FlowNode = Record<string, unknown>;

/** a function node that appends one outcome; written so it never clones or walks the message */
export function recorderNode(id: string, z: string, node: string, kind: OutcomeKind, port?: number, wires: string[][] = []): FlowNode {
  const func = [
    `const list = global.get("faultOutcomes") || [];`,
    `const active = (global.get("faultActive") || {})[${JSON.stringify(node)}];`,
    `const tagged = typeof msg.faultCase === "string";`,
    `const detail = msg.error ? String(msg.error.message).slice(0, 300) : undefined;`,
    `const id = msg._buffer && typeof msg._buffer.id === "string" ? msg._buffer.id : typeof msg.eventId === "string" ? msg.eventId : undefined;`,
    `list.push({ node: ${JSON.stringify(node)}, case: tagged ? msg.faultCase : String(active || ""), kind: ${JSON.stringify(kind)}, port: ${port ?? "undefined"}, tagged, detail, id });`,
    `global.set("faultOutcomes", list);`,
    wires.length ? `return msg;` : `return null;`,
  ].join("\n");
  return { id, z, type: "function", name: `record ${kind}${port === undefined ? "" : ` ${port}`} of ${node}`, func, outputs: wires.length ? 1 : 0, wires };
}

/** Catch and Complete nodes scoped to `target`, each into its recorder */
export function scopedRecorders(z: string, target: string, label: string): FlowNode[] {
  return [
    { id: `${target}-catch`, z, type: "catch", name: `catch ${label}`, scope: [target], uncaught: false, wires: [[`${target}-rec-catch`]] },
    recorderNode(`${target}-rec-catch`, z, label, "catch"),
    { id: `${target}-complete`, z, type: "complete", name: `complete ${label}`, scope: [target], uncaught: false, wires: [[`${target}-rec-complete`]] },
    recorderNode(`${target}-rec-complete`, z, label, "complete"),
  ];
}

/** GET /fault/outcomes: the list so far */
export function outcomesRoute(z: string): FlowNode[] {
  return [
    { id: "fault-outcomes-in", z, type: "http in", url: "/fault/outcomes", method: "get", wires: [["fault-outcomes-read"]] },
    { id: "fault-outcomes-read", z, type: "function", func: `msg.payload = global.get("faultOutcomes") || [];\nreturn msg;`, outputs: 1, wires: [["fault-outcomes-out"]] },
    { id: "fault-outcomes-out", z, type: "http response", statusCode: "200", headers: { "content-type": "application/json" }, wires: [] },
  ];
}

export async function readOutcomes(url: string): Promise<Outcome[]> {
  const res = await httpRequest("GET", `${url}/fault/outcomes`);
  if (res.status !== 200) throw new Error(`GET /fault/outcomes: ${res.status} ${res.body}`);
  return JSON.parse(res.body) as Outcome[];
}

/** Node-RED is up when its admin API answers /flows */
export async function nodeRedAnswers(url: string): Promise<boolean> {
  try {
    return (await httpRequest("GET", `${url}/flows`, undefined, { Accept: "application/json" })).status === 200;
  } catch {
    return false;
  }
}

/** POST /fault/send with a JSON array of messages: each is sent to `target` as it is (answered 204 once all are sent) */
export function sendRoute(z: string, target: string): FlowNode[] {
  const func = `for (const m of msg.payload) node.send([m, null], false);\nreturn [null, msg];`;
  return [
    { id: "fault-send-in", z, type: "http in", url: "/fault/send", method: "post", upload: false, wires: [["fault-send-split"]] },
    { id: "fault-send-split", z, type: "function", name: "send each", func, outputs: 2, wires: [[target], ["fault-send-ok"]] },
    { id: "fault-send-ok", z, type: "http response", statusCode: "204", wires: [] },
  ];
}

export async function sendMessages(url: string, messages: unknown[]): Promise<void> {
  const res = await httpRequest("POST", `${url}/fault/send`, JSON.stringify(messages), { "content-type": "application/json" });
  if (res.status !== 204) throw new Error(`POST /fault/send: ${res.status} ${res.body}`);
}
