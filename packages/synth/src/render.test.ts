/**
 * The renderer against its graphs, in Node (napi-canvas) and in Chromium
 * (OffscreenCanvas): colours at object centres, background far from objects,
 * object extents to ±1 px, text ink inside the 2 px frame and in the font,
 * noise statistics, and byte-identical repeats.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { isMobileMMError, isNode } from '@mobile-mm/core';
import { testRenderer } from './__fixtures__/renderer.js';
import { inkBox } from './font-metrics.js';
import { NOISE_Z_MAX, noiseTable } from './noise.js';
import { checkFont, createRenderer, toRGB, type Ctx2D, type RenderedImage, type Renderer } from './render.js';
import { sampleSpec } from './sample.js';
import { INK_BLEED, INK_BLEED_V, type SceneGraph, type SceneObject, type TextLine } from './scene.js';

let renderer: Renderer;
beforeAll(async () => {
  renderer = await testRenderer();
});

const SCENES = 400;
const scenes = Array.from({ length: SCENES }, (_, k) => sampleSpec('train', 2 * k).scene as SceneGraph);
const lines = Array.from({ length: SCENES }, (_, k) => sampleSpec('train', 2 * k + 1).scene as TextLine);

function px(img: RenderedImage, x: number, y: number): [number, number, number] {
  const i = 4 * (y * img.width + x);
  return [img.data[i], img.data[i + 1], img.data[i + 2]];
}

const l1 = (a: readonly number[], b: readonly number[]) => Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2]);
const maxDiff = (a: readonly number[], b: readonly number[]) => Math.max(...a.map((v, c) => Math.abs(v - b[c])));
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}
/** Largest per-channel deviation noise of σ can cause (table max |z|, plus rounding). */
const noiseBound = (sigma: number) => sigma * NOISE_Z_MAX + 0.5;

function farFromObjects(g: SceneGraph, x: number, y: number, margin: number): boolean {
  return g.objects.every((o) => {
    const h = o.extent / 2 + margin;
    return x + 1 <= o.cx - h || x >= o.cx + h || y + 1 <= o.cy - h || y >= o.cy + h;
  });
}

