/** RED._ over the pack's built English catalogues (dist/nodes/<type>/locales/en-US/<type>.json, with the shared settings messages). */
import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "../harness/build";

export function builtCatalogue(): (key: string, args?: Record<string, unknown>) => string {
  const catalogue: Record<string, unknown> = {};
  const nodesDir = path.join(repoRoot, "dist", "nodes");
  for (const type of fs.readdirSync(nodesDir)) {
    const file = path.join(nodesDir, type, "locales", "en-US", `${type}.json`);
    if (fs.existsSync(file)) Object.assign(catalogue, JSON.parse(fs.readFileSync(file, "utf8")));
  }
  return (key, args = {}) => {
    let v: unknown = catalogue;
    for (const part of key.split(".")) v = (v as Record<string, unknown> | undefined)?.[part];
    if (typeof v !== "string") return key;
    return v.replace(/__(\w+)__/g, (_m, name: string) => String(args[name] ?? ""));
  };
}

/** a node module whose RED._ speaks that catalogue (the test helper's returns the key) */
export function speaking<R>(register: (RED: R) => void, translate = builtCatalogue()): (RED: R) => void {
  return (RED: R) => {
    const red = Object.create(RED as object) as R & { _: typeof translate; version?: () => string };
    red._ = translate;
    // the test helper's RED has no version(); Node-RED's does
    if (typeof red.version !== "function") red.version = () => require("node-red/package.json").version;
    return register(red);
  };
}
