/** decodeImage's front door: input forms, sniffing, limits, and its error codes. */
import * as tf from '@tensorflow/tfjs-core';
import { isNode, MobileMMError } from '@mobile-mm/core';
import { describeBackends, expectNoLeak } from '@mobile-mm/core/test-utils';
import { describe, expect, it } from 'vitest';
import { decodeImage } from './decode.js';
import { IMAGE_CORRUPT, IMAGE_INVALID, IMAGE_TOO_LARGE, IMAGE_UNSUPPORTED_FORMAT } from './errors.js';
import { concatBytes, encodeJpeg, encodePngjs, expectCode, randomBytes, randomRgba } from './__fixtures__/codecs.js';

const W = 13;
const H = 11;
const rgba = randomRgba(W, H, 31, 'random');
const rgb = (): Uint8Array => {
  const out = new Uint8Array(W * H * 3);
  for (let p = 0; p < W * H; p++) out.set(rgba.subarray(4 * p, 4 * p + 3), 3 * p);
  return out;
};
const opaque = (): Uint8ClampedArray => {
  const out = rgba.slice();
  for (let i = 3; i < out.length; i += 4) out[i] = 255;
  return out;
};

describe('encoded bytes', () => {
  it('takes Uint8Array, ArrayBuffer, views with an offset, and other ArrayBufferViews', async () => {
    const png = await encodePngjs(rgba, W, H, 6);
    const big = new Uint8Array(png.length + 10);
    big.set(png, 7);
    const inputs = [png, png.slice().buffer, big.subarray(7, 7 + png.length), new DataView(big.buffer, 7, png.length)];
    for (const input of inputs) expect((await decodeImage(input)).data).toEqual(rgba);
  });

  it('sniffs magic bytes: PNG and JPEG both decode from bytes with no name', async () => {
    const jpg = encodeJpeg(opaque(), W, H, 90);
    expect((await decodeImage(jpg)).width).toBe(W);
  });

  it('empty input is IMAGE_CORRUPT', async () => {
    await expectCode(decodeImage(new Uint8Array(0)), IMAGE_CORRUPT);
    await expectCode(decodeImage(new ArrayBuffer(0)), IMAGE_CORRUPT);
  });

  it('unknown magic bytes are IMAGE_UNSUPPORTED_FORMAT, naming the format and the accepted inputs', async () => {
    const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));
    const named: [string, number[]][] = [
      ['GIF', ascii('GIF89a\x01\x00\x01\x00')],
      ['WebP', [...ascii('RIFF'), 0, 0, 0, 0, ...ascii('WEBPVP8 ')]],
      ['BMP', ascii('BM\0\0\0\0')],
    ];
    for (const [name, bytes] of named) {
      const err = await expectCode(decodeImage(Uint8Array.from(bytes)), IMAGE_UNSUPPORTED_FORMAT);
      expect(err.message).toContain(name);
      expect(err.message).toContain('accepted inputs');
    }
  });

  it('random bytes are a typed error, quickly', async () => {
    for (let seed = 0; seed < 200; seed++) {
      const bytes = randomBytes(1 + (seed % 64) * 17, seed);
      if (seed % 3 === 1) bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].slice(0, bytes.length)); // PNG magic, then junk
      if (seed % 3 === 2) bytes.set([0xff, 0xd8, 0xff].slice(0, bytes.length)); // JPEG magic, then junk
      const err = await decodeImage(bytes).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MobileMMError);
      expect((err as MobileMMError).code).toMatch(/^IMAGE_(CORRUPT|UNSUPPORTED_FORMAT|TOO_LARGE)$/);
    }
  });

  it('maxBytes is checked before anything else', async () => {
    const png = await encodePngjs(rgba, W, H, 6);
    const err = await expectCode(decodeImage(png, { maxBytes: 100 }), IMAGE_TOO_LARGE);
    expect(err.message).toContain('maxBytes');
    expect(err.details).toMatchObject({ bytes: png.length, maxBytes: 100 });
    await expectCode(decodeImage(png, { maxPixels: W * H - 1 }), IMAGE_TOO_LARGE);
    expect((await decodeImage(png, { maxPixels: W * H })).width).toBe(W);
    await expectCode(decodeImage(png, { maxBytes: 0 }), 'INVALID_ARGUMENT');
  });

  it('inputs that are not images are IMAGE_UNSUPPORTED_FORMAT listing what is accepted', async () => {
    for (const bad of [42, null, undefined, { foo: 1 }, [1, 2, 3]] as unknown[]) {
      const err = await expectCode(decodeImage(bad as Uint8Array), IMAGE_UNSUPPORTED_FORMAT);
      expect(err.message).toContain('accepted inputs');
    }
  });

  it.runIf(!isNode())('file paths are refused in the browser', async () => {
    await expectCode(decodeImage('/tmp/x.png'), IMAGE_UNSUPPORTED_FORMAT);
  });

  it('a short PNG/JPEG prefix is a truncated file, not an unknown format', async () => {
    await expectCode(decodeImage(Uint8Array.of(0x89, 0x50, 0x4e)), IMAGE_CORRUPT);
    await expectCode(decodeImage(Uint8Array.of(0xff, 0xd8)), IMAGE_CORRUPT);
    await expectCode(decodeImage(concatBytes([0xff, 0xd8, 0xff])), IMAGE_CORRUPT);
  });
});

