/** The pack's version from its package.json, found upwards from this file (nodes/… in the source, dist/nodes/… built). */
import * as fs from "fs";
import * as path from "path";

let cached: string | undefined;

export function packVersion(): string {
  if (cached !== undefined) return cached;
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "@edge-ai/node-red-edge-ai") return (cached = pkg.version ?? "unknown");
    } catch {
      // not here: one level up
    }
    dir = path.dirname(dir);
  }
  return (cached = "unknown");
}