/** Extent of pixels that show some of `o` (≥ 10% of the way from background to its colour), per axis. */
function measuredExtent(img: RenderedImage, g: SceneGraph, o: SceneObject): [number, number] {
  const full = l1(o.rgb, g.background);
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  const h = o.extent / 2 + 1; // neighbours keep ≥ MIN_GAP = 2 px away
  for (let y = Math.max(0, Math.floor(o.cy - h)); y < Math.min(img.height, Math.ceil(o.cy + h)); y++) {
    for (let x = Math.max(0, Math.floor(o.cx - h)); x < Math.min(img.width, Math.ceil(o.cx + h)); x++) {
      if (l1(px(img, x, y), g.background) > 0.1 * full) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  return [x1 - x0 + 1, y1 - y0 + 1];
}

/** Span of [c − s/2, c + s/2] clipped to [0, size]. */
const visible = (c: number, s: number, size: number) => Math.min(size, c + s / 2) - Math.max(0, c - s / 2);

describe('scene rendering', () => {
  it('uses napi-canvas in Node and OffscreenCanvas in the browser', () => {
    expect(renderer.backend).toBe(isNode() ? 'napi-canvas' : 'offscreen-canvas');
  });

  it('noise-free: exact colour at each centre and on the far background', () => {
    for (const g of scenes) {
      const img = renderer.render(g, { noise: false });
      expect(img.data.length).toBe(64 * 64 * 4);
      for (const o of g.objects) expect(px(img, Math.floor(o.cx), Math.floor(o.cy))).toEqual(o.rgb);
      let checked = 0;
      const bad: string[] = [];
      for (let y = 0; y < 64; y++) {
        for (let x = 0; x < 64; x++) {
          if (!farFromObjects(g, x, y, 1)) continue;
          checked++;
          if (maxDiff(px(img, x, y), g.background) !== 0) bad.push(`(${x}, ${y})`);
        }
      }
      expect(bad, 'background pixels off').toEqual([]);
      expect(checked).toBeGreaterThan(64 * 64 * 0.4);
    }
  });

  it('noise-free: object extents match the size class within ±1 px', () => {
    const shapes = new Set<string>();
    for (const g of scenes) {
      const img = renderer.render(g, { noise: false });
      for (const o of g.objects) {
        const [w, h] = measuredExtent(img, g, o);
        const wantW = visible(o.cx, o.extent, 64);
        const wantH = visible(o.cy, o.extent, 64);
        const what = `${o.shape} ${o.extent}px at (${o.cx.toFixed(2)}, ${o.cy.toFixed(2)})`;
        expect(Math.abs(w - wantW), `${what}: width ${w}`).toBeLessThanOrEqual(1 + 1e-9);
        expect(Math.abs(h - wantH), `${what}: height ${h}`).toBeLessThanOrEqual(1 + 1e-9);
        shapes.add(o.shape);
      }
    }
    expect(shapes.size).toBe(3);
  });

  it('each shape covers its share of its box: square 1, circle π/4, triangle ½', () => {
    for (const g of scenes.slice(0, 100)) {
      const img = renderer.render(g, { noise: false });
      for (const o of g.objects) {
        const h = o.extent / 2;
        if (o.cx - h < 2 || o.cy - h < 2 || o.cx + h > 62 || o.cy + h > 62) continue;
        let cover = 0;
        const full = l1(o.rgb, g.background);
        for (let y = Math.floor(o.cy - h - 1); y <= Math.ceil(o.cy + h); y++) {
          for (let x = Math.floor(o.cx - h - 1); x <= Math.ceil(o.cx + h); x++) {
            cover += Math.min(1, l1(px(img, x, y), g.background) / full);
          }
        }
        const ratio = cover / (o.extent * o.extent);
        const want = o.shape === 'square' ? 1 : o.shape === 'circle' ? Math.PI / 4 : 0.5;
        expect(Math.abs(ratio - want), `${o.shape} fill ${ratio.toFixed(3)}`).toBeLessThan(0.07);
      }
    }
  });

  it('with noise: centres and background stay within the noise bound', () => {
    let noisy = 0;
    for (const g of scenes) {
      const img = renderer.render(g);
      const bound = noiseBound(g.noise.sigma);
      if (g.noise.sigma > 0) noisy++;
      for (const o of g.objects) {
        expect(maxDiff(px(img, Math.floor(o.cx), Math.floor(o.cy)), o.rgb)).toBeLessThanOrEqual(bound);
      }
      let worst = 0;
      for (let y = 0; y < 64; y++) {
        for (let x = 0; x < 64; x++) {
          if (farFromObjects(g, x, y, 1)) worst = Math.max(worst, maxDiff(px(img, x, y), g.background));
        }
      }
      expect(worst).toBeLessThanOrEqual(bound);
    }
    expect(noisy).toBeGreaterThan(SCENES / 2);
  });

  it('noise has the drawn σ, zero mean, and is shared or per channel as asked', () => {
    const base: SceneGraph = {
      kind: 'scene',
      width: 64,
      height: 64,
      background: [128, 128, 128],
      objects: [],
      noise: { sigma: 8, perChannel: true, seed: 12345 },
    };
    for (const perChannel of [true, false]) {
      const img = renderer.render({ ...base, noise: { ...base.noise, perChannel } });
      let sum = 0;
      let sq = 0;
      let differ = 0;
      for (let i = 0; i < 64 * 64; i++) {
        const d = img.data[4 * i] - 128;
        sum += d;
        sq += d * d;
        if (img.data[4 * i] !== img.data[4 * i + 1]) differ++;
        if (img.data[4 * i + 3] !== 255) throw new Error(`alpha ${img.data[4 * i + 3]} at ${i}`);
      }
      const n = 64 * 64;
      const mean = sum / n;
      const std = Math.sqrt(sq / n - mean * mean);
      expect(Math.abs(mean)).toBeLessThan(0.6); // 4.5 · 8/√4096
      expect(Math.abs(std - Math.sqrt(64 + 1 / 12))).toBeLessThan(0.5);
      if (perChannel) expect(differ).toBeGreaterThan(n * 0.9);
      else expect(differ).toBe(0);
    }
  });

  it('the noise table is a standard normal quantile table', () => {
    const t = noiseTable();
    let m = 0;
    let v = 0;
    for (const z of t) m += z / t.length;
    for (const z of t) v += (z - m) ** 2 / t.length;
    expect(Math.abs(m)).toBeLessThan(1e-6);
    expect(Math.abs(v - 1)).toBeLessThan(0.01);
    // Reference quantiles from Python's statistics.NormalDist().inv_cdf.
    expect(t[0]).toBeCloseTo(-3.668329285121323, 6); // Φ⁻¹(0.5/4096)
    expect(t[2048]).toBeCloseTo(0.0003059849015802712, 9); // Φ⁻¹(2048.5/4096)
    expect(Math.max(...t)).toBeLessThanOrEqual(NOISE_Z_MAX);
  });

  it('is deterministic: the same graph gives identical bytes', () => {
    for (const g of [...scenes.slice(0, 20), ...lines.slice(0, 20)]) {
      expect(firstDifference(renderer.render(g).data, renderer.render(g).data)).toBe(-1);
    }
  });

  it('toRGB packs H×W×3', () => {
    const img = renderer.render(scenes[0]);
    const rgb = toRGB(img);
    expect(rgb.length).toBe(64 * 64 * 3);
    expect([rgb[3 * 70], rgb[3 * 70 + 1], rgb[3 * 70 + 2]]).toEqual(px(img, 70 % 64, 1));
  });
});

/** Ink bounds of a noise-free text line: columns and rows whose pixels differ from the background. */
function inkBounds(img: RenderedImage, background: number): { x0: number; x1: number; y0: number; y1: number } {
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const v = img.data[4 * (y * img.width + x)];
      if (v !== background) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  return { x0, x1, y0, y1 };
}

describe('text rendering', () => {
  it('ink lies only inside [2, W−2]×[2, H−2], where the font metrics put it', () => {
    for (const l of lines) {
      const img = renderer.render(l, { noise: false });
      expect(img.data.length).toBe(128 * 32 * 4);
      const b = inkBounds(img, l.background);
      expect(b.x0, l.text).toBeGreaterThanOrEqual(2);
      expect(b.y0, l.text).toBeGreaterThanOrEqual(2);
      expect(b.x1 + 1, l.text).toBeLessThanOrEqual(126);
      expect(b.y1 + 1, l.text).toBeLessThanOrEqual(30);
      const box = inkBox(l.text, l.fontPx);
      // Ink sits on the outline box, give or take the bleed (scene.ts).
      expect(b.x0, `${l.text} margin`).toBeGreaterThanOrEqual(l.margin);
      expect(Math.abs(b.x0 - (l.x + box.left)), `${l.text} left`).toBeLessThanOrEqual(INK_BLEED);
      expect(Math.abs(b.x1 + 1 - (l.x + box.right)), `${l.text} right`).toBeLessThanOrEqual(INK_BLEED + 0.25);
      expect(Math.abs(b.y0 - (l.baseline + box.top)), `${l.text} top`).toBeLessThanOrEqual(INK_BLEED_V);
      expect(Math.abs(b.y1 + 1 - (l.baseline + box.bottom)), `${l.text} bottom`).toBeLessThanOrEqual(INK_BLEED_V);
    }
  });

  it('is drawn in DejaVu Sans: ink width grows with the string as the font advances say', () => {
    const base = lines[0];
    let last = 0;
    for (const text of ['W', 'WM', 'WMW', 'WMWMW', 'WMWMWMW']) {
      const box = inkBox(text, 16);
      const l: TextLine = { ...base, text, fontPx: 16, x: 4 - box.left, baseline: 22 };
      const b = inkBounds(renderer.render(l, { noise: false }), l.background);
      const width = b.x1 + 1 - b.x0;
      expect(width).toBeGreaterThan(last);
      expect(Math.abs(width - (box.right - box.left)), text).toBeLessThanOrEqual(1.5);
      last = width;
    }
  });

  it('text ink has the ink grey at stroke centres (a wide I stroke)', () => {
    const base = lines[0];
    const l: TextLine = { ...base, text: 'I', fontPx: 20, x: 10, baseline: 24, ink: 30, background: 220 };
    const img = renderer.render(l, { noise: false });
    // DejaVu Sans I: stem from x 201/2048 to 403/2048 em: 1.97 px wide at 20 px.
    let darkest = 255;
    for (let y = 10; y < 22; y++) for (let x = 11; x < 15; x++) darkest = Math.min(darkest, img.data[4 * (y * 128 + x)]);
    expect(darkest).toBeLessThanOrEqual(31);
  });

  it('noisy text lines are grey (noise shared across channels)', () => {
    const img = renderer.render(lines[1]);
    let colored = 0;
    let varied = 0;
    for (let i = 0; i < 128 * 32; i++) {
      if (img.data[4 * i] !== img.data[4 * i + 1] || img.data[4 * i] !== img.data[4 * i + 2]) colored++;
      if (img.data[4 * i] !== lines[1].background) varied++;
    }
    expect(colored).toBe(0);
    expect(varied).toBeGreaterThan(128 * 32 * 0.5);
  });

  it('createRenderer fails with FONT_UNAVAILABLE for a missing font file', async () => {
    const font = isNode() ? '/nonexistent/DejaVuSans.ttf' : new URL('/nonexistent/DejaVuSans.ttf', location.href).href;
    await expect(createRenderer({ font })).rejects.toSatisfy((e) => isMobileMMError(e, 'FONT_UNAVAILABLE'));
  });

  it('checkFont rejects a canvas that falls back to another face', () => {
    const fake = {
      font: '',
      fontKerning: '',
      measureText: (s: string) => ({ width: s.length * 11 }),
    } as unknown as Ctx2D;
    try {
      checkFont(fake);
      expect.unreachable();
    } catch (e) {
      expect(isMobileMMError(e, 'FONT_UNAVAILABLE')).toBe(true);
    }
  });
});
