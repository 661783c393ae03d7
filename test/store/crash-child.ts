/**
 * A process that uses the durable queue the way a gateway does, for the kill -9 test: it accepts messages
 * (printing "A <id>" once each is durable), and delivers them (appending "<id>" to a file, then acking).
 * Args: dir, deliveredFile, firstId, lastId.
 */
import * as fs from "fs";
import { DurableQueue } from "../../lib/store/durable-queue";
import { Forwarder } from "../../lib/store/forwarder";

async function main(): Promise<void> {
  const [dir, deliveredFile, first, last] = process.argv.slice(2);
  const q = await DurableQueue.open({ dir, sync: 5 });
  const out = fs.openSync(deliveredFile, "a");
  const forwarder = new Forwarder(
    q,
    async (record) => {
      fs.writeSync(out, `${(record.data as { n: number }).n}\n`);
    },
    { window: 8 },
  );
  forwarder.start();
  const BATCH = 200;
  for (let n = Number(first); n <= Number(last); n += BATCH) {
    const ids: number[] = [];
    const pushes: Promise<string>[] = [];
    for (let k = n; k < n + BATCH && k <= Number(last); k++) {
      ids.push(k);
      pushes.push(q.push({ n: k }, k % 4));
    }
    await Promise.all(pushes);
    process.stdout.write(ids.map((k) => `A ${k}\n`).join(""));
    forwarder.kick();
  }
  // drain what is left, then report
  while (q.stats().queued > 0 || q.stats().inFlight > 0) await new Promise((r) => setTimeout(r, 5));
  process.stdout.write("DRAINED\n");
  await forwarder.stop();
  await q.close();
}

main().catch((err) => {
  process.stderr.write(String(err?.stack ?? err));
  process.exit(1);
});
