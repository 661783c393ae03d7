/** The pack's node types that take input, read from package.json's "node-red".nodes and each node's editor `inputs:`. */
import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "../harness/build";

export function nodesTakingInput(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { "node-red": { nodes: Record<string, string> } };
  return Object.keys(pkg["node-red"].nodes).filter((type) => {
    // every node's editor definition is nodes/<type>/editor.ts (the build makes the .html from it)
    const editor = fs.readFileSync(path.join(repoRoot, "nodes", type, "editor.ts"), "utf8");
    const inputs = /\binputs:\s*(\d+)/.exec(editor);
    return inputs !== null && Number(inputs[1]) > 0;
  });
}
