/**
 * The three models of the fleet rollout example (examples/10-fleet-rollout-*.json): one input (the reading), one
 * score = gain · reading. Versions 1 and 2 score alike; version 3's gain moves its scores far from version 2's, so
 * the centre's edge-rollout orders it back on the canary on the measured drift (PSI).
 *
 *   npx tsx scripts/fleet-demo-models.ts --out demo/
 *   npx tsx scripts/sign-bundle.ts sign --key keys/bundle-signing.key --kind model --name reefer-score --version 1 \
 *       --file demo/reefer-score-1.tflite --device-classes reefer --out demo/reefer-score-1.json
 *   curl -H 'Content-Type: application/json' --data @demo/reefer-score-1.json http://127.0.0.1:1880/fleet/rollout
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { denseModel } from "../lib/tflite/model-builder";

export const DEMO_GAINS: Record<string, number> = { "1": 1, "2": 1.02, "3": 2.5 };

export function demoModel(gain: number): Uint8Array {
  return denseModel(1, [{ weights: [[gain]], bias: [0] }]);
}

if (require.main === module) {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { out: { type: "string" } } });
  const dir = values.out ?? ".";
  fs.mkdirSync(dir, { recursive: true });
  for (const [version, gain] of Object.entries(DEMO_GAINS)) {
    const file = path.join(dir, `reefer-score-${version}.tflite`);
    fs.writeFileSync(file, demoModel(gain));
    process.stdout.write(`${file}: version ${version}, score = ${gain} · reading\n`);
  }
}
