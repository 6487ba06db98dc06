import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32.js';
import { IMAGE_CORRUPT, IMAGE_TOO_LARGE, IMAGE_UNSUPPORTED_FORMAT } from './errors.js';
import { resolveLimits } from './limits.js';
import { pngRawSize, readPngHeader, scanPngChunks } from './png-header.js';
import { chunk, concatBytes, encodePngjs, expectCode, ihdr, randomRgba, refCrc, SIGNATURE } from './__fixtures__/codecs.js';

const limits = resolveLimits();
const text = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

describe('crc32', () => {
  it('matches the standard check value and the test reference', () => {
    expect(crc32(new Uint8Array(text('123456789')))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(text('IEND')))).toBe(0xae426082); // every PNG ends with these bytes
    const r = randomRgba(17, 9, 1);
    const bytes = new Uint8Array(r.buffer);
    expect(crc32(bytes)).toBe(refCrc(bytes));
  });
});

describe('readPngHeader', () => {
  it('reads a pngjs-encoded file', async () => {
    const png = await encodePngjs(randomRgba(37, 23, 2), 37, 23, 6);
    expect(readPngHeader(png)).toEqual({ width: 37, height: 23, bitDepth: 8, colorType: 6, interlaced: false });
  });

  it('refuses a 33-byte header claiming 100000×100000 with IMAGE_TOO_LARGE from the header alone', async () => {
    const file = concatBytes(SIGNATURE, ihdr(100_000, 100_000));
    expect(file.length).toBe(33);
    const err = await expectCode(() => readPngHeader(file), IMAGE_TOO_LARGE);
    expect(err.message).toContain('100000×100000');
    expect(err.message).toContain('4,194,304'); // Intl grouping (en)
    expect(err.message).toContain('maxPixels');
    expect(err.details).toMatchObject({ width: 100_000, height: 100_000, maxPixels: 4_194_304 });
  });

  it('refuses a claimed size as soon as width and height are readable (24 bytes)', async () => {
    const file = concatBytes(SIGNATURE, ihdr(100_000, 100_000)).subarray(0, 24);
    await expectCode(() => readPngHeader(file), IMAGE_TOO_LARGE);
    // 20 bytes hold the width only: that is a truncated header.
    await expectCode(() => readPngHeader(file.subarray(0, 20)), IMAGE_CORRUPT);
  });

  it('takes maxPixels from options (and rejects bad options)', async () => {
    const file = concatBytes(SIGNATURE, ihdr(3000, 3000));
    await expectCode(() => readPngHeader(file), IMAGE_TOO_LARGE);
    expect(readPngHeader(file, { maxPixels: 9_000_000 }).width).toBe(3000);
    await expectCode(() => readPngHeader(concatBytes(SIGNATURE, ihdr(64, 64)), { maxPixels: 4095 }), IMAGE_TOO_LARGE);
    await expectCode(() => readPngHeader(file, { maxPixels: -1 }), 'INVALID_ARGUMENT');
  });

  it('checks the IHDR CRC', async () => {
    const file = concatBytes(SIGNATURE, ihdr(64, 64));
    file[32] ^= 1;
    const err = await expectCode(() => readPngHeader(file), IMAGE_CORRUPT);
    expect(err.message).toContain('CRC');
  });

  it('rejects malformed headers with IMAGE_CORRUPT', async () => {
    const bad: [string, Uint8Array][] = [
      ['bad signature', concatBytes([137, 80, 78, 71, 13, 10, 26, 0], ihdr(8, 8))],
      ['first chunk not IHDR', concatBytes(SIGNATURE, chunk('IDAT', new Uint8Array(13)))],
      ['IHDR length 12', concatBytes(SIGNATURE, chunk('IHDR', new Uint8Array(12)), new Uint8Array(8))],
      ['zero width', concatBytes(SIGNATURE, ihdr(0, 8))],
      ['zero height', concatBytes(SIGNATURE, ihdr(8, 0))],
      ['width ≥ 2^31', concatBytes(SIGNATURE, ihdr(2 ** 31, 1))],
      ['RGB at 4 bits', concatBytes(SIGNATURE, ihdr(8, 8, 4, 2))],
      ['palette at 16 bits', concatBytes(SIGNATURE, ihdr(8, 8, 16, 3))],
      ['colour type 5', concatBytes(SIGNATURE, ihdr(8, 8, 8, 5))],
      ['bit depth 3', concatBytes(SIGNATURE, ihdr(8, 8, 3, 0))],
      ['interlace 2', concatBytes(SIGNATURE, ihdr(8, 8, 8, 6, 2))],
      ['signature only', new Uint8Array(SIGNATURE)],
    ];
    for (const [name, file] of bad) {
      const err = await expectCode(() => readPngHeader(file), IMAGE_CORRUPT);
      expect(err.message, name).toMatch(/^PNG: /);
    }
  });
});

