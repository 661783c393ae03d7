/**
 * What the example-flow tests share: an examples/ flow read as shipped (each test then moves its ports and speeds up
 * its time) and the core nodes it names. The test helper's server is ./test-helper-server, a node's messages ./node-events.
 */
import * as fs from "fs";
import * as path from "path";

export type FlowNode = Record<string, unknown> & { id: string; type: string };

/** core node files by their path under @node-red/nodes/core, for helper.load */
export function coreNodes(...files: string[]): ReturnType<NodeRequire>[] {
  return files.map((f) => require(`@node-red/nodes/core/${f}`));
}

export function readExample(file: string): FlowNode[] {
  return JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "examples", file), "utf8")) as FlowNode[];
}
