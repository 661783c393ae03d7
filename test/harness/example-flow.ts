/**
 * What the example-flow tests share: an examples/ flow read as shipped (each test then moves its ports and speeds up
 * its time), node-red-node-test-helper's server around each test (./test-helper-server), and the messages a node of the flow receives.
 */
import * as fs from "fs";
import * as path from "path";
import helper from "node-red-node-test-helper";
import { events } from "./node-events";

export type FlowNode = Record<string, unknown> & { id: string; type: string };

/** core node files by their path under @node-red/nodes/core, for helper.load */
export function coreNodes(...files: string[]): ReturnType<NodeRequire>[] {
  return files.map((f) => require(`@node-red/nodes/core/${f}`));
}

export function readExample(file: string): FlowNode[] {
  return JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "examples", file), "utf8")) as FlowNode[];
}

/** every message the loaded flow's node `id` receives from now on */
export function received<M>(id: string): M[] {
  const list: M[] = [];
  events(helper.getNode(id)).on("input", (m: M) => list.push(m));
  return list;
}
