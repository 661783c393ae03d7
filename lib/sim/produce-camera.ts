/**
 * A shelf camera looking down into a crate of produce: a small PNG whose fruit colour and blemishes follow the
 * produce's quality, so an image model can be trained and run without a real camera.
 */
import { PNG } from "pngjs";
import { SeededRandom } from "./random";

export const PRODUCE_QUALITIES = ["fresh", "ripe", "spoiled"] as const;
export type ProduceQuality = (typeof PRODUCE_QUALITIES)[number];

/** hue/saturation/lightness of the fruit skin per quality (bananas: green → yellow → brown) */
const SKIN: Record<ProduceQuality, { h: [number, number]; s: [number, number]; l: [number, number]; spots: [number, number] }> = {
  fresh: { h: [85, 110], s: [0.5, 0.8], l: [0.35, 0.5], spots: [0, 1] },
  ripe: { h: [45, 60], s: [0.7, 0.95], l: [0.5, 0.62], spots: [0, 4] },
  spoiled: { h: [25, 40], s: [0.35, 0.6], l: [0.2, 0.35], spots: [6, 14] },
};

function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const x = c * (1 - Math.abs(((h / 60) % 2) - 1));
  const m = l - c / 2;
  const [r, g, b] = h < 60 ? [c, x, 0] : h < 120 ? [x, c, 0] : h < 180 ? [0, c, x] : h < 240 ? [0, x, c] : h < 300 ? [x, 0, c] : [c, 0, x];
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}

export function produceImage(rnd: SeededRandom, quality: ProduceQuality, size = 32): Buffer {
  const png = new PNG({ width: size, height: size });
  const light = rnd.between(0.8, 1.15);
  const put = (x: number, y: number, [r, g, b]: [number, number, number]) => {
    if (x < 0 || y < 0 || x >= size || y >= size) return;
    const i = (y * size + x) * 4;
    png.data[i] = Math.min(255, r * light);
    png.data[i + 1] = Math.min(255, g * light);
    png.data[i + 2] = Math.min(255, b * light);
    png.data[i + 3] = 255;
  };
  // the crate
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) put(x, y, hslToRgb(30, 0.25, 0.3 + rnd.gaussian(0, 0.02)));
  // the fruit: overlapping ellipses of skin colour
  const skin = SKIN[quality];
  const fruits = rnd.int(4, 8);
  for (let f = 0; f < fruits; f++) {
    const cx = rnd.between(4, size - 4);
    const cy = rnd.between(4, size - 4);
    const rx = rnd.between(size / 8, size / 4.5);
    const ry = rx * rnd.between(0.4, 0.7);
    const angle = rnd.between(0, Math.PI);
    const colour = hslToRgb(rnd.between(...skin.h), rnd.between(...skin.s), rnd.between(...skin.l));
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const dx = (x - cx) * Math.cos(angle) + (y - cy) * Math.sin(angle);
        const dy = -(x - cx) * Math.sin(angle) + (y - cy) * Math.cos(angle);
        if ((dx / rx) ** 2 + (dy / ry) ** 2 <= 1) {
          const shade = 1 - 0.25 * Math.min(1, (dx / rx) ** 2 + (dy / ry) ** 2);
          put(x, y, [colour[0] * shade, colour[1] * shade, colour[2] * shade]);
        }
      }
    }
    // blemishes
    const spots = rnd.int(...skin.spots);
    for (let k = 0; k < spots; k++) {
      const sx = Math.round(cx + rnd.gaussian(0, rx / 2));
      const sy = Math.round(cy + rnd.gaussian(0, ry / 2));
      const dark = hslToRgb(25, 0.5, rnd.between(0.08, 0.18));
      put(sx, sy, dark);
      if (rnd.chance(0.5)) put(sx + 1, sy, dark);
    }
  }
  return PNG.sync.write(png);
}
