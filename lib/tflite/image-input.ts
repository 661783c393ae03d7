/** Image buffers (PNG, JPEG, BMP) decoded, resized bilinearly to a model's input and normalised. */
import { PNG } from "pngjs";
import * as jpeg from "jpeg-js";

export interface RgbaImage {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel, top row first */
  data: Uint8Array;
}

export type Normalisation = "0..1" | "-1..1" | "0..255";

export function detectImage(buf: Uint8Array): "png" | "jpeg" | "bmp" | undefined {
  if (buf.length > 8 && buf[0] === 0x89 && buf[1] === 0x50 && buf[2] === 0x4e && buf[3] === 0x47) return "png";
  if (buf.length > 3 && buf[0] === 0xff && buf[1] === 0xd8) return "jpeg";
  if (buf.length > 54 && buf[0] === 0x42 && buf[1] === 0x4d) return "bmp";
  return undefined;
}

export function decodeImage(buf: Buffer): RgbaImage {
  const kind = detectImage(buf);
  if (kind === "png") {
    const png = PNG.sync.read(buf);
    return { width: png.width, height: png.height, data: new Uint8Array(png.data) };
  }
  if (kind === "jpeg") {
    const img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 256 });
    return { width: img.width, height: img.height, data: img.data };
  }
  if (kind === "bmp") return decodeBmp(buf);
  throw new Error("payload is not a PNG, JPEG or BMP image");
}

function decodeBmp(b: Buffer): RgbaImage {
  const offset = b.readUInt32LE(10);
  const width = b.readInt32LE(18);
  const rawHeight = b.readInt32LE(22);
  const bpp = b.readUInt16LE(28);
  const compression = b.readUInt32LE(30);
  if (compression !== 0 && compression !== 3) throw new Error(`compressed BMP (method ${compression}) is not supported`);
  if (![8, 24, 32].includes(bpp)) throw new Error(`${bpp}-bit BMP is not supported`);
  const height = Math.abs(rawHeight);
  if (width <= 0 || height === 0 || width * height > 64e6) throw new Error("BMP dimensions out of range");
  const rowBytes = Math.ceil((width * bpp) / 32) * 4;
  if (offset + rowBytes * height > b.length) throw new Error("BMP pixel data truncated");
  // 8-bit: palette after the header (BGRA entries); grayscale when absent
  const headerSize = b.readUInt32LE(14);
  const palette = 14 + headerSize;
  const out = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const src = offset + (rawHeight > 0 ? height - 1 - y : y) * rowBytes;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      if (bpp === 8) {
        const v = b[src + x];
        const p = palette + v * 4;
        if (p + 3 <= offset) {
          out[o] = b[p + 2];
          out[o + 1] = b[p + 1];
          out[o + 2] = b[p];
        } else out[o] = out[o + 1] = out[o + 2] = v;
      } else {
        const p = src + x * (bpp / 8);
        out[o] = b[p + 2];
        out[o + 1] = b[p + 1];
        out[o + 2] = b[p];
      }
      out[o + 3] = 255;
    }
  }
  return { width, height, data: out };
}

/** Resizes (bilinear) to width×height with 1 (luma) or 3 (RGB) channels, normalised. Row-major HWC. */
export function imageToValues(img: RgbaImage, width: number, height: number, channels: number, norm: Normalisation): Float32Array {
  if (channels !== 1 && channels !== 3) throw new Error(`image input needs 1 or 3 channels, the model has ${channels}`);
  const out = new Float32Array(width * height * channels);
  const sx = img.width / width;
  const sy = img.height / height;
  const px = (x: number, y: number, c: number) => img.data[(y * img.width + x) * 4 + c];
  for (let y = 0; y < height; y++) {
    const fy = Math.max(0, Math.min(img.height - 1, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(img.height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.max(0, Math.min(img.width - 1, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(img.width - 1, x0 + 1);
      const wx = fx - x0;
      const sample = (c: number) => (px(x0, y0, c) * (1 - wx) + px(x1, y0, c) * wx) * (1 - wy) + (px(x0, y1, c) * (1 - wx) + px(x1, y1, c) * wx) * wy;
      const rgb = [sample(0), sample(1), sample(2)];
      const values = channels === 1 ? [0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]] : rgb;
      values.forEach((v, c) => {
        out[(y * width + x) * channels + c] = norm === "0..1" ? v / 255 : norm === "-1..1" ? v / 127.5 - 1 : v;
      });
    }
  }
  return out;
}
