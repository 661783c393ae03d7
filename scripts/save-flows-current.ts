/**
 * `npx tsx scripts/save-flows-current.ts`: saves every node of examples/ and flows/ as the editor would save it
 * unchanged: each converted node's configuration migrated to its current version, with every setting written out
 * (a missing one means its default, so writing it changes nothing the node does). Then the browser test's
 * "dialog saved unchanged" holds, and a user's diff after opening a dialog stays empty.
 */
import * as fs from "fs";
import * as path from "path";
import { migrate, type Config, type Migration } from "../lib/settings/migrate";
import { defaultConfig, type Table } from "../lib/settings/spec";

const root = path.resolve(__dirname, "..");
const modules = new Map<string, { table: Table; migrations: readonly Migration[] }>();
for (const type of fs.readdirSync(path.join(root, "nodes"))) {
  const file = path.join(root, "nodes", type, "settings.ts");
  if (fs.existsSync(file)) modules.set(type, require(file));
}

const files = ["examples", "flows"].flatMap((dir) =>
  fs
    .readdirSync(path.join(root, dir))
    .filter((f) => f.endsWith(".json"))
    .map((f) => path.join(root, dir, f)),
);
for (const file of files) {
  const text = fs.readFileSync(file, "utf8");
  const flow = JSON.parse(text) as Config[];
  const saved = flow.map((node) => {
    const m = modules.get(String(node.type));
    if (!m) return node;
    const { config, from, to } = migrate(node, m.migrations);
    if (from > to) return node;
    const out: Config = { ...config };
    for (const [field, value] of Object.entries(defaultConfig(m.table))) if (out[field] === undefined) out[field] = value;
    return out;
  });
  const next = JSON.stringify(saved, null, 1) + (text.endsWith("\n") ? "\n" : "");
  if (next !== text) {
    fs.writeFileSync(file, next);
    console.log(`saved ${path.relative(root, file)}`);
  }
}
