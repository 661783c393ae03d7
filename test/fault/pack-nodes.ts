/** The pack's node types that take input, read from package.json's "node-red".nodes and each node's editor `inputs:`. */
import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "../harness/build";

export function nodesTakingInput(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { "node-red": { nodes: Record<string, string> } };
  return Object.keys(pkg["node-red"].nodes).filter((type) => {
    const html = fs.readFileSync(path.join(repoRoot, "nodes", type, `${type}.html`), "utf8");
    const inputs = /\binputs:\s*(\d+)/.exec(html);
    return inputs !== null && Number(inputs[1]) > 0;
  });
}
