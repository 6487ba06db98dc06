/**
 * Gaussian pixel noise, the same on every JavaScript engine.
 *
 * z is drawn from a table of NOISE_TABLE_SIZE standard-normal quantiles
 * z_k = Φ⁻¹((k + ½) / N): an exact draw from a 4096-level discretisation of
 * N(0, 1), truncated at |z| ≤ NOISE_Z_MAX ≈ 3.67. The table is built once with
 * only + − × ÷ (erf by its Taylor series, Φ⁻¹ by bisection), which IEEE 754
 * rounds identically everywhere, unlike Math.log/cos. One uint32 of the
 * noise PRNG gives two draws (12 bits each from its two halves). Adding
 * σ·z to a pixel and storing into a Uint8ClampedArray rounds (half to even)
 * and clamps to 0–255.
 */
import { Rng, SALT } from './rng.js';
import type { NoiseSpec } from './scene.js';

export const NOISE_TABLE_SIZE = 4096;

/** erf(x) for |x| ≤ 4 by its Maclaurin series (error < 1e-9 there). */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x; // x^(2n+1) (-1)^n / n!
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term = (-term * x2) / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17) break;
  }
  return (2 / 1.7724538509055159) * sum; // 2/√π
}

function phi(x: number): number {
  return 0.5 + 0.5 * erfSeries(x * 0.7071067811865476); // x/√2
}

let table: Float32Array | null = null;

/** The quantile table (built on first use, ≈ 10 ms). */
export function noiseTable(): Float32Array {
  if (table !== null) return table;
  const t = new Float32Array(NOISE_TABLE_SIZE);
  for (let k = 0; k < NOISE_TABLE_SIZE / 2; k++) {
    const p = (k + 0.5) / NOISE_TABLE_SIZE;
    let lo = -5;
    let hi = 0;
    for (let it = 0; it < 60; it++) {
      const mid = (lo + hi) / 2;
      if (phi(mid) < p) lo = mid;
      else hi = mid;
    }
    const z = (lo + hi) / 2;
    t[k] = z;
    t[NOISE_TABLE_SIZE - 1 - k] = -z; // symmetric
  }
  table = t;
  return t;
}

/** Largest |z| the table holds: Φ⁻¹(1 − ½/4096) = 3.66833 (rounded up). */
export const NOISE_Z_MAX = 3.6684;

/**
 * Adds noise in place to RGBA pixels (alpha untouched). `perChannel` draws R,
 * G, B independently; otherwise one draw is added to all three.
 */
export function addNoise(rgba: Uint8ClampedArray, noise: NoiseSpec): void {
  if (!(noise.sigma > 0)) return;
  const t = noiseTable();
  const sigma = noise.sigma;
  const rng = new Rng(noise.seed, 0, SALT.noise);
  const n = rgba.length;
  if (noise.perChannel) {
    let bits = 0;
    let have = 0;
    for (let i = 0; i < n; i += 4) {
      for (let c = 0; c < 3; c++) {
        if (have === 0) {
          bits = rng.next();
          have = 2;
        }
        const k = have === 2 ? bits >>> 20 : (bits >>> 4) & 0xfff;
        have--;
        rgba[i + c] = rgba[i + c] + sigma * t[k];
      }
    }
  } else {
    for (let i = 0; i < n; i += 8) {
      const bits = rng.next();
      const d0 = sigma * t[bits >>> 20];
      rgba[i] = rgba[i] + d0;
      rgba[i + 1] = rgba[i + 1] + d0;
      rgba[i + 2] = rgba[i + 2] + d0;
      if (i + 4 < n) {
        const d1 = sigma * t[(bits >>> 4) & 0xfff];
        rgba[i + 4] = rgba[i + 4] + d1;
        rgba[i + 5] = rgba[i + 5] + d1;
        rgba[i + 6] = rgba[i + 6] + d1;
      }
    }
  }
}
