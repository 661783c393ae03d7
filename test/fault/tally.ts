/**
 * The fault suite's one tally: every fault test adds what it tried and what it saw, and the run ends with one line
 * of counts (printed by a root after() hook, so it comes once, after the last fault test, whatever ran).
 * Each test asserts its own cases; the line is the summary a reader of the CI log looks for.
 */
export interface FaultCounts {
  inputsTried: number;
  errorsReported: number;
  crashes: number;
  silentDrops: number;
  /** Node-RED's own cloning for Catch/Complete overflowed the stack (a 10,000-deep object): Node-RED's, not the pack's */
  nodeRedCloneOverflows: number;
  messagesConfirmed: number;
  confirmedButLost: number;
}

const counts: FaultCounts = {
  inputsTried: 0,
  errorsReported: 0,
  crashes: 0,
  silentDrops: 0,
  nodeRedCloneOverflows: 0,
  messagesConfirmed: 0,
  confirmedButLost: 0,
};
let used = false;

export function record(add: Partial<FaultCounts>): void {
  used = true;
  for (const key of Object.keys(add) as Array<keyof FaultCounts>) counts[key] += add[key] ?? 0;
}

export function tallyLine(c: FaultCounts = counts): string {
  return (
    `fault suite: inputs tried ${c.inputsTried}, errors reported ${c.errorsReported}, crashes ${c.crashes}, ` +
    `silent drops ${c.silentDrops}, node-red clone overflows ${c.nodeRedCloneOverflows}, ` +
    `messages confirmed ${c.messagesConfirmed}, confirmed but lost ${c.confirmedButLost}`
  );
}

// a root hook: registered while mocha loads the first fault test file, run once at the very end
if (typeof after === "function") {
  after(function () {
    if (used) process.stdout.write(`\n${tallyLine()}\n`);
  });
}
