/**
 * PNG decoding against independent encoders: pngjs's encoder for 8-bit
 * grey/GA/RGB/RGBA (exact round trip of random pixels), and the test's own
 * writer (__fixtures__/codecs.ts) for palettes, 1/2/4/16-bit samples, tRNS and
 * Adam7 interlacing. Each file goes through decodeImage (pngjs in Node, the
 * built-in decoder in browsers) and through the built-in decoder directly, so
 * Node checks both decoders agree pixel for pixel.
 */
import { isNode } from '@mobile-mm/core';
import { rng } from '@mobile-mm/core/test-utils';
import { describe, expect, it } from 'vitest';
import { decodeImage } from './decode.js';
import { IMAGE_CORRUPT } from './errors.js';
import { resolveLimits } from './limits.js';
import { decodePng, type PngDecoder } from './png-decode.js';
import {
  chunk,
  concatBytes,
  craftIdat,
  craftPng,
  deflate,
  encodePngjs,
  expectCode,
  expectedRgba,
  ihdr,
  randomRgba,
  SIGNATURE,
  type CraftSpec,
} from './__fixtures__/codecs.js';

const limits = resolveLimits();
const decoders: PngDecoder[] = isNode() ? ['auto', 'pngjs', 'builtin'] : ['auto', 'builtin'];

async function decodeAll(bytes: Uint8Array): Promise<Map<PngDecoder, Uint8ClampedArray>> {
  const out = new Map<PngDecoder, Uint8ClampedArray>();
  for (const d of decoders) out.set(d, (await decodePng(bytes, limits, d)).data);
  return out;
}

function channelsOf(rgba: Uint8ClampedArray, pick: number[]): Uint8Array {
  const n = rgba.length / 4;
  const out = new Uint8Array(n * pick.length);
  for (let p = 0; p < n; p++) pick.forEach((c, k) => (out[p * pick.length + k] = rgba[4 * p + c]));
  return out;
}

describe('PNG round trip through pngjs encoder (exact)', () => {
  const w = 37;
  const h = 23;
  const rgba = randomRgba(w, h, 11, 'random');
  const cases: [string, 0 | 2 | 4 | 6, number[]][] = [
    ['RGBA', 6, [0, 1, 2, 3]],
    ['RGB', 2, [0, 1, 2]],
    ['grey', 0, [0]],
    ['grey+alpha', 4, [0, 3]],
  ];
  for (const [name, colorType, pick] of cases) {
    it(name, async () => {
      const src = channelsOf(rgba, pick);
      const png = await encodePngjs(src, w, h, colorType);
      const img = await decodeImage(png);
      expect([img.width, img.height]).toEqual([w, h]);
      const want = new Uint8ClampedArray(w * h * 4);
      for (let p = 0; p < w * h; p++) {
        const v = Array.from(pick, (_, k) => src[p * pick.length + k]);
        const [r, g, b, a] = pick.length >= 3 ? [v[0], v[1], v[2], v[3] ?? 255] : [v[0], v[0], v[0], v[1] ?? 255];
        want.set([r, g, b, a], 4 * p);
      }
      for (const [d, data] of await decodeAll(png)) expect(data, d).toEqual(want);
      expect(img.data).toEqual(want);
    });
  }
});

describe('PNG variants from the crafted writer', () => {
  function spec(width: number, height: number, bitDepth: number, colorType: number, seed: number, extra: Partial<CraftSpec> = {}): CraftSpec {
    const ch = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colorType]!;
    const r = rng(seed);
    const entries = extra.palette ? extra.palette.length / 3 : 0;
    const max = colorType === 3 ? entries - 1 : 2 ** bitDepth - 1;
    const samples = Array.from({ length: width * height * ch }, () => Math.floor(r() * (max + 1)));
    return { width, height, bitDepth, colorType, samples, ...extra };
  }
  const palette = (n: number, seed: number): Uint8Array => {
    const r = rng(seed);
    return Uint8Array.from({ length: 3 * n }, () => Math.floor(r() * 256));
  };

  const variants: [string, CraftSpec][] = [
    ['grey 1-bit', spec(13, 7, 1, 0, 1)],
    ['grey 2-bit', spec(13, 7, 2, 0, 2)],
    ['grey 4-bit', spec(13, 7, 4, 0, 3)],
    ['grey 16-bit', spec(13, 7, 16, 0, 4)],
    ['grey 4-bit with tRNS key', { ...spec(13, 7, 4, 0, 5), trns: Uint8Array.of(0, 9) }],
    ['grey 16-bit with tRNS key', { ...spec(3, 2, 16, 0, 6, { samples: [0, 513, 7, 513, 65535, 1] }), trns: Uint8Array.of(2, 1) }],
    ['RGB 8-bit with tRNS key', { ...spec(2, 2, 8, 2, 7, { samples: [1, 2, 3, 4, 5, 6, 1, 2, 3, 9, 9, 9] }), trns: Uint8Array.of(0, 1, 0, 2, 0, 3) }],
    ['RGB 16-bit', spec(11, 5, 16, 2, 8)],
    ['grey+alpha 16-bit', spec(11, 5, 16, 4, 9)],
    ['RGBA 16-bit', spec(11, 5, 16, 6, 10)],
    ['palette 1-bit', spec(13, 7, 1, 3, 11, { palette: palette(2, 1) })],
    ['palette 2-bit', spec(13, 7, 2, 3, 12, { palette: palette(4, 2) })],
    ['palette 4-bit with tRNS', spec(13, 7, 4, 3, 13, { palette: palette(16, 3), trns: Uint8Array.of(0, 128, 255, 7) })],
    ['palette 8-bit, 200 entries', spec(19, 9, 8, 3, 14, { palette: palette(200, 4) })],
    ['RGBA 8-bit', spec(19, 9, 8, 6, 15)],
  ];
  for (const [name, s] of variants) {
    for (const interlace of [false, true]) {
      it(`${name}${interlace ? ', interlaced' : ''}`, async () => {
        const png = await craftPng({ ...s, interlace });
        const want = expectedRgba(s);
        for (const [d, data] of await decodeAll(png)) expect(data, `${d} decoder`).toEqual(want);
      });
    }
  }

  it('interlaced images smaller than the Adam7 grid (empty passes)', async () => {
    for (const [w, h] of [[1, 1], [1, 5], [5, 1], [2, 3], [9, 9]]) {
      const s = spec(w, h, 8, 6, w * 10 + h);
      const png = await craftPng({ ...s, interlace: true });
      for (const [d, data] of await decodeAll(png)) expect(data, `${w}×${h} ${d}`).toEqual(expectedRgba(s));
    }
  });

  it('a palette index past the palette is IMAGE_CORRUPT', async () => {
    const s: CraftSpec = { width: 2, height: 1, bitDepth: 8, colorType: 3, samples: [0, 5], palette: palette(2, 5) };
    const png = await craftPng(s);
    for (const d of decoders) await expectCode(decodePng(png, limits, d), IMAGE_CORRUPT);
  });
});

