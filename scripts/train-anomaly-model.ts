/**
 * Trains the reefer anomaly model of the showcase on simulated data and writes it as a .tflite file.
 *   npx tsx scripts/train-anomaly-model.ts
 * An autoencoder learns normal operation (temperatures around the setpoint, delivery stops, defrost cycles,
 * a healthy compressor) from simulated trucks; its reconstruction error is the anomaly score. The score is
 * computed inside the model, so the runtime feeds raw readings and reads one number. The threshold is the
 * 99.5th percentile of scores on held-out normal windows; accuracy is reported on held-out simulated faults.
 */
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { ColdChainSimulator } from "../lib/sim/simulator";
import { FaultKind } from "../lib/sim/faults";
import { SeededRandom } from "../lib/sim/random";
import { featureVector, sampleFromReeferPayload, windows, FEATURES, WINDOW, INPUT_SIZE } from "../lib/anomaly/reefer-features";
import { writeAnomalyModel, DenseLayer } from "../lib/anomaly/anomaly-model-writer";

const OUT_DIR = path.resolve(__dirname, "../lib/models");
const STEP_S = 60;
const HOURS = 48;
const TRUCKS = 6;

interface Labelled {
  x: number[];
  anomalous: boolean;
  fault?: FaultKind;
  /** which truck and which simulated second the window ends at */
  device: string;
  endS: number;
}

interface Episode {
  device: string;
  kind: FaultKind;
  from: number;
  to: number;
}

const episodes: Episode[] = [];

