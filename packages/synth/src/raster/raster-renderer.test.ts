/**
 * The second renderer against the spec and the first renderer: same graphs,
 * so the same answers; object colours at their centres and background away
 * from them; the text's ink inside DejaVu Sans's own ink box (font-metrics.ts)
 * give or take the stroke change and a pixel; byte-identical repeats; and
 * pixels that really differ from the canvas renderer's. Runs in Node and in
 * Chromium (the font bytes fetched from node_modules there).
 */
import { beforeAll, expect, it } from 'vitest';
import { isNode } from '@mobile-mm/core';
import { FONT_URL, testRenderer } from '../__fixtures__/renderer.js';
import { inkBox } from '../font-metrics.js';
import type { RenderedImage } from '../render.js';
import { sampleSpec } from '../sample.js';
import type { SceneGraph, TextLine } from '../scene.js';
import { createRasterRenderer, rasterStyle, type RasterRenderer } from './raster-renderer.js';

let raster: RasterRenderer;
beforeAll(async () => {
  raster = isNode() ? await createRasterRenderer() : await createRasterRenderer({ font: await (await fetch(FONT_URL)).arrayBuffer() });
});

const px = (img: RenderedImage, x: number, y: number) => [0, 1, 2].map((c) => img.data[4 * (y * img.width + x) + c]);
const l1 = (a: number[], b: readonly number[]) => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0);

it('scenes: each object colour at its centre, the background far from every object, no noise when asked', () => {
  for (let k = 0; k < 60; k++) {
    const g = sampleSpec('heldout', 2 * k).scene as SceneGraph;
    const img = raster.render(g, { noise: false });
    for (const o of g.objects) expect(l1(px(img, Math.round(o.cx), Math.round(o.cy)), o.rgb)).toBeLessThanOrEqual(3);
    for (const [x, y] of [[0, 0], [63, 0], [0, 63], [63, 63], [32, 0], [0, 32]]) {
      const far = g.objects.every((o) => Math.hypot(o.cx - x, o.cy - y) > o.extent / 2 + 2);
      if (far) expect(l1(px(img, x, y), g.background)).toBeLessThanOrEqual(3);
    }
  }
});

it("text: ink only inside the font's ink box (± stroke and 1 px), and at least 4 inked pixels per character", () => {
  for (let k = 0; k < 60; k++) {
    const g = sampleSpec('heldout', 2 * k + 1).scene as TextLine;
    const img = raster.render(g, { noise: false });
    const box = inkBox(g.text, g.fontPx);
    const slack = 1.5;
    const mid = (g.background + g.ink) / 2;
    let inked = 0;
    for (let y = 0; y < g.height; y++)
      for (let x = 0; x < g.width; x++) {
        if (px(img, x, y)[0] >= mid) continue;
        inked++;
        expect(x + 0.5).toBeGreaterThan(g.x + box.left - slack);
        expect(x + 0.5).toBeLessThan(g.x + box.right + slack);
        expect(y + 0.5).toBeGreaterThan(g.baseline + box.top - slack);
        expect(y + 0.5).toBeLessThan(g.baseline + box.bottom + slack);
      }
    expect(inked).toBeGreaterThan(g.text.replaceAll(' ', '').length * 4);
  }
});

it('the same graph gives the same bytes; styles cover every anti-aliasing mode and the stated ranges', async () => {
  const g = sampleSpec('heldout', 5).scene;
  expect(raster.render(g).data).toEqual(raster.render(g).data);
  const styles = Array.from({ length: 400 }, (_, i) => rasterStyle(sampleSpec('heldout', i).scene));
  expect(new Set(styles.map((s) => s.aa))).toEqual(new Set(['on', 'off', 'x', 'y']));
  for (const s of styles) {
    expect(s.gamma).toBeGreaterThanOrEqual(0.7);
    expect(s.gamma).toBeLessThanOrEqual(1.43);
    expect(s.stroke).toBeGreaterThanOrEqual(0.8);
    expect(s.stroke).toBeLessThanOrEqual(1.2);
    expect(Math.abs(s.dx)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(s.dy)).toBeLessThanOrEqual(0.5);
  }
});

it('draws other pixels than the canvas renderer for the same graphs (mean |Δ| > 0 near edges), same sizes', async () => {
  const canvas = await testRenderer();
  let differ = 0;
  for (let i = 0; i < 20; i++) {
    const g = sampleSpec('heldout', i).scene;
    const a = raster.render(g, { noise: false });
    const b = canvas.render(g, { noise: false });
    expect([a.width, a.height]).toEqual([b.width, b.height]);
    let d = 0;
    for (let j = 0; j < a.data.length; j++) d += Math.abs(a.data[j] - b.data[j]);
    if (d > 0) differ++;
  }
  expect(differ).toBe(20);
});
