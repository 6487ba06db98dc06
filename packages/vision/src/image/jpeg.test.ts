/**
 * JPEG: header walking on crafted files, round trips through jpeg-js's
 * encoder, and fixtures from libjpeg-turbo (progressive, greyscale, restart
 * markers, RGB colour space) compared with libjpeg-turbo's own decode.
 */
import { rng } from '@mobile-mm/core/test-utils';
import { describe, expect, it } from 'vitest';
import { decodeImage } from './decode.js';
import { IMAGE_CORRUPT, IMAGE_TOO_LARGE, IMAGE_UNSUPPORTED_FORMAT } from './errors.js';
import { readJpegHeader } from './jpeg-header.js';
import { concatBytes, encodeJpeg, expectCode, meanAbsDiff, randomRgba } from './__fixtures__/codecs.js';
import { fromBase64, JPEG_FIXTURES } from './__fixtures__/jpeg-fixtures.js';

const SOI = [0xff, 0xd8];
const EOI = [0xff, 0xd9];
const seg = (marker: number, payload: number[]): number[] => [0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 255, ...payload];
const sof = (w: number, h: number, { marker = 0xc0, precision = 8, nc = 3, hv = 0x11 } = {}): number[] =>
  seg(marker, [precision, h >> 8, h & 255, w >> 8, w & 255, nc, ...Array.from({ length: nc }, (_, i) => [i + 1, hv, 0]).flat()]);
const sos = (nc = 3): number[] => seg(0xda, [nc, ...Array.from({ length: nc }, (_, i) => [i + 1, 0]).flat(), 0, 63, 0]);

/** Smooth random image: random 5×5 control grid, bilinear, plus ±6 noise. */
function smoothRgba(w: number, h: number, seed: number): Uint8ClampedArray {
  const r = rng(seed);
  const grid = Array.from({ length: 25 * 3 }, () => r() * 255);
  const out = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const gx = (x / (w - 1)) * 4;
      const gy = (y / (h - 1)) * 4;
      const x0 = Math.min(3, Math.floor(gx));
      const y0 = Math.min(3, Math.floor(gy));
      const fx = gx - x0;
      const fy = gy - y0;
      for (let c = 0; c < 3; c++) {
        const g = (i: number, j: number): number => grid[((j * 5) + i) * 3 + c];
        const v = (1 - fy) * ((1 - fx) * g(x0, y0) + fx * g(x0 + 1, y0)) + fy * ((1 - fx) * g(x0, y0 + 1) + fx * g(x0 + 1, y0 + 1));
        out[(y * w + x) * 4 + c] = v + (r() - 0.5) * 12;
      }
      out[(y * w + x) * 4 + 3] = 255;
    }
  }
  return out;
}

