/**
 * Reads what passes a wire of a flow deployed in a Node-RED child process: a function node appended to the flow
 * keeps what it receives (in its flow's context) and an HTTP route added with it answers the list.
 */
import { httpRequest } from "../harness/peers";

type FlowNode = Record<string, unknown> & { id: string; type: string; z?: string; wires?: string[][] };

export interface Tapped {
  /** the tapped node's id */
  from: string;
  topic?: string;
  payload: unknown;
  device?: { name?: string };
}

/** adds a tap on output `output` of each node in `from`, served at GET /tap/<name> */
export function addTap(flow: FlowNode[], name: string, from: Array<[string, number]>): void {
  const z = flow.find((n) => n.id === from[0][0])?.z;
  if (!z) throw new Error(`no node ${from[0][0]} on a tab`);
  const keep = `tap-${name}`;
  from.forEach(([id, output], i) => {
    const n = flow.find((f) => f.id === id);
    if (!n?.wires?.[output]) throw new Error(`no output ${output} on ${id}`);
    const mark = `${keep}-${i}`;
    n.wires[output].push(mark);
    flow.push({ id: mark, type: "change", z, rules: [{ t: "set", p: "tappedFrom", pt: "msg", to: id, tot: "str" }], x: 100, y: 3000 + i * 40, wires: [[keep]] });
  });
  flow.push(
    { id: keep, type: "function", z, func: `const seen = flow.get('${keep}') || []; if (seen.length < 20000) seen.push({ from: msg.tappedFrom, topic: msg.topic, payload: msg.payload, device: msg.device }); flow.set('${keep}', seen); return null;`, outputs: 1, x: 300, y: 3000, wires: [[]] },
    { id: `${keep}-route`, type: "http in", z, url: `/tap/${name}`, method: "get", x: 100, y: 3400, wires: [[`${keep}-answer`]] },
    { id: `${keep}-answer`, type: "function", z, func: `msg.payload = flow.get('${keep}') || []; return msg;`, outputs: 1, x: 300, y: 3400, wires: [[`${keep}-reply`]] },
    { id: `${keep}-reply`, type: "http response", z, x: 500, y: 3400, wires: [] },
  );
}

export async function readTap(url: string, name: string): Promise<Tapped[]> {
  const res = await httpRequest("GET", `${url}/tap/${name}`);
  if (res.status !== 200) return [];
  return JSON.parse(res.body) as Tapped[];
}
