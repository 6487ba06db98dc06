/**
 * Each augmentation against a direct float64 reference on random images:
 * blur = 2-D Gaussian sum with clamped edges (±1 grey level: rounding),
 * shift by whole pixels = a pixel copy, area resampling = block means,
 * tone = the formula, stroke t = ±1 = a 3×3 min/max; identities at zero
 * strength; JPEG keeps a smooth image within 30 dB PSNR; augment() is
 * deterministic per seed and p = 0 is the identity.
 */
import { describe, expect, it } from 'vitest';
import { AUGMENTATIONS, aliasing, augment, blur, gaussianKernel, jpegRoundTrip, noise, resample, resizePlane, shift, stroke, tone } from './augment.js';
import type { RenderedImage } from './render.js';
import { Rng } from './rng.js';

function randomImage(w: number, h: number, seed: number): RenderedImage {
  const r = new Rng(seed, 3, 5);
  const data = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    for (let c = 0; c < 3; c++) data[4 * i + c] = r.int(0, 255);
    data[4 * i + 3] = 255;
  }
  return { data, width: w, height: h };
}

const get = (img: RenderedImage, x: number, y: number, c: number) =>
  img.data[4 * (Math.min(img.height - 1, Math.max(0, y)) * img.width + Math.min(img.width - 1, Math.max(0, x))) + c];

function expectWithin(a: RenderedImage, b: ArrayLike<number>, tol: number): void {
  for (let i = 0; i < a.width * a.height; i++) for (let c = 0; c < 3; c++) expect(Math.abs(a.data[4 * i + c] - b[4 * i + c]), `at ${i}/${c}`).toBeLessThanOrEqual(tol);
}

const [W, H] = [17, 13];

