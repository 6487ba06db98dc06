/** Test helpers: a minimal PNG encoder (for large inputs), sample paths, SSE parsing. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

const pkgDir = path.dirname(createRequire(import.meta.url).resolve('mobile-mm/package.json'));
export const SAMPLES = path.join(pkgDir, 'samples');
export const scenePng = (): Uint8Array<ArrayBuffer> => new Uint8Array(readFileSync(path.join(SAMPLES, 'scene-0.png')));
export const textPng = (): Uint8Array<ArrayBuffer> => new Uint8Array(readFileSync(path.join(SAMPLES, 'text-0.png')));
export const dataUrl = (png: Uint8Array, type = 'image/png'): string => `data:${type};base64,${Buffer.from(png).toString('base64')}`;

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

/** An RGB PNG of w×h pixels from a seeded pattern (one bit of noise per byte: ~1/7 of the raw size, and as slow to decode as a photo). */
export function png(w: number, h: number, seed = 1): Uint8Array<ArrayBuffer> {
  const raw = Buffer.alloc((w * 3 + 1) * h);
  let s = seed >>> 0;
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0;
    for (let x = 0; x < w * 3; x++) {
      s = (s * 1664525 + 1013904223) >>> 0;
      raw[y * (w * 3 + 1) + 1 + x] = ((x + y) & 0xf0) | (s >>> 31);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return new Uint8Array(Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]));
}

/** An SSE body → its `data:` payloads, in order; each frame must end with a blank line. */
export function sseFrames(body: string): string[] {
  if (!body.endsWith('\n\n')) throw new Error(`the SSE body does not end with a blank line: ${JSON.stringify(body.slice(-40))}`);
  return body
    .split('\n\n')
    .filter((f) => f !== '')
    .map((f) => {
      if (!f.startsWith('data: ') || f.includes('\n')) throw new Error(`not a single-line data frame: ${JSON.stringify(f)}`);
      return f.slice('data: '.length);
    });
}

export function chatBody(image: Uint8Array, text: string, extra: Record<string, unknown> = {}, model = 'tiny-int2'): Record<string, unknown> {
  return {
    model,
    messages: [{ role: 'user', content: [{ type: 'text', text }, { type: 'image_url', image_url: { url: dataUrl(image) } }] }],
    ...extra,
  };
}
