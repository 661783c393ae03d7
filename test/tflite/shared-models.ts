/** Locates ../shared/models (third-party conformance models, never copied into the project) and reads its cases. */
import * as fs from "fs";
import * as path from "path";
import { PNG } from "pngjs";

export const SHARED_MODELS = path.resolve(__dirname, "../../../shared/models");

export function sharedAvailable(): boolean {
  return fs.existsSync(path.join(SHARED_MODELS, "README.md"));
}

/** Skips the calling suite with a clear message when the shared models are absent. */
export function skipWithoutShared(ctx: Mocha.Context): void {
  if (!sharedAvailable()) {
    console.log(`      (skipped: shared TFLite models not found at ${SHARED_MODELS})`);
    ctx.skip();
  }
}

export function modelPath(...parts: string[]): string {
  return path.join(SHARED_MODELS, ...parts);
}

export function readBytes(...parts: string[]): Uint8Array {
  return new Uint8Array(fs.readFileSync(modelPath(...parts)));
}

export function readCsvInts(file: string): number[] {
  return fs
    .readFileSync(file, "utf8")
    .trim()
    .split(/[,\s]+/)
    .filter((s) => s.length > 0)
    .map(Number);
}

/** A grayscale PNG's pixels divided by 255 (the mnist samples). */
export function pngGray01(file: string): Float32Array {
  const png = PNG.sync.read(fs.readFileSync(file));
  const out = new Float32Array(png.width * png.height);
  for (let i = 0; i < out.length; i++) out[i] = png.data[i * 4] / 255;
  return out;
}

/** The 8-bit pixels of an uncompressed 8-bit BMP, top row first. */
export function bmpPixels(file: string): Uint8Array {
  const b = fs.readFileSync(file);
  const offset = b.readUInt32LE(10);
  const width = b.readInt32LE(18);
  const height = b.readInt32LE(22);
  const bpp = b.readUInt16LE(28);
  if (bpp !== 8) throw new Error(`expected an 8-bit BMP, got ${bpp} bits`);
  const rowBytes = Math.ceil(width / 4) * 4;
  const h = Math.abs(height);
  const out = new Uint8Array(width * h);
  for (let y = 0; y < h; y++) {
    const srcRow = height > 0 ? h - 1 - y : y; // positive height: stored bottom-up
    out.set(b.subarray(offset + srcRow * rowBytes, offset + srcRow * rowBytes + width), y * width);
  }
  return out;
}

/** The seanet cases: every <name>.tflite with its input CSVs and golden CSV. */
export function seanetCases(): Array<{ op: string; name: string; model: string; inputs: string[]; golden: string }> {
  const root = modelPath("tflm", "seanet");
  const cases = [];
  for (const op of fs.readdirSync(root).sort()) {
    const dir = path.join(root, op);
    for (const f of fs.readdirSync(dir).sort()) {
      if (!f.endsWith(".tflite")) continue;
      const name = f.slice(0, -".tflite".length);
      const files = fs.readdirSync(dir);
      const inputs = files
        .filter((x) => x.startsWith(`${name}_input`))
        .sort((a, b) => Number(/_input(\d+)_/.exec(a)![1]) - Number(/_input(\d+)_/.exec(b)![1]))
        .map((x) => path.join(dir, x));
      const golden = files.find((x) => x.startsWith(`${name}_golden`));
      if (golden) cases.push({ op, name, model: path.join(dir, f), inputs, golden: path.join(dir, golden) });
    }
  }
  return cases;
}
