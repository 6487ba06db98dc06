/**
 * The scanline rasteriser against naive point tests: every sample of a random
 * box, triangle and circle polygon is set exactly when a brute-force
 * point-in-polygon test (crossing number, float64) says it is inside; the
 * anti-aliasing modes reduce those samples as documented; morph() equals a
 * brute-force Chebyshev-distance dilation / erosion.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { SAMPLES, SampleMask, circlePolygon, flattenPath, type Polygon } from './raster.js';

/** Crossing-number point-in-polygon (simple polygons: same as non-zero winding). */
function inside(poly: Polygon, x: number, y: number): boolean {
  let c = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
}

function naiveMask(poly: Polygon, w: number, h: number): Uint8Array {
  const s = SAMPLES;
  const bits = new Uint8Array(w * s * h * s);
  for (let r = 0; r < h * s; r++) for (let k = 0; k < w * s; k++) bits[r * w * s + k] = inside(poly, (k + 0.5) / s, (r + 0.5) / s) ? 1 : 0;
  return bits;
}

const [W, H] = [24, 20];

describe('SampleMask.fill', () => {
  const rng = new Rng(7, 11, 13);
  const u = (lo: number, hi: number) => lo + (hi - lo) * rng.float();
  const cases: Array<[string, () => Polygon]> = [
    ['box', () => {
      const [x0, y0] = [u(1, 8), u(1, 8)];
      const [x1, y1] = [x0 + u(3, 12), y0 + u(3, 10)];
      return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
    }],
    ['triangle', () => {
      const [cx, cy, h] = [u(8, 16), u(8, 12), u(3, 7)];
      return [[cx, cy - h], [cx + h, cy + h], [cx - h, cy + h]];
    }],
    ['circle', () => circlePolygon(u(8, 16), u(8, 12), u(2, 7))],
  ];
  for (const [name, make] of cases) {
    it(`${name}: every sample matches a float64 point-in-polygon test (10 random polygons)`, () => {
      for (let t = 0; t < 10; t++) {
        const poly = make();
        const mask = new SampleMask(W, H).fill([poly]);
        expect(Array.from(mask.bits)).toEqual(Array.from(naiveMask(poly, W, H)));
      }
    });
  }

  it('two polygons sharing an edge never both cover a sample, and together cover their union', () => {
    const a: Polygon = [[2.3, 3.1], [10.7, 3.1], [10.7, 15.2], [2.3, 15.2]];
    const b: Polygon = [[10.7, 3.1], [19.4, 3.1], [19.4, 15.2], [10.7, 15.2]];
    const ma = new SampleMask(W, H).fill([a]);
    const mb = new SampleMask(W, H).fill([b]);
    const both = new SampleMask(W, H).fill([[[2.3, 3.1], [19.4, 3.1], [19.4, 15.2], [2.3, 15.2]]]);
    for (let i = 0; i < ma.bits.length; i++) {
      expect(ma.bits[i] & mb.bits[i]).toBe(0);
      expect(ma.bits[i] | mb.bits[i]).toBe(both.bits[i]);
    }
  });

  it('a hole (inner contour the other way round) stays empty under non-zero winding', () => {
    const outer: Polygon = [[2, 2], [20, 2], [20, 18], [2, 18]];
    const hole: Polygon = [[6, 6], [6, 14], [16, 14], [16, 6]];
    const cover = new SampleMask(W, H).fill([outer, hole]).coverage('on');
    expect(cover[10 * W + 10]).toBe(0);
    expect(cover[3 * W + 3]).toBe(1);
  });
});

describe('coverage modes', () => {
  const poly = circlePolygon(11.37, 9.81, 6.23);
  const mask = new SampleMask(W, H).fill([poly]);
  const s = SAMPLES;
  const mid = s >> 1;
  const at = (x: number, y: number, i: number, j: number) => (inside(poly, x + (i + 0.5) / s, y + (j + 0.5) / s) ? 1 : 0);

  it("'on' is the mean of the 8×8 samples; its sum is the circle's area to within a sample row per boundary pixel", () => {
    const c = mask.coverage('on');
    let sum = 0;
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        let n = 0;
        for (let j = 0; j < s; j++) for (let i = 0; i < s; i++) n += at(x, y, i, j);
        expect(c[y * W + x]).toBeCloseTo(n / (s * s), 6);
        sum += c[y * W + x];
      }
    expect(Math.abs(sum - Math.PI * 6.23 ** 2)).toBeLessThan((2 * Math.PI * 6.23) / s);
  });

  it("'off' is the single middle sample, 'x' the middle row's mean, 'y' the middle column's", () => {
    const [off, xs, ys] = [mask.coverage('off'), mask.coverage('x'), mask.coverage('y')];
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        expect(off[y * W + x]).toBe(at(x, y, mid, mid));
        let rx = 0;
        let ry = 0;
        for (let k = 0; k < s; k++) {
          rx += at(x, y, k, mid);
          ry += at(x, y, mid, k);
        }
        expect(xs[y * W + x]).toBeCloseTo(rx / s, 6);
        expect(ys[y * W + x]).toBeCloseTo(ry / s, 6);
      }
  });
});

it('morph(±r) equals a brute-force Chebyshev-distance dilation / erosion (edges count as empty)', () => {
  const base = new SampleMask(6, 5).fill([circlePolygon(3.1, 2.4, 1.9), [[0.2, 0.3], [2.2, 0.3], [1.2, 2.6]]]);
  for (const r of [1, 2, -1, -2]) {
    const m = new SampleMask(6, 5);
    m.bits.set(base.bits);
    m.morph(r);
    const { cols, rows } = m;
    const k = Math.abs(r);
    for (let y = 0; y < rows; y++)
      for (let x = 0; x < cols; x++) {
        let any = false;
        let all = true;
        for (let dy = -k; dy <= k; dy++)
          for (let dx = -k; dx <= k; dx++) {
            const [u, v] = [x + dx, y + dy];
            const bit = u >= 0 && v >= 0 && u < cols && v < rows ? base.bits[v * cols + u] : 0;
            any ||= bit === 1;
            all &&= bit === 1;
          }
        expect(m.bits[y * cols + x], `r=${r} at ${x},${y}`).toBe(r > 0 ? (any ? 1 : 0) : all ? 1 : 0);
      }
  }
});

it('flattenPath: curve points lie on the Bézier curves, one polygon per contour', () => {
  const polys = flattenPath(
    [
      { type: 'M', x: 0, y: 0 },
      { type: 'Q', x1: 4, y1: 8, x: 8, y: 0 },
      { type: 'C', x1: 8, y1: -4, x2: 0, y2: -4, x: 0, y: 0 },
      { type: 'Z' },
      { type: 'M', x: 10, y: 10 },
      { type: 'L', x: 12, y: 10 },
      { type: 'L', x: 12, y: 12 },
      { type: 'Z' },
    ],
    4,
  );
  expect(polys.length).toBe(2);
  expect(polys[0][2]).toEqual([4, 4]); // quadratic at t = 1/2: (0 + 2·4 + 8)/4, (0 + 2·8 + 0)/4
  expect(polys[0][6][0]).toBeCloseTo(4, 12); // cubic from (8, 0) at t = 1/2: x = (8 + 3·8 + 3·0 + 0)/8
  expect(polys[0][6][1]).toBeCloseTo(-3, 12); // y = (0 − 3·4 − 3·4 + 0)/8
  expect(polys[1]).toEqual([[10, 10], [12, 10], [12, 12]]);
});
