/**
 * Rule evaluations per second for 1,000 devices × 6 rules, and memory per state key, against the same six checks
 * written by hand as a user would in a function node (plain JavaScript, per-device state in an object), same run;
 * and edge-rules in a real Node-RED against the same rules built from core nodes (switch, trigger, change, and a
 * function node where core nodes have no arithmetic for it), each in a Node-RED of its own.
 */
import { RulesEngine } from "../lib/rules/rules-engine";
import { ensureBuilt } from "../test/harness/build";
import { benchUserDir, runThroughput } from "./support/run-pipeline";
import type { Rule } from "../lib/rules/rule-types";
import type { EdgeEvent } from "../lib/ingest/event";

const DEVICES = 1000;
/** readings per device: the first hour, the windows filling */
const ROUNDS = Number(process.env.BENCH_RULES_ROUNDS ?? 60);
/**
 * passes over those rounds in one timed turn, each from fresh state: one pass was ~0.05 s of CPU, too short to
 * tell a few per cent apart on a shared machine; ten keep the workload the same and make a turn ~0.5 s
 */
const PASSES = Number(process.env.BENCH_RULES_PASSES ?? 10);
const REPEATS = 7;

const RULES: Rule[] = [
  { name: "warm", type: "threshold", severity: "critical", resource: "returnAir", direction: "above", raise: 8, clear: 7.5, forS: 900 },
  { name: "cold", type: "threshold", severity: "major", resource: "returnAir", direction: "below", raise: 0, clear: 0.5, forS: 900 },
  { name: "band", type: "band", severity: "major", resource: "returnAir", low: 2, high: 8, hysteresis: 0.3 },
  { name: "rate", type: "rate", severity: "minor", resource: "returnAir", perMinute: 1, windowS: 300 },
  { name: "tor", type: "tor", severity: "major", resource: "returnAir", low: 2, high: 8, budgetMin: 30, windowH: 1 },
  { name: "mkt", type: "mkt", severity: "major", resource: "returnAir", limit: 8, windowH: 1 },
];

function eventsFor(round: number): EdgeEvent[] {
  const out: EdgeEvent[] = [];
  for (let d = 0; d < DEVICES; d++) {
    const origin = 1700000000000 + round * 60000;
    const value = 5 + 4 * Math.sin((round + d) / 7);
    out.push({ id: `${d}-${round}`, deviceName: `dev-${d}`, profileName: "p", sourceName: "returnAir", origin, readings: [{ id: `${d}-${round}`, origin, deviceName: `dev-${d}`, resourceName: "returnAir", profileName: "p", valueType: "Float32", value }] });
  }
  return out;
}

/** the same checks, hand-written: thresholds with hysteresis, band, rate over 5 samples, minutes out of range, MKT */
function handWritten() {
  const state: Record<string, { warm: boolean; cold: boolean; band: boolean; samples: number[]; times: number[]; out: number }> = {};
  return (e: EdgeEvent) => {
    const r = e.readings[0];
    const v = r.value as number;
    const s = (state[r.deviceName] ??= { warm: false, cold: false, band: false, samples: [], times: [], out: 0 });
    const alerts = [];
    if (!s.warm && v > 8) alerts.push((s.warm = true));
    else if (s.warm && v < 7.5) s.warm = false;
    if (!s.cold && v < 0) alerts.push((s.cold = true));
    else if (s.cold && v > 0.5) s.cold = false;
    const outside = v < 2 || v > 8;
    if (outside !== s.band) alerts.push((s.band = outside));
    s.samples.push(v);
    s.times.push(r.origin);
    if (s.samples.length > 60) {
      s.samples.shift();
      s.times.shift();
    }
    const n = s.samples.length;
    if (n > 5 && Math.abs(v - s.samples[n - 6]) / 5 > 1) alerts.push(true);
    if (outside) s.out++;
    const mkt = 10000 / -Math.log(s.samples.reduce((a, t) => a + Math.exp(-10000 / (t + 273.15)), 0) / n) - 273.15;
    if (mkt > 8 || s.out > 30) alerts.push(true);
    return alerts.length;
  };
}

/** CPU seconds of this process since `from`: on a loaded machine wall time measures the other processes too */
function cpuSeconds(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
}

/** through evaluateSync, as edge-rules calls an engine without JSONata rules: no promise per event */
/**
 * CPU seconds of `passes` passes over the rounds, each with a fresh checker from `fresh`. No gc() between passes:
 * a full collection shrinks the young generation, and the next pass's state, all of it surviving, then cost
 * the engine 2.5× its time in scavenges (70 → 180 ms a pass) and the baseline 1.3×
 */
function timed(rounds: EdgeEvent[][], passes: number, fresh: () => (e: EdgeEvent) => unknown): number {
  let seconds = 0;
  for (let p = 0; p < passes; p++) {
    const step = fresh();
    const t0 = process.cpuUsage();
    for (const round of rounds) for (const e of round) step(e);
    seconds += cpuSeconds(t0);
  }
  return seconds;
}