describe('readJpegHeader', () => {
  it('reads a jpeg-js-encoded file', () => {
    const jpg = encodeJpeg(randomRgba(37, 23, 1), 37, 23, 90);
    expect(readJpegHeader(jpg)).toMatchObject({ width: 37, height: 23, components: 3, progressive: false, ycbcr: true });
  });

  it('refuses a SOF claiming 65535×65535 with IMAGE_TOO_LARGE from the header', async () => {
    const file = Uint8Array.from([...SOI, ...sof(65535, 65535), ...sos(), 0, 0, ...EOI]);
    const err = await expectCode(decodeImage(file), IMAGE_TOO_LARGE);
    expect(err.message).toContain('65535×65535');
    expect(err.message).toContain('maxPixels');
    // Refused at the SOF even when the file stops right after it.
    await expectCode(() => readJpegHeader(Uint8Array.from([...SOI, ...sof(65535, 65535)])), IMAGE_TOO_LARGE);
    // A raised limit lets the header through.
    expect(readJpegHeader(Uint8Array.from([...SOI, ...sof(3000, 2000), ...sos()]), { maxPixels: 6e6 }).width).toBe(3000);
  });

  it('skips APPn/COM segments, fill bytes and standalone markers', () => {
    const file = Uint8Array.from([
      ...SOI,
      ...seg(0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]),
      0xff, 0xff, 0xff, // fill bytes
      ...seg(0xfe, [104, 105]),
      0xff, 0xd0, // RST0 (standalone)
      ...sof(5, 4, { nc: 1 }),
      ...sos(1),
    ]);
    expect(readJpegHeader(file)).toMatchObject({ width: 5, height: 4, components: 1, ycbcr: undefined });
  });

  it('tells RGB from YCbCr like libjpeg', () => {
    const adobe = (t: number): number[] => seg(0xee, [0x41, 0x64, 0x6f, 0x62, 0x65, 0, 100, 0, 0, 0, 0, t]);
    const rgbIds = seg(0xc0, [8, 0, 4, 0, 4, 3, 0x52, 0x11, 0, 0x47, 0x11, 0, 0x42, 0x11, 0]);
    expect(readJpegHeader(Uint8Array.from([...SOI, ...adobe(0), ...sof(4, 4), ...sos()])).ycbcr).toBe(false);
    expect(readJpegHeader(Uint8Array.from([...SOI, ...adobe(1), ...rgbIds, ...sos()])).ycbcr).toBe(true);
    expect(readJpegHeader(Uint8Array.from([...SOI, ...rgbIds, ...sos()])).ycbcr).toBe(false);
    expect(readJpegHeader(Uint8Array.from([...SOI, ...sof(4, 4), ...sos()])).ycbcr).toBe(true);
  });

  it('rejects malformed and unsupported files with typed errors', async () => {
    const cases: [string, number[], string][] = [
      ['segment length past the end', [...SOI, 0xff, 0xe0, 0xff, 0xf0, 1, 2, 3], IMAGE_CORRUPT],
      ['segment length 1', [...SOI, 0xff, 0xe0, 0, 1, ...sof(4, 4), ...sos(), ...EOI], IMAGE_CORRUPT],
      ['no marker where one belongs', [...SOI, ...seg(0xfe, [1]), 0x12, 0x34, ...sof(4, 4)], IMAGE_CORRUPT],
      ['SOS before SOF', [...SOI, ...sos(), 0, ...EOI], IMAGE_CORRUPT],
      ['EOI before the image', [...SOI, ...EOI], IMAGE_CORRUPT],
      ['second SOI', [...SOI, ...SOI, ...sof(4, 4), ...sos(), ...EOI], IMAGE_CORRUPT],
      ['zero height (DNL)', [...SOI, ...sof(8, 0), ...sos(), ...EOI], IMAGE_CORRUPT],
      ['zero width', [...SOI, ...sof(0, 8), ...sos(), ...EOI], IMAGE_CORRUPT],
      ['sampling factor 0', [...SOI, ...sof(8, 8, { hv: 0x01 }), ...sos(), ...EOI], IMAGE_CORRUPT],
      ['two frames', [...SOI, ...sof(8, 8), ...sof(8, 8), ...sos(), ...EOI], IMAGE_CORRUPT],
      ['SOF too short for its components', [...SOI, ...seg(0xc0, [8, 0, 8, 0, 8, 3, 1, 0x11]), ...sos(), ...EOI], IMAGE_CORRUPT],
      ['lossless (SOF3)', [...SOI, ...sof(8, 8, { marker: 0xc3 }), ...sos(), ...EOI], IMAGE_UNSUPPORTED_FORMAT],
      ['arithmetic (SOF9)', [...SOI, ...sof(8, 8, { marker: 0xc9 }), ...sos(), ...EOI], IMAGE_UNSUPPORTED_FORMAT],
      ['12-bit', [...SOI, ...sof(8, 8, { precision: 12 }), ...sos(), ...EOI], IMAGE_UNSUPPORTED_FORMAT],
      ['2 components', [...SOI, ...sof(8, 8, { nc: 2 }), ...sos(2), ...EOI], IMAGE_UNSUPPORTED_FORMAT],
      ['no SOS', [...SOI, ...sof(8, 8)], IMAGE_CORRUPT],
      ['no EOI after the scan', [...SOI, ...sof(8, 8), ...sos(), 1, 2, 3], IMAGE_CORRUPT],
    ];
    for (const [name, bytes, code] of cases) {
      const err = await expectCode(decodeImage(Uint8Array.from(bytes)), code);
      expect(err.message, name).toMatch(/^JPEG: /);
    }
  });
});

