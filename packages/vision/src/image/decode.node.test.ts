/** Node-only: file paths and Node Buffers. */
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from './decode.js';
import { FILE_NOT_FOUND, IMAGE_CORRUPT, IMAGE_TOO_LARGE } from './errors.js';
import { encodeJpeg, encodePngjs, expectCode, randomRgba } from './__fixtures__/codecs.js';

const W = 21;
const H = 9;
const rgba = randomRgba(W, H, 41);
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mobile-mm-vision-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('file paths', () => {
  it('decodes PNG and JPEG files, sniffing content rather than names', async () => {
    const png = await encodePngjs(rgba, W, H, 6);
    const jpg = encodeJpeg(rgba, W, H, 95);
    await writeFile(path.join(dir, 'a.png'), png);
    await writeFile(path.join(dir, 'really-a-png.jpg'), png);
    await writeFile(path.join(dir, 'photo'), jpg);
    expect((await decodeImage(path.join(dir, 'a.png'))).data).toEqual(rgba);
    expect((await decodeImage(path.join(dir, 'really-a-png.jpg'))).data).toEqual(rgba);
    expect((await decodeImage(path.join(dir, 'photo'))).width).toBe(W);
  });

  it('a missing file or a directory is FILE_NOT_FOUND naming the path', async () => {
    const missing = path.join(dir, 'nope.png');
    const err = await expectCode(decodeImage(missing), FILE_NOT_FOUND);
    expect(err.message).toContain(missing);
    await mkdir(path.join(dir, 'sub'));
    await expectCode(decodeImage(path.join(dir, 'sub')), FILE_NOT_FOUND);
    await expectCode(decodeImage(path.join(dir, 'a.png', 'x')), FILE_NOT_FOUND);
  });

  it('a file over maxBytes is IMAGE_TOO_LARGE from its size alone', async () => {
    const f = path.join(dir, 'big.bin');
    await writeFile(f, new Uint8Array(5000));
    const err = await expectCode(decodeImage(f, { maxBytes: 4096 }), IMAGE_TOO_LARGE);
    expect(err.message).toContain('maxBytes');
    await expectCode(decodeImage(f), 'IMAGE_UNSUPPORTED_FORMAT');
  });

  it('an empty or truncated file is IMAGE_CORRUPT', async () => {
    const png = await encodePngjs(rgba, W, H, 6);
    await writeFile(path.join(dir, 'empty.png'), new Uint8Array(0));
    await writeFile(path.join(dir, 'cut.png'), png.subarray(0, png.length - 20));
    await expectCode(decodeImage(path.join(dir, 'empty.png')), IMAGE_CORRUPT);
    await expectCode(decodeImage(path.join(dir, 'cut.png')), IMAGE_CORRUPT);
  });
});

describe('Node Buffers', () => {
  it('decodes pooled Buffers (non-zero byteOffset)', async () => {
    const png = await encodePngjs(rgba, W, H, 6);
    const pooled = Buffer.from(png); // small Buffers share an 8 kB pool
    const sliced = Buffer.concat([Buffer.alloc(3), pooled]).subarray(3);
    for (const b of [pooled, sliced]) expect((await decodeImage(b)).data).toEqual(rgba);
  });
});