describe('scanPngChunks', () => {
  const body = async (): Promise<Uint8Array> => encodePngjs(randomRgba(16, 16, 3), 16, 16, 6);

  it('collects IDAT and stops at IEND, ignoring trailing bytes', async () => {
    const png = await body();
    const withTail = concatBytes(png, [1, 2, 3]);
    const layout = scanPngChunks(withTail, readPngHeader(withTail));
    expect(layout.end).toBe(png.length);
    expect(layout.idat.length).toBeGreaterThan(0);
  });

  it('rejects a chunk whose length runs past the end, without reading it', async () => {
    const file = concatBytes(SIGNATURE, ihdr(16, 16), [0x7f, 0xff, 0xff, 0xff], text('IDAT'), [0, 0, 0, 0]);
    const err = await expectCode(() => scanPngChunks(file, readPngHeader(file)), IMAGE_CORRUPT);
    expect(err.message).toContain('truncated');
    const huge = concatBytes(SIGNATURE, ihdr(16, 16), [0xff, 0xff, 0xff, 0xff], text('IDAT'), [0, 0, 0, 0]);
    await expectCode(() => scanPngChunks(huge, readPngHeader(huge)), IMAGE_CORRUPT);
  });

  it('finds a bad CRC in any chunk', async () => {
    const png = await body();
    const idatAt = 33 + 4; // pngjs writes IDAT right after IHDR
    expect(String.fromCharCode(...png.subarray(idatAt, idatAt + 4))).toBe('IDAT');
    const bad = png.slice();
    bad[idatAt + 10] ^= 0x40;
    const err = await expectCode(() => scanPngChunks(bad, readPngHeader(bad)), IMAGE_CORRUPT);
    expect(err.message).toContain('IDAT');
    expect(err.message).toContain('CRC');
  });

  it('rejects structural errors', async () => {
    const idat = chunk('IDAT', [120, 156, 3, 0, 0, 0, 0, 1]);
    const iend = chunk('IEND', []);
    const head = concatBytes(SIGNATURE, ihdr(1, 1, 8, 3));
    const cases: [string, Uint8Array, string][] = [
      ['no IEND', concatBytes(SIGNATURE, ihdr(1, 1), idat), IMAGE_CORRUPT],
      ['no IDAT', concatBytes(SIGNATURE, ihdr(1, 1), iend), IMAGE_CORRUPT],
      ['palette without PLTE', concatBytes(head, idat, iend), IMAGE_CORRUPT],
      ['PLTE of 4 bytes', concatBytes(head, chunk('PLTE', [1, 2, 3, 4]), idat, iend), IMAGE_CORRUPT],
      ['tRNS longer than PLTE', concatBytes(head, chunk('PLTE', [1, 2, 3]), chunk('tRNS', [1, 2]), idat, iend), IMAGE_CORRUPT],
      ['tRNS before PLTE', concatBytes(head, chunk('tRNS', [1]), chunk('PLTE', [1, 2, 3]), idat, iend), IMAGE_CORRUPT],
      ['second IHDR', concatBytes(SIGNATURE, ihdr(1, 1), ihdr(1, 1), idat, iend), IMAGE_CORRUPT],
      ['chunk type not letters', concatBytes(SIGNATURE, ihdr(1, 1), chunk('ID1T', []), idat, iend), IMAGE_CORRUPT],
      ['unknown critical chunk', concatBytes(SIGNATURE, ihdr(1, 1), chunk('ZZZZ', []), idat, iend), IMAGE_UNSUPPORTED_FORMAT],
    ];
    for (const [name, file, code] of cases) {
      const err = await expectCode(() => scanPngChunks(file, readPngHeader(file)), code);
      expect(err.message.length, name).toBeGreaterThan(10);
    }
    // An unknown ancillary chunk is skipped.
    const ok = concatBytes(SIGNATURE, ihdr(1, 1), chunk('zzZz', [9]), idat, iend);
    expect(scanPngChunks(ok, readPngHeader(ok)).idat.length).toBe(1);
  });

  it('computes the inflated size, Adam7 passes included', () => {
    const h = { width: 1, height: 1, bitDepth: 8, colorType: 6, interlaced: true };
    expect(pngRawSize(h)).toBe(5); // only pass 1 has a pixel
    expect(pngRawSize({ ...h, interlaced: false, width: 3, height: 2, bitDepth: 1, colorType: 0 })).toBe(4);
    // 8×8 RGBA interlaced: passes of 1×1, 1×1, 2×1, 2×2, 4×2, 4×4, 8×4 pixels.
    const rows = [1, 1, 1, 2, 2, 4, 4];
    const widths = [1, 1, 2, 2, 4, 4, 8];
    const want = rows.reduce((n, r, i) => n + r * (1 + widths[i] * 4), 0);
    expect(pngRawSize({ ...h, width: 8, height: 8 })).toBe(want);
  });
});