/** through evaluateSync, as edge-rules calls an engine without JSONata rules: no promise per event */
function timeOurs(rounds: EdgeEvent[][], passes: number): number {
  return timed(rounds, passes, () => {
    const engine = new RulesEngine(RULES);
    return (e) => engine.evaluateSync(e);
  });
}

function timeByHand(rounds: EdgeEvent[][], passes: number): number {
  return timed(rounds, passes, handWritten);
}

/** the engine's rows alone, without Node-RED (for profiling and quick comparisons) */
export function engineRows(rounds: EdgeEvent[][] = Array.from({ length: ROUNDS }, (_, i) => eventsFor(i))) {
  // both warmed up (optimised by the JIT) outside the clock, then timed by turns, the best of REPEATS each: a
  // single cold pass measured the compiler as much as the checks
  timeOurs(rounds, 2);
  timeByHand(rounds, 2);
  let oursSeconds = Infinity;
  let baseSeconds = Infinity;
  const turns: string[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const ours = timeOurs(rounds, PASSES);
    const base = timeByHand(rounds, PASSES);
    turns.push(`${(ours * 1000).toFixed(0)}/${(base * 1000).toFixed(0)}`);
    oursSeconds = Math.min(oursSeconds, ours);
    baseSeconds = Math.min(baseSeconds, base);
  }
  // the state a key keeps (what is saved to the context store): rolling windows included
  const engine = new RulesEngine(RULES);
  for (const round of rounds) for (const e of round) engine.evaluateSync(e);
  const bytesPerKey = Buffer.byteLength(JSON.stringify(engine.snapshot())) / (DEVICES * RULES.length);
  const evaluations = PASSES * ROUNDS * DEVICES * RULES.length;
  return [
    { name: "rule evaluations (1,000 devices × 6 rules)", ours: evaluations / oursSeconds, baseline: evaluations / baseSeconds, unit: "evaluations/s", ratio: baseSeconds / oursSeconds, note: `baseline: the same checks hand-written in plain JS, no alert lifecycle or persistence; per CPU second, ${PASSES} passes of ${ROUNDS} readings a device per turn, best of ${REPEATS} by turns after a warm-up (CPU ms ours/baseline: ${turns.join(", ")})` },
    { name: `state per key after ${ROUNDS} readings`, ours: bytesPerKey / 1024, baseline: NaN, unit: "KB", ratio: NaN, note: "serialised rule state ÷ (devices × rules), rolling windows of 1 h included" },
  ];
}

const FLOW_ROUNDS = Number(process.env.BENCH_RULES_FLOW_ROUNDS ?? 20);

/** the six rules as the editor saves them (numbers as strings) */
const EDITOR_RULES = RULES.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "number" ? String(v) : v])));

const TAB = { id: "bench", type: "tab", label: "rules" };
const SINK = { id: "sink", type: "junction", z: "bench", x: 0, y: 0, wires: [] };
const ALERTS = { id: "alerts", type: "junction", z: "bench", x: 0, y: 0, wires: [] };

/** one reading per message out at the sink, every alert into ALERTS */
const OURS_FLOW = [TAB, { id: "entry", type: "edge-rules", z: "bench", version: 1, rules: EDITOR_RULES, store: "", tickS: "60", classes: "", deviceClasses: "", wires: [["alerts"], ["sink"]] }, SINK, ALERTS];

