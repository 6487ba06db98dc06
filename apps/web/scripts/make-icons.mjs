// Writes public/icons/icon-192.png and icon-512.png: a red circle, a blue square and a yellow
// triangle (a SynthScenes scene) on the app's background, drawn pixel by pixel with pngjs.
// Run once: node scripts/make-icons.mjs (the files are committed).
import { mkdirSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';

function icon(size) {
  const png = new PNG({ width: size, height: size });
  const put = (x, y, [r, g, b]) => {
    const i = (y * size + x) * 4;
    png.data[i] = r; png.data[i + 1] = g; png.data[i + 2] = b; png.data[i + 3] = 255;
  };
  const s = size / 64; // drawn on a 64×64 grid like the model's scenes
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const u = x / s, v = y / s;
      let c = [16, 20, 24];
      if ((u - 20) ** 2 + (v - 22) ** 2 < 11 ** 2) c = [230, 60, 50]; // circle
      if (u > 34 && u < 54 && v > 12 && v < 32) c = [60, 120, 230]; // square
      if (v > 36 && v < 54 && Math.abs(u - 32) < (v - 36) * 0.65) c = [240, 200, 40]; // triangle
      put(x, y, c);
    }
  }
  return PNG.sync.write(png);
}

mkdirSync(new URL('../public/icons/', import.meta.url), { recursive: true });
for (const n of [192, 512]) writeFileSync(new URL(`../public/icons/icon-${n}.png`, import.meta.url), icon(n));
