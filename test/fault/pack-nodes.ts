/** The pack's node types that take input, read from package.json's "node-red".nodes and each node's editor `inputs:`. */
import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "../harness/build";

export function nodesTakingInput(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { "node-red": { nodes: Record<string, string> } };
  return Object.keys(pkg["node-red"].nodes).filter((type) => {
    // the editor definition: nodes/<type>/editor.ts for a node whose .html the build makes, else the .html
    const editorTs = path.join(repoRoot, "nodes", type, "editor.ts");
    const html = fs.readFileSync(fs.existsSync(editorTs) ? editorTs : path.join(repoRoot, "nodes", type, `${type}.html`), "utf8");
    const inputs = /\binputs:\s*(\d+)/.exec(html);
    return inputs !== null && Number(inputs[1]) > 0;
  });
}