describe('JPEG round trip through jpeg-js encoder', () => {
  it('smooth random image at quality 95: mean |error| < 3, max < 20', async () => {
    const src = smoothRgba(61, 47, 3);
    const img = await decodeImage(encodeJpeg(src, 61, 47, 95));
    expect([img.width, img.height]).toEqual([61, 47]);
    const d = meanAbsDiff(img.data, src);
    expect(d.mean).toBeLessThan(3);
    expect(d.max).toBeLessThan(20);
    for (let i = 3; i < img.data.length; i += 4) expect(img.data[i]).toBe(255);
  });

  it('white noise at quality 95: mean |error| < 4 (noise is JPEG\'s worst case)', async () => {
    const src = randomRgba(37, 23, 4);
    const img = await decodeImage(encodeJpeg(src, 37, 23, 95));
    expect(meanAbsDiff(img.data, src).mean).toBeLessThan(4);
  });

  it('every truncation is a typed error', async () => {
    const jpg = encodeJpeg(smoothRgba(16, 16, 5), 16, 16, 80);
    for (let n = 1; n < jpg.length; n++) {
      await expectCode(decodeImage(jpg.subarray(0, n)), IMAGE_CORRUPT);
    }
  });

  it('random byte flips give a correct-size image or a typed error', async () => {
    const jpg = encodeJpeg(smoothRgba(24, 16, 6), 24, 16, 80);
    const r = rng(7);
    for (let trial = 0; trial < 300; trial++) {
      const bad = jpg.slice();
      for (let k = 0; k < 1 + Math.floor(r() * 4); k++) bad[Math.floor(r() * bad.length)] = Math.floor(r() * 256);
      try {
        const img = await decodeImage(bad);
        expect(img.data.length).toBe(img.width * img.height * 4);
      } catch (e) {
        expect((e as { code?: string }).code, String(e)).toMatch(/^IMAGE_(CORRUPT|UNSUPPORTED_FORMAT|TOO_LARGE)$/);
      }
    }
  });
});

describe('JPEG fixtures from libjpeg-turbo', () => {
  const decodeFixture = async (name: string): Promise<Uint8ClampedArray> => {
    const f = JPEG_FIXTURES[name];
    const img = await decodeImage(fromBase64(f.jpeg));
    expect([img.width, img.height]).toEqual([f.width, f.height]);
    return img.data;
  };
  const reference = (name: string): Uint8ClampedArray => {
    const f = JPEG_FIXTURES[name];
    const ref = fromBase64(f.ref);
    const out = new Uint8ClampedArray(f.width * f.height * 4);
    for (let p = 0; p < f.width * f.height; p++) {
      for (let c = 0; c < 3; c++) out[4 * p + c] = ref[p * f.channels + (f.channels === 3 ? c : 0)];
      out[4 * p + 3] = 255;
    }
    return out;
  };

  for (const name of ['baseline', 'progressive', 'grey', 'restart', 'rgb']) {
    it(`${name}: within mean 1 / max 4 of libjpeg-turbo's decode`, async () => {
      const d = meanAbsDiff(await decodeFixture(name), reference(name));
      expect(d.mean).toBeLessThan(1);
      expect(d.max).toBeLessThanOrEqual(4);
    });
  }

  it('progressive decodes to exactly the baseline it was transcoded from', async () => {
    expect(await decodeFixture('progressive')).toEqual(await decodeFixture('baseline'));
    expect(await decodeFixture('restart')).toEqual(await decodeFixture('baseline'));
  });

  it('greyscale comes out as R = G = B, opaque', async () => {
    const data = await decodeFixture('grey');
    for (let p = 0; p < data.length; p += 4) {
      expect(data[p + 1]).toBe(data[p]);
      expect(data[p + 2]).toBe(data[p]);
      expect(data[p + 3]).toBe(255);
    }
  });
});

it('concatBytes helper keeps order (sanity)', () => {
  expect(Array.from(concatBytes([1], [2, 3]))).toEqual([1, 2, 3]);
});
