/** Image graphs stay inside the spec's ranges, are deterministic, and honour limits. */
import { describe, expect, it } from 'vitest';
import { isMobileMMError } from '@mobile-mm/core';
import { inkBox } from './font-metrics.js';
import { Rng, sampleRng, SPLIT_TAGS } from './rng.js';
import { sampleSpec } from './sample.js';
import { cellCenter, INK_BLEED, INK_BLEED_V, MIN_GAP, sampleScene, sampleTextLine, type SceneGraph, type TextLine } from './scene.js';
import { CANONICAL_RGB, POSITIONS } from './vocab.js';

const N = 3000;

describe('scene graphs', () => {
  const graphs = Array.from({ length: N }, (_, k) => sampleSpec('train', 2 * k).scene as SceneGraph);

  it('follow the spec: 1–3 objects in distinct cells, sizes, colours, jitter, background, noise', () => {
    const counts = [0, 0, 0, 0];
    let noNoise = 0;
    let perChannel = 0;
    for (const g of graphs) {
      expect([g.width, g.height]).toEqual([64, 64]);
      counts[g.objects.length]++;
      expect(new Set(g.objects.map((o) => o.cell)).size).toBe(g.objects.length);
      const cells = g.objects.map((o) => o.cell);
      expect(cells).toEqual([...cells].sort((a, b) => a - b));
      for (const o of g.objects) {
        expect(o.position).toBe(POSITIONS[o.cell]);
        const [x, y] = cellCenter(o.cell);
        expect(Math.abs(o.cx - x)).toBeLessThanOrEqual(3);
        expect(Math.abs(o.cy - y)).toBeLessThanOrEqual(3);
        expect(Number.isInteger(o.extent)).toBe(true);
        if (o.size === 'small') expect(o.extent >= 8 && o.extent <= 10).toBe(true);
        else expect(o.extent >= 14 && o.extent <= 18).toBe(true);
        CANONICAL_RGB[o.color].forEach((v, c) => expect(Math.abs(o.rgb[c] - v)).toBeLessThanOrEqual(20));
      }
      for (const v of g.background) expect(Number.isInteger(v) && v >= 200 && v <= 255).toBe(true);
      expect(g.noise.sigma >= 0 && g.noise.sigma <= 8).toBe(true);
      if (g.noise.sigma === 0) noNoise++;
      if (g.noise.perChannel) perChannel++;
    }
    expect(counts[0]).toBe(0);
    for (const n of [1, 2, 3]) expect(counts[n]).toBeGreaterThan(N / 4);
    expect(noNoise / N).toBeGreaterThan(0.2);
    expect(noNoise / N).toBeLessThan(0.3);
    expect(perChannel / N).toBeGreaterThan(0.45);
    expect(perChannel / N).toBeLessThan(0.55);
  });

  it('objects never overlap: bounding boxes keep a gap', () => {
    for (const g of graphs) {
      for (const a of g.objects) {
        for (const b of g.objects) {
          if (a === b) continue;
          const half = (a.extent + b.extent) / 2;
          const clear = Math.abs(a.cx - b.cx) - half >= MIN_GAP || Math.abs(a.cy - b.cy) - half >= MIN_GAP;
          expect(clear).toBe(true);
        }
      }
    }
  });

  it('all shapes, colours, sizes and positions occur', () => {
    const seen = new Set<string>();
    for (const g of graphs) for (const o of g.objects) seen.add(o.shape).add(o.color).add(o.size).add(o.position);
    expect(seen.size).toBe(3 + 4 + 2 + 9);
  });

  it('limits.maxObjects caps the object count', () => {
    for (let i = 0; i < 500; i++) {
      expect(sampleScene(sampleRng('train', 2 * i), { maxObjects: 1 }).objects.length).toBe(1);
    }
  });
});