const node = (id: string, type: string, props: Record<string, unknown>, wires: string[][]) => ({ id, type, z: "bench", x: 0, y: 0, ...props, wires });
const sw = (id: string, property: string, propertyType: string, rules: unknown[], wires: string[][]) => node(id, "switch", { property, propertyType, rules, checkall: "false", repair: false, outputs: rules.length }, wires);
const set = (p: string, pt: string, to: string, tot: string) => ({ t: "set", p, pt, to, tot });
const change = (id: string, rules: unknown[], wires: string[][]) => node(id, "change", { rules }, wires);
/** a threshold with hysteresis held for forS: raised once per excursion by a trigger per device, reset when it clears */
function threshold(name: string, raise: unknown, clear: unknown, forS: number, next: string): unknown[] {
  return [
    sw(`${name}-sw`, "v", "msg", [raise, clear, { t: "else" }], [[`${name}-trig`, next], [`${name}-reset`, next], [next]]),
    node(`${name}-trig`, "trigger", { op1: "", op1type: "nul", op2: name, op2type: "str", duration: String(forS), extend: false, overrideDelay: false, units: "s", reset: "", bytopic: "topic", topic: "topic", outputs: 1 }, [["alerts"]]),
    change(`${name}-reset`, [set("reset", "msg", "true", "bool")], [[`${name}-trig`]]),
  ];
}
/** the window rules: core nodes have no logarithm or windows, so each is a function node with its state in context */
const WINDOW_FUNCTION = (body: string) => `const s = context.get(msg.topic) || { samples: [], alert: false };
${body}
const alert = active !== s.alert ? { topic: msg.topic, payload: { state: active ? "raised" : "cleared" } } : null;
s.alert = active;
context.set(msg.topic, s);
return [msg, alert];`;
const RATE = WINDOW_FUNCTION(`s.samples.push([msg.t, msg.v]);
while (s.samples.length > 2 && s.samples[1][0] <= msg.t - 300000) s.samples.shift();
const [t0, v0] = s.samples[0];
const active = s.samples.length > 1 && msg.t > t0 && Math.abs((msg.v - v0) / ((msg.t - t0) / 60000)) > 1;`);
const TOR = WINDOW_FUNCTION(`s.samples.push([msg.t, msg.v]);
while (s.samples.length > 2 && s.samples[1][0] <= msg.t - 3600000) s.samples.shift();
let out = 0;
for (let i = 1; i < s.samples.length; i++) if (s.samples[i - 1][1] < 2 || s.samples[i - 1][1] > 8) out += s.samples[i][0] - s.samples[i - 1][0];
const active = out / 60000 > 30;`);
const MKT = WINDOW_FUNCTION(`s.samples.push([msg.t, msg.v]);
while (s.samples.length > 2 && s.samples[1][0] <= msg.t - 3600000) s.samples.shift();
let sum = 0;
for (const [, c] of s.samples) sum += Math.exp(-10000 / (c + 273.15));
const active = 10000 / -Math.log(sum / s.samples.length) - 273.15 > 8;`);
const fn = (id: string, func: string, next: string) => node(id, "function", { func, outputs: 2, noerr: 0, initialize: "", finalize: "", libs: [] }, [[next], ["alerts"]]);
const num = (t: string, v: number) => ({ t, v: String(v), vt: "num" });
/** the same rules from core nodes, as a user without edge-rules would build them */
const CORE_FLOW = [
  TAB,
  change("entry", [set("topic", "msg", "payload.deviceName", "msg"), set("v", "msg", "payload.readings[0].value", "msg"), set("t", "msg", "payload.origin", "msg")], [["warm-sw"]]),
  ...threshold("warm", num("gt", 8), num("lt", 7.5), 900, "cold-sw"),
  ...threshold("cold", num("lt", 0), num("gt", 0.5), 900, "band-sw"),
  // band 2–8 °C with 0.3 °C of hysteresis: raised once while outside, cleared once back inside by the hysteresis
  sw("band-sw", "v", "msg", [num("lt", 2), num("gt", 8), { t: "btwn", v: "2.3", vt: "num", v2: "7.7", v2t: "num" }, { t: "else" }], [["band-out", "rate"], ["band-out", "rate"], ["band-in", "rate"], ["rate"]]),
  sw("band-out", "band[msg.topic]", "flow", [{ t: "true" }, { t: "else" }], [[], ["band-raise"]]),
  change("band-raise", [set("band[msg.topic]", "flow", "true", "bool"), set("alert", "msg", "band raised", "str")], [["alerts"]]),
  sw("band-in", "band[msg.topic]", "flow", [{ t: "true" }], [["band-clear"]]),
  change("band-clear", [set("band[msg.topic]", "flow", "false", "bool"), set("alert", "msg", "band cleared", "str")], [["alerts"]]),
  fn("rate", RATE, "tor"),
  fn("tor", TOR, "mkt"),
  fn("mkt", MKT, "sink"),
  SINK,
  ALERTS,
];

async function inNodeRed(name: string, flows: unknown[], messages: Array<Record<string, unknown>>) {
  const result = await runThroughput({ flows, userDir: benchUserDir(`rules-${name}`), entry: "entry", sink: "sink", countAt: "alerts", messages, burst: 100, timeoutMs: 120000 });
  if (result.error) throw new Error(`${name}: ${result.error}`);
  return result;
}

export async function run() {
  const rounds = Array.from({ length: ROUNDS }, (_, i) => eventsFor(i));
  const [evaluationRow, stateRow] = engineRows(rounds);
  ensureBuilt();
  const messages = rounds.slice(0, FLOW_ROUNDS).flat().map((e) => ({ payload: e }));
  const inOurs = await inNodeRed("ours", OURS_FLOW, messages);
  const inCore = await inNodeRed("core", CORE_FLOW, messages);
  return [
    evaluationRow,
    {
      name: "edge-rules vs the same rules from core nodes (1,000 devices × 6 rules)",
      ours: inOurs.perCpuSecond,
      baseline: inCore.perCpuSecond,
      unit: "readings/CPU s",
      ratio: inOurs.perCpuSecond / inCore.perCpuSecond,
      note: `each in a Node-RED of its own, ${messages.length} readings; core: switch + trigger (per device, the duration) + change with flow context for thresholds and band, a function node each for rate, time out of range and MKT (core nodes have no windows or logarithm); per CPU second of the process (wall: ours ${Math.round(inOurs.perSecond)}/s, core ${Math.round(inCore.perSecond)}/s); alerts out: ours ${inOurs.counted}, core ${inCore.counted}`,
    },
    stateRow,
  ];
}

if (require.main === module) {
  run().then((rows) => console.table(rows), (err) => {
    console.error(err);
    process.exit(1);
  });
}