describe('augmentations against references', () => {
  it('blur equals the direct 2-D Gaussian sum with clamped edges (±1 level)', () => {
    const img = randomImage(W, H, 1);
    const sigma = 0.8;
    const k = gaussianKernel(sigma);
    const r = (k.length - 1) / 2;
    const want = new Float64Array(img.data.length);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++)
        for (let c = 0; c < 3; c++) {
          let s = 0;
          for (let j = -r; j <= r; j++) for (let i = -r; i <= r; i++) s += k[i + r] * k[j + r] * get(img, x + i, y + j, c);
          want[4 * (y * W + x) + c] = s;
        }
    expectWithin(blur(img, sigma), want, 1);
    expect(Array.from(gaussianKernel(0.5)).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('shift by whole pixels copies pixels (edges clamped); by 0 it is the identity', () => {
    const img = randomImage(W, H, 2);
    const out = shift(img, 1, -2);
    const want = new Float64Array(img.data.length);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < 3; c++) want[4 * (y * W + x) + c] = get(img, x - 1, y + 2, c);
    expectWithin(out, want, 0);
    expectWithin(shift(img, 0, 0), img.data, 0);
  });

  it('area downscaling by 2 gives 2×2 block means; nearest upscaling by 2 repeats pixels; bilinear keeps a constant', () => {
    const p = Float32Array.from({ length: 8 * 6 }, (_, i) => (i * 37) % 251);
    const down = resizePlane(p, 8, 6, 4, 3, 'area');
    for (let y = 0; y < 3; y++)
      for (let x = 0; x < 4; x++) {
        const m = (p[2 * y * 8 + 2 * x] + p[2 * y * 8 + 2 * x + 1] + p[(2 * y + 1) * 8 + 2 * x] + p[(2 * y + 1) * 8 + 2 * x + 1]) / 4;
        expect(down[y * 4 + x]).toBeCloseTo(m, 4);
      }
    const up = resizePlane(down, 4, 3, 8, 6, 'nearest');
    for (let y = 0; y < 6; y++) for (let x = 0; x < 8; x++) expect(up[y * 8 + x]).toBe(down[(y >> 1) * 4 + (x >> 1)]);
    const flat = resizePlane(new Float32Array(35).fill(42), 7, 5, 4, 3, 'bilinear');
    expect(Array.from(flat).every((v) => Math.abs(v - 42) < 1e-4)).toBe(true);
    const img = randomImage(W, H, 3);
    const r = resample(img, 0.7, 'area', 'bilinear');
    expect([r.width, r.height]).toEqual([W, H]);
  });

  it('tone applies 127.5 + c·(255·(v/255)^γ − 127.5); γ = c = 1 is the identity', () => {
    const img = randomImage(W, H, 4);
    const want = Array.from(img.data, (v, i) => (i % 4 === 3 ? 255 : Math.min(255, Math.max(0, 127.5 + 1.2 * (255 * Math.pow(v / 255, 0.7) - 127.5)))));
    expectWithin(tone(img, 0.7, 1.2), want, 0.5);
    expectWithin(tone(img, 1, 1), img.data, 0);
  });

  it('stroke t = 1 is the 3×3 min (bolder dark ink), t = −1 the 3×3 max, t = 0 the identity', () => {
    const img = randomImage(W, H, 5);
    for (const t of [1, -1]) {
      const want = new Float64Array(img.data.length);
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++)
          for (let c = 0; c < 3; c++) {
            const vs = [-1, 0, 1].flatMap((dy) => [-1, 0, 1].map((dx) => get(img, x + dx, y + dy, c)));
            want[4 * (y * W + x) + c] = t > 0 ? Math.min(...vs) : Math.max(...vs);
          }
      expectWithin(stroke(img, t), want, 0);
    }
    expectWithin(stroke(img, 0), img.data, 0);
  });

  it('aliasing snaps an edge pixel to the nearer extreme of its neighbourhood and leaves flat areas alone', () => {
    const w = 8;
    const data = new Uint8ClampedArray(w * 4 * 4).fill(255);
    for (let y = 0; y < 4; y++) for (let x = 0; x < 3; x++) for (let c = 0; c < 3; c++) data[4 * (y * w + x) + c] = 20;
    for (let y = 0; y < 4; y++) for (let c = 0; c < 3; c++) data[4 * (y * w + 3) + c] = 100; // an anti-aliased column, nearer the ink
    const out = aliasing({ data, width: w, height: 4 });
    for (let y = 0; y < 4; y++) {
      expect(out.data[4 * (y * w + 3)]).toBe(20);
      expect(out.data[4 * (y * w + 7)]).toBe(255);
    }
  });

  it('noise has the asked σ (±10 %) around the image', () => {
    const flat: RenderedImage = { data: new Uint8ClampedArray(64 * 64 * 4).fill(128), width: 64, height: 64 };
    const out = noise(flat, 6, true, new Rng(9, 9, 9));
    let s2 = 0;
    for (let i = 0; i < 64 * 64; i++) s2 += (out.data[4 * i] - 128) ** 2;
    expect(Math.sqrt(s2 / (64 * 64))).toBeGreaterThan(5.4);
    expect(Math.sqrt(s2 / (64 * 64))).toBeLessThan(6.6);
  });

  it('a JPEG round trip keeps the size and a smooth image within 30 dB PSNR at quality 90', () => {
    const w = 32;
    const data = new Uint8ClampedArray(w * w * 4);
    for (let y = 0; y < w; y++) for (let x = 0; x < w; x++) data.set([8 * x, 8 * y, 128, 255], 4 * (y * w + x));
    const out = jpegRoundTrip({ data, width: w, height: w }, 90);
    expect([out.width, out.height, out.data.length]).toEqual([w, w, data.length]);
    let se = 0;
    for (let i = 0; i < w * w; i++) for (let c = 0; c < 3; c++) se += (out.data[4 * i + c] - data[4 * i + c]) ** 2;
    expect(10 * Math.log10((255 * 255) / (se / (3 * w * w)))).toBeGreaterThan(30);
  });
});

describe('augment()', () => {
  it('is fixed by the seed, p = 0 is the identity, p = 1 applies every op, and alpha stays 255', () => {
    const img = randomImage(W, H, 6);
    const a = augment(img, new Rng(1, 2, 3), { p: 0.5 });
    const b = augment(img, new Rng(1, 2, 3), { p: 0.5 });
    expect(b.applied).toEqual(a.applied);
    expect(b.image.data).toEqual(a.image.data);
    const none = augment(img, new Rng(1, 2, 3), { p: 0 });
    expect(none.applied).toEqual([]);
    expect(none.image.data).toEqual(img.data);
    const all = augment(img, new Rng(4, 5, 6), { p: 1 });
    expect(all.applied).toEqual([...AUGMENTATIONS]);
    for (let i = 3; i < all.image.data.length; i += 4) expect(all.image.data[i]).toBe(255);
    const some = augment(img, new Rng(4, 5, 6), { p: 1, ops: ['blur', 'jpeg'] });
    expect(some.applied).toEqual(['blur', 'jpeg']);
  });
});