describe('text lines', () => {
  const lines = Array.from({ length: N }, (_, k) => sampleSpec('train', 2 * k + 1).scene as TextLine);
  const TOKEN = /^(?:[A-Z]{2,6}|[0-9]{1,4})$/;

  it('follow the token rules and the 14-character cap', () => {
    const tokenCounts = [0, 0, 0, 0];
    for (const l of lines) {
      expect([l.width, l.height]).toEqual([128, 32]);
      expect(l.text.length).toBeLessThanOrEqual(14);
      const tokens = l.text.split(' ');
      tokenCounts[tokens.length]++;
      for (const t of tokens) expect(t, l.text).toMatch(TOKEN);
    }
    for (const n of [1, 2, 3]) expect(tokenCounts[n]).toBeGreaterThan(N / 10);
  });

  it('sizes, margins, jitter, greys and noise are in range; the ink box fits with 2 px to spare', () => {
    const sizes = new Set<number>();
    for (const l of lines) {
      sizes.add(l.fontPx);
      expect(l.fontPx >= 14 && l.fontPx <= 20).toBe(true);
      expect(l.margin >= 2 && l.margin <= 10).toBe(true);
      expect(Math.abs(l.vJitter)).toBeLessThanOrEqual(2);
      expect(l.background >= 200 && l.background <= 255).toBe(true);
      expect(l.ink >= 0 && l.ink <= 60).toBe(true);
      expect(l.noise.sigma >= 4 && l.noise.sigma <= 12).toBe(true);
      const box = inkBox(l.text, l.fontPx);
      // Outline box, kept INK_BLEED px inside the 2 px frame.
      expect(l.x + box.left).toBeCloseTo(l.margin + INK_BLEED, 9);
      expect(l.x + box.right + INK_BLEED).toBeLessThanOrEqual(126);
      expect(l.baseline + box.top - INK_BLEED_V).toBeGreaterThanOrEqual(2);
      expect(l.baseline + box.bottom + INK_BLEED_V).toBeLessThanOrEqual(30);
      // Ink box centred on the canvas centre + jitter.
      expect((2 * l.baseline + box.top + box.bottom) / 2).toBeCloseTo(16 + l.vJitter, 9);
    }
    expect(sizes.size).toBe(7);
  });

  it('limits cap the text length and token count', () => {
    for (let i = 0; i < 500; i++) {
      const l = sampleTextLine(sampleRng('train', 2 * i + 1), { maxTextChars: 4, maxTokens: 1 });
      expect(l.text.length).toBeLessThanOrEqual(4);
      expect(l.text.includes(' ')).toBe(false);
    }
  });

  it('rejects limits outside the spec, naming the field', () => {
    const bad = [{ maxObjects: 4 }, { maxObjects: 0 }, { maxTextChars: 15 }, { maxTokens: 1.5 }];
    for (const limits of bad) {
      try {
        sampleScene(new Rng(1, 2, 3), limits);
        sampleTextLine(new Rng(1, 2, 3), limits);
        expect.unreachable();
      } catch (e) {
        expect(isMobileMMError(e, 'INVALID_CONFIG')).toBe(true);
        expect((e as Error).message).toContain(Object.keys(limits)[0]);
      }
    }
  });
});

describe('seeds', () => {
  it('sample i of a split is a pure function of (split, i)', () => {
    for (const i of [0, 1, 2, 3, 1000, 1001, 2 ** 32 - 1]) {
      expect(sampleSpec('heldout', i)).toEqual(sampleSpec('heldout', i));
    }
  });

  it('pins samples of each split (a changed value means the data set changed)', () => {
    const pin = (split: 'train' | 'val' | 'heldout', i: number) => {
      const x = sampleSpec(split, i);
      return [x.caption ?? x.ocr, x.vqa[x.vqaPick]?.question ?? null];
    };
    expect(pin('train', 0)).toEqual(['a large blue square at the top left.', 'how many triangles are there?']);
    expect(pin('train', 1)).toEqual(['SKJK 2', null]);
    expect(pin('heldout', 0)).toEqual([
      'a small yellow triangle at the bottom and a large red triangle at the bottom right.',
      'how many objects are there?',
    ]);
    expect(pin('heldout', 1)).toEqual(['PVYLRI', null]);
    expect(pin('val', 2)).toEqual([
      'a small red triangle at the top left, a large blue square at the top right and a large green triangle at the bottom right.',
      'what size is the blue square?',
    ]);
  });

  it('pins the first draws of the generator (same on every machine)', () => {
    const r = new Rng(SPLIT_TAGS.train, 0, 0);
    const draws = Array.from({ length: 4 }, () => r.next());
    // Recomputed here with a second, straight-line sfc32.
    let [a, b, c, d] = [SPLIT_TAGS.train | 0, 0, 0, 1];
    const step = () => {
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = ((c << 21) | (c >>> 11)) + t | 0;
      return t >>> 0;
    };
    for (let i = 0; i < 15; i++) step();
    expect(draws).toEqual([step(), step(), step(), step()]);
  });

  it('splits differ: held-out samples are not training samples', () => {
    const train = new Set<string>();
    for (let i = 0; i < 2000; i++) train.add(JSON.stringify(sampleSpec('train', i).scene));
    let same = 0;
    for (let i = 0; i < 2000; i++) if (train.has(JSON.stringify(sampleSpec('heldout', i).scene))) same++;
    expect(same).toBe(0);
  });

  it('rejects unknown splits and bad indices', () => {
    expect(() => sampleSpec('test' as 'train', 0)).toThrow(/split/);
    expect(() => sampleSpec('train', -1)).toThrow(/index/);
    expect(() => sampleSpec('train', 1.5)).toThrow(/index/);
    expect(() => sampleSpec('train', 2 ** 32)).toThrow(/index/);
  });
});