describe('{data, width, height} and ImageData', () => {
  it('RGBA and RGB (told apart by length), typed arrays and number arrays', async () => {
    expect((await decodeImage({ data: rgba, width: W, height: H })).data).toEqual(rgba);
    expect((await decodeImage({ data: Array.from(rgba), width: W, height: H })).data).toEqual(rgba);
    expect((await decodeImage({ data: rgb(), width: W, height: H })).data).toEqual(opaque());
    expect((await decodeImage({ data: Array.from(rgb()), width: W, height: H })).data).toEqual(opaque());
  });

  it('copies: the result does not alias the input', async () => {
    const src = rgba.slice();
    const out = await decodeImage({ data: src, width: W, height: H });
    src[0] ^= 0xff;
    expect(out.data[0]).toBe(rgba[0]);
  });

  it('a real ImageData in the browser, a look-alike in Node', async () => {
    const img =
      typeof ImageData !== 'undefined'
        ? new ImageData(rgba.slice(), W, H)
        : { data: rgba.slice(), width: W, height: H, colorSpace: 'srgb' };
    expect((await decodeImage(img)).data).toEqual(rgba);
  });

  it('invalid objects are IMAGE_INVALID with the reason', async () => {
    const cases: [unknown, RegExp][] = [
      [{ data: rgba, width: W + 1, height: H }, /needs/],
      [{ data: rgba, width: 0, height: H }, /width/],
      [{ data: rgba, width: 2.5, height: H }, /width/],
      [{ data: rgba, width: W, height: -H }, /height/],
      [{ data: rgba, width: String(W), height: H }, /width/],
      [{ data: 'abc', width: 1, height: 1 }, /data must be/],
      [{ data: null, width: 1, height: 1 }, /data must be/],
      [{ data: [1, 2, NaN], width: 1, height: 1 }, /integers 0–255/],
      [{ data: [1, 2, 256], width: 1, height: 1 }, /integers 0–255/],
      [{ data: [1, 2, -1], width: 1, height: 1 }, /integers 0–255/],
      [{ data: Float32Array.of(0.1, 0.2, 0.3), width: 1, height: 1 }, /float32 tensor/],
    ];
    for (const [input, msg] of cases) {
      const err = await expectCode(decodeImage(input as never), IMAGE_INVALID);
      expect(err.message).toMatch(msg);
    }
  });

  it('a claimed size over maxPixels is IMAGE_TOO_LARGE before the data is looked at', async () => {
    await expectCode(decodeImage({ data: new Uint8Array(4), width: 100_000, height: 100_000 }), IMAGE_TOO_LARGE);
  });
});

describeBackends('tensor inputs', () => {
  const fromRgba = (channels: 3 | 4): number[] =>
    Array.from({ length: W * H * channels }, (_, i) => rgba[Math.floor(i / channels) * 4 + (i % channels)]);

  it('int32 [H,W,4] and [H,W,3], 0–255', async () => {
    const t4 = tf.tensor3d(fromRgba(4), [H, W, 4], 'int32');
    const t3 = tf.tensor3d(fromRgba(3), [H, W, 3], 'int32');
    await expectNoLeak(async () => {
      expect((await decodeImage(t4)).data).toEqual(rgba);
      expect((await decodeImage(t3)).data).toEqual(opaque());
    });
    expect(t4.isDisposed).toBe(false); // the caller's tensor is left alone
    tf.dispose([t4, t3]);
  });

  it('float32 [H,W,3|4], 0–1 → round(v·255)', async () => {
    const t4 = tf.tensor3d(fromRgba(4).map((v) => v / 255), [H, W, 4], 'float32');
    const t3 = tf.tidy(() => tf.div(tf.tensor3d(fromRgba(3), [H, W, 3], 'float32'), 255) as tf.Tensor3D);
    await expectNoLeak(async () => {
      expect((await decodeImage(t4)).data).toEqual(rgba);
      expect((await decodeImage(t3)).data).toEqual(opaque());
    });
    tf.dispose([t4, t3]);
  });

  it('wrong rank, channels, dtype or values are IMAGE_INVALID', async () => {
    const bad: [tf.Tensor, RegExp][] = [
      [tf.zeros([2, H, W, 3], 'int32'), /rank 3/],
      [tf.zeros([H, W], 'int32'), /rank 3/],
      [tf.zeros([H, W, 2], 'int32'), /channels/],
      [tf.zeros([H, W, 3], 'bool'), /dtype/],
      [tf.fill([H, W, 3], 300, 'int32'), /0–255/],
      [tf.fill([H, W, 3], -1, 'int32'), /0–255/],
      [tf.fill([H, W, 3], 200, 'float32'), /divide by 255/],
      [tf.fill([H, W, 3], NaN, 'float32'), /\[0, 1\]/],
      [tf.fill([H, W, 3], Infinity, 'float32'), /\[0, 1\]/],
      [tf.fill([H, W, 3], -0.1, 'float32'), /\[0, 1\]/],
    ];
    for (const [t, msg] of bad) {
      const err = await expectCode(decodeImage(t), IMAGE_INVALID);
      expect(err.message).toMatch(msg);
    }
    tf.dispose(bad.map(([t]) => t));
    const big = tf.zeros([65, 64, 3], 'int32');
    await expectCode(decodeImage(big, { maxPixels: 64 * 64 }), IMAGE_TOO_LARGE);
    big.dispose();
  });
});