describe('PNG damage', () => {
  async function small(): Promise<Uint8Array> {
    return encodePngjs(randomRgba(9, 7, 21), 9, 7, 6);
  }

  it('every truncation of a valid file is IMAGE_CORRUPT', async () => {
    const png = await small();
    for (let n = 1; n < png.length; n++) {
      const err = await expectCode(decodeImage(png.subarray(0, n)), IMAGE_CORRUPT);
      expect(err.message).toMatch(/PNG/);
    }
  });

  it('IDAT that inflates to too little or too much is IMAGE_CORRUPT in every decoder', async () => {
    const s: CraftSpec = { width: 8, height: 8, bitDepth: 8, colorType: 0, samples: new Array(64).fill(7) };
    const good = await craftIdat(s);
    const short = await deflate(new Uint8Array(8 * 9 - 3));
    // A deflate bomb: 8 MB of zeros in a few kB, behind an 8×8 header (72 bytes expected).
    const bomb = await deflate(new Uint8Array(8 << 20));
    expect(bomb.length).toBeLessThan(20_000);
    for (const interlace of [0, 1]) {
      for (const [name, idat] of [['short', short], ['bomb', bomb]] as const) {
        const file = concatBytes(SIGNATURE, ihdr(8, 8, 8, 0, interlace), chunk('IDAT', idat), chunk('IEND', []));
        for (const d of decoders) {
          const t0 = performance.now();
          await expectCode(decodePng(file, limits, d), IMAGE_CORRUPT);
          expect(performance.now() - t0, `${name} ${d} interlace=${interlace}`).toBeLessThan(2000);
        }
      }
    }
    const ok = concatBytes(SIGNATURE, ihdr(8, 8, 8, 0), chunk('IDAT', good), chunk('IEND', []));
    expect((await decodeImage(ok)).data[0]).toBe(7);
  });

  it('an undefined filter type is IMAGE_CORRUPT', async () => {
    const raw = new Uint8Array(2 * 3);
    raw[0] = 0;
    raw[3] = 9; // second row: filter 9
    const file = concatBytes(SIGNATURE, ihdr(2, 2, 8, 0), chunk('IDAT', await deflate(raw)), chunk('IEND', []));
    for (const d of decoders) await expectCode(decodePng(file, limits, d), IMAGE_CORRUPT);
  });

  it('random byte flips give a correct-size image or a typed error, never anything else', async () => {
    const png = await small();
    const r = rng(99);
    let decoded = 0;
    for (let trial = 0; trial < 300; trial++) {
      const bad = png.slice();
      const flips = 1 + Math.floor(r() * 3);
      for (let k = 0; k < flips; k++) bad[Math.floor(r() * bad.length)] ^= 1 << Math.floor(r() * 8);
      for (const d of decoders) {
        try {
          const img = await decodePng(bad, limits, d);
          expect([img.width, img.height, img.data.length]).toEqual([9, 7, 9 * 7 * 4]);
          decoded++;
        } catch (e) {
          expect((e as { code?: string }).code, String(e)).toMatch(/^IMAGE_(CORRUPT|UNSUPPORTED_FORMAT|TOO_LARGE)$/);
        }
      }
    }
    // CRCs catch almost every flip; those that land in the signature or a length are caught structurally.
    expect(decoded).toBeLessThan(10);
  });
});