/** One simulated fleet run: windows per truck, labelled by whether most of the window lies inside a fault. */
function simulate(seed: number, withFaults: boolean): Labelled[] {
  const rnd = new SeededRandom(seed * 7919);
  const sim = new ColdChainSimulator({ seed, fleet: { trucks: TRUCKS, coldRooms: 0, freezers: 0, shelves: 0, coapSensors: 0 }, startTime: Date.UTC(2026, 0, 1), wearOutHours: 0 });
  const faultAt = new Map<string, Array<{ kind: FaultKind; from: number; to: number }>>();
  if (withFaults) {
    const kinds: FaultKind[] = ["door-open", "compressor-failure", "power-cut"];
    for (let t = 1; t <= TRUCKS; t++) {
      const name = `truck-${String(t).padStart(2, "0")}`;
      const list = [];
      for (let k = 0; k < 3; k++) {
        const kind = kinds[rnd.int(0, kinds.length - 1)];
        const from = 3600 * (4 + k * 14 + rnd.between(0, 8));
        const dur = kind === "door-open" ? rnd.between(1800, 3600) : rnd.between(3600, 7200);
        sim.inject(kind, name, dur, from);
        list.push({ kind, from, to: from + dur });
        episodes.push({ device: `${seed}/${name}`, kind, from, to: from + dur });
      }
      faultAt.set(name, list);
    }
  }
  const series = new Map<string, { x: number[]; fault: FaultKind | undefined; after: boolean; t: number }[]>();
  for (let i = 0; i < (HOURS * 3600) / STEP_S; i++) {
    const { messages } = sim.tick(STEP_S);
    const nowS = sim.simulatedSeconds;
    for (const m of messages) {
      const faults = faultAt.get(m.device) ?? [];
      const active = faults.find((f) => nowS >= f.from && nowS < f.to);
      const recovering = faults.some((f) => nowS >= f.to && nowS < f.to + 3 * 3600);
      const list = series.get(m.device) ?? [];
      list.push({ x: featureVector(sampleFromReeferPayload(m.payload as Record<string, unknown>)), fault: active?.kind, after: recovering, t: nowS });
      series.set(m.device, list);
    }
  }
  const out: Labelled[] = [];
  for (const [device, list] of series) {
    const xs = windows(list.map((s) => s.x), 2);
    for (let w = 0; w < xs.length; w++) {
      const slice = list.slice(w * 2, w * 2 + WINDOW);
      const inFault = slice.filter((s) => s.fault).length;
      if (inFault > 0 && inFault < WINDOW / 2) continue; // ambiguous edges are neither
      if (inFault === 0 && slice.some((s) => s.after)) continue; // recovery after a fault is neither
      out.push({ x: xs[w], anomalous: inFault >= WINDOW / 2, fault: slice.find((s) => s.fault)?.fault, device: `${seed}/${device}`, endS: slice[slice.length - 1].t });
    }
  }
  return out;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  tf.setBackend("cpu");
  await tf.ready();
  const train = [1, 2, 3, 4, 5, 6].flatMap((seed) => simulate(seed, false));
  const validation = [101, 102].flatMap((seed) => simulate(seed, false));
  const test = [201, 202, 203, 204].flatMap((seed) => simulate(seed, true));
  console.log(`windows: ${train.length} train, ${validation.length} validation, ${test.length} test (${test.filter((t) => t.anomalous).length} in faults)`);

  const mean = new Array(INPUT_SIZE).fill(0);
  const sd = new Array(INPUT_SIZE).fill(0);
  for (const { x } of train) x.forEach((v, i) => (mean[i] += v / train.length));
  for (const { x } of train) x.forEach((v, i) => (sd[i] += (v - mean[i]) ** 2 / train.length));
  const scale = sd.map((v) => 1 / Math.max(Math.sqrt(v), 1e-3));
  const normalise = (x: number[]) => x.map((v, i) => (v - mean[i]) * scale[i]);

  const model = tf.sequential();
  const sizes = [24, 8, 24];
  model.add(tf.layers.dense({ inputShape: [INPUT_SIZE], units: sizes[0], activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
  model.add(tf.layers.dense({ units: sizes[1], activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
  model.add(tf.layers.dense({ units: sizes[2], activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
  model.add(tf.layers.dense({ units: INPUT_SIZE, kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }));
  model.compile({ optimizer: tf.train.adam(0.003), loss: "meanSquaredError" });
  const xTrain = tf.tensor2d(train.map((t) => normalise(t.x)));
  await model.fit(xTrain, xTrain, { epochs: 25, batchSize: 128, shuffle: true, verbose: 0 });

  const layers: DenseLayer[] = model.layers.map((layer, i) => {
    const [kernel, bias] = layer.getWeights();
    const k = kernel.arraySync() as number[][];
    return { weights: k[0].map((_, o) => k.map((row) => row[o])), bias: bias.arraySync() as number[], relu: i < model.layers.length - 1 };
  });
  const score = (x: number[]) => {
    const xn = normalise(x);
    let h = xn;
    for (const l of layers) h = l.weights.map((row, o) => Math.max(l.relu ? 0 : -Infinity, row.reduce((s, w, i) => s + w * h[i], l.bias[o])));
    return h.reduce((s, r, i) => s + (r - xn[i]) ** 2, 0) / xn.length;
  };
  const threshold = percentile(validation.map((v) => score(v.x)), 99.5);
  const normal = test.filter((t) => !t.anomalous);
  const faults = test.filter((t) => t.anomalous);
  const falsePositives = normal.filter((t) => score(t.x) >= threshold).length;
  const byFault: Record<string, { windows: number; detected: number }> = {};
  for (const t of faults) {
    const entry = (byFault[t.fault!] ??= { windows: 0, detected: 0 });
    entry.windows++;
    if (score(t.x) >= threshold) entry.detected++;
  }
  const detected = Object.values(byFault).reduce((s, e) => s + e.detected, 0);
  // Per fault episode: detected if a window ending inside it scores above the threshold; time to detect.
  const alarms = test.filter((t) => score(t.x) >= threshold);
  const episodeResults = episodes.map((e) => {
    const first = alarms.filter((a) => a.device === e.device && a.endS >= e.from && a.endS < e.to).sort((a, b) => a.endS - b.endS)[0];
    return { kind: e.kind, detected: !!first, minutes: first ? (first.endS - e.from) / 60 : undefined };
  });
  const truckDays = (4 * TRUCKS * HOURS) / 24;
  const report = {
    model: "reefer-anomaly.tflite",
    inputs: `${WINDOW} readings × [${FEATURES.join(", ")}] (°C, A, 0/1), oldest first: shape [1, ${INPUT_SIZE}]`,
    output: "anomaly score: mean squared reconstruction error of the normalised window, shape [1, 1]",
    threshold: Number(threshold.toPrecision(6)),
    trainedOn: `${train.length} windows of normal operation from ${6 * TRUCKS} simulated trucks × ${HOURS} h`,
    heldOut: {
      normalWindows: normal.length,
      falsePositiveRate: Number((falsePositives / normal.length).toFixed(4)),
      faultWindows: faults.length,
      detectionRate: Number((detected / faults.length).toFixed(4)),
      byFault: Object.fromEntries(Object.entries(byFault).map(([k, e]) => [k, Number((e.detected / e.windows).toFixed(4))])),
      accuracy: Number(((detected + normal.length - falsePositives) / test.length).toFixed(4)),
      faultEpisodes: episodeResults.length,
      episodesDetected: Number((episodeResults.filter((e) => e.detected).length / episodeResults.length).toFixed(4)),
      episodesDetectedByFault: Object.fromEntries(
        (["door-open", "compressor-failure", "power-cut"] as FaultKind[]).map((k) => {
          const of = episodeResults.filter((e) => e.kind === k);
          return [k, of.length ? Number((of.filter((e) => e.detected).length / of.length).toFixed(4)) : null];
        }),
      ),
      medianMinutesToDetect: percentile(episodeResults.filter((e) => e.detected).map((e) => e.minutes!), 50),
      falseAlarmWindowsPerTruckDay: Number((falsePositives / truckDays).toFixed(2)),
    },
  };
  const tflite = writeAnomalyModel({ mean, scale, layers });
  fs.writeFileSync(path.join(OUT_DIR, "reefer-anomaly.tflite"), tflite);
  fs.writeFileSync(path.join(OUT_DIR, "reefer-anomaly.report.json"), JSON.stringify(report, null, 2) + "\n");
  // a few windows with their expected scores, for the test that runs the .tflite through our interpreter
  const samples = [...normal.slice(0, 3), ...faults.slice(0, 3)].map((t) => ({ input: t.x, score: score(t.x), anomalous: t.anomalous }));
  fs.writeFileSync(path.resolve(__dirname, "../test/anomaly/fixtures/reefer-anomaly.samples.json"), JSON.stringify(samples) + "\n");
  console.log(JSON.stringify(report, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
