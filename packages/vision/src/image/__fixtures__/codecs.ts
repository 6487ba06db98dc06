/**
 * Test-only encoders, independent of the decoders under test:
 * - pngjs's encoder (its browserify bundle, which runs in Node and browsers);
 * - jpeg-js's encoder;
 * - craftPng: a minimal PNG writer (own Adam7 table, all five filters,
 *   CompressionStream('deflate')) for what pngjs cannot write: palettes,
 *   1/2/4-bit samples, tRNS and interlacing.
 * And the pixels each should decode to, by pngjs's conventions.
 */
import jpeg from 'jpeg-js';
import { expect } from 'vitest';
import { MobileMMError } from '@mobile-mm/core';
import { rng } from '@mobile-mm/core/test-utils';

// ------------------------------------------------------------------ random data

export function randomBytes(n: number, seed: number): Uint8Array {
  const r = rng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(r() * 256);
  return out;
}

/** Random RGBA with the given alpha (a number, or 'random'). */
export function randomRgba(width: number, height: number, seed: number, alpha: number | 'random' = 255): Uint8ClampedArray {
  const r = rng(seed);
  const out = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < out.length; i++) {
    out[i] = (i & 3) === 3 && alpha !== 'random' ? alpha : Math.floor(r() * 256);
  }
  return out;
}

// ------------------------------------------------------------------ pngjs

interface PngjsPNG {
  new (o: { width: number; height: number; colorType?: number; inputColorType?: number; bitDepth?: number; inputHasAlpha?: boolean }): { data: Uint8Array };
  sync: { write(png: { data: Uint8Array }, o?: Record<string, unknown>): Uint8Array };
}

let pngjs: Promise<PngjsPNG> | undefined;
function loadPngjs(): Promise<PngjsPNG> {
  pngjs ??= import('pngjs/browser.js').then((m) => {
    const mod = m as unknown as { PNG?: PngjsPNG; default?: { PNG: PngjsPNG } };
    return (mod.PNG ?? mod.default!.PNG) as PngjsPNG;
  });
  return pngjs;
}

/** pngjs-encoded 8-bit PNG; `data` holds `channels` bytes per pixel for colour type 0, 2, 4 or 6. */
export async function encodePngjs(data: Uint8Array | Uint8ClampedArray, width: number, height: number, colorType: 0 | 2 | 4 | 6): Promise<Uint8Array> {
  const PNG = await loadPngjs();
  const png = new PNG({ width, height, colorType, inputColorType: colorType, bitDepth: 8, inputHasAlpha: colorType >= 4 });
  png.data = new Uint8Array(data);
  const out = PNG.sync.write(png, { colorType, inputColorType: colorType, bitDepth: 8, inputHasAlpha: colorType >= 4 });
  return new Uint8Array(out);
}

// ------------------------------------------------------------------ jpeg-js

/** jpeg-js-encoded baseline JPEG (4:4:4) from RGBA. */
export function encodeJpeg(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, quality: number): Uint8Array {
  const g = globalThis as { Buffer?: unknown };
  const shim = g.Buffer === undefined; // jpeg-js ends with Buffer.from(bytes); browsers have no Buffer
  if (shim) g.Buffer = { from: (a: ArrayLike<number>) => Uint8Array.from(a) };
  try {
    return new Uint8Array(jpeg.encode({ data: rgba, width, height }, quality).data);
  } finally {
    if (shim) delete g.Buffer;
  }
}

// ------------------------------------------------------------------ craftPng

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
// Adam7 (PNG spec §8.2): [x0, y0, dx, dy] per pass.
const PASSES = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

export interface CraftSpec {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlace?: boolean;
  /** CHANNELS[colorType] samples per pixel, row-major, each 0 … 2^bitDepth − 1. */
  samples: ArrayLike<number>;
  /** RGB triples. */
  palette?: Uint8Array;
  trns?: Uint8Array;
}

let crcTab: Uint32Array | undefined;
export function refCrc(bytes: Uint8Array): number {
  if (!crcTab) {
    crcTab = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTab[n] = c >>> 0;
    }
  }
  let c = ~0;
  for (const b of bytes) c = crcTab[(c ^ b) & 255] ^ (c >>> 8);
  return ~c >>> 0;
}

export function chunk(type: string, data: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(Array.from(data), 8);
  dv.setUint32(8 + data.length, refCrc(out.subarray(4, 8 + data.length)));
  return out;
}

export const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

export function ihdr(width: number, height: number, bitDepth = 8, colorType = 6, interlace = 0): Uint8Array {
  const d = new Uint8Array(13);
  const dv = new DataView(d.buffer);
  dv.setUint32(0, width);
  dv.setUint32(4, height);
  d.set([bitDepth, colorType, 0, 0, interlace], 8);
  return chunk('IHDR', d);
}

export function concatBytes(...parts: ArrayLike<number>[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(Array.from(p), o);
    o += p.length;
  }
  return out;
}

export async function deflate(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function forwardFilter(row: Uint8Array, prev: Uint8Array, type: number, bpp: number): Uint8Array {
  const out = new Uint8Array(row.length);
  for (let i = 0; i < row.length; i++) {
    const a = i >= bpp ? row[i - bpp] : 0;
    const b = prev[i];
    const c = i >= bpp ? prev[i - bpp] : 0;
    let pred = 0;
    if (type === 1) pred = a;
    else if (type === 2) pred = b;
    else if (type === 3) pred = Math.floor((a + b) / 2);
    else if (type === 4) {
      const p = a + b - c;
      const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
      pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
    out[i] = (row[i] - pred) & 255;
  }
  return out;
}

/** Filtered, deflated scanlines (filter type cycles 0–4 by row), before chunking. */
export async function craftIdat(s: CraftSpec): Promise<Uint8Array> {
  const ch = CHANNELS[s.colorType];
  const bits = ch * s.bitDepth;
  const passes = s.interlace ? PASSES : [[0, 0, 1, 1]];
  const raw: number[] = [];
  passes.forEach(([x0, y0, dx, dy], pi) => {
    const pw = s.width > x0 ? Math.ceil((s.width - x0) / dx) : 0;
    const ph = s.height > y0 ? Math.ceil((s.height - y0) / dy) : 0;
    if (!pw || !ph) return;
    const rowBytes = Math.ceil((pw * bits) / 8);
    let prev = new Uint8Array(rowBytes);
    for (let r = 0; r < ph; r++) {
      const row = new Uint8Array(rowBytes);
      let bit = 0;
      for (let c = 0; c < pw; c++) {
        const px = (y0 + r * dy) * s.width + x0 + c * dx;
        for (let k = 0; k < ch; k++) {
          const v = s.samples[px * ch + k];
          if (s.bitDepth === 16) {
            row[bit >> 3] = v >> 8;
            row[(bit >> 3) + 1] = v & 255;
          } else {
            row[bit >> 3] |= v << (8 - s.bitDepth - (bit & 7));
          }
          bit += s.bitDepth;
        }
      }
      const type = (r + pi) % 5;
      raw.push(type, ...forwardFilter(row, prev, type, Math.max(1, bits >> 3)));
      prev = row;
    }
  });
  return deflate(Uint8Array.from(raw));
}

export async function craftPng(s: CraftSpec): Promise<Uint8Array> {
  const idat = await craftIdat(s);
  const half = idat.length >> 1; // two IDAT chunks, as large files have
  return concatBytes(
    SIGNATURE,
    ihdr(s.width, s.height, s.bitDepth, s.colorType, s.interlace ? 1 : 0),
    s.palette ? chunk('PLTE', s.palette) : [],
    s.trns ? chunk('tRNS', s.trns) : [],
    chunk('tEXt', Array.from('Comment\0test', (c) => c.charCodeAt(0))),
    chunk('IDAT', idat.subarray(0, half)),
    chunk('IDAT', idat.subarray(half)),
    chunk('IEND', []),
  );
}

/** What a spec decodes to, by pngjs's conventions (see png-decode.ts). */
export function expectedRgba(s: CraftSpec): Uint8ClampedArray {
  const ch = CHANNELS[s.colorType];
  const max = 2 ** s.bitDepth - 1;
  const scale = (v: number): number => Math.floor((v * 255) / max + 0.5);
  const out = new Uint8ClampedArray(s.width * s.height * 4);
  const key = s.trns && s.colorType !== 3 ? Array.from({ length: s.trns.length / 2 }, (_, i) => (s.trns![2 * i] << 8) | s.trns![2 * i + 1]) : undefined;
  for (let p = 0; p < s.width * s.height; p++) {
    const v = Array.from({ length: ch }, (_, k) => s.samples[p * ch + k]);
    let rgba: number[];
    if (s.colorType === 3) {
      const i = v[0];
      rgba = [s.palette![3 * i], s.palette![3 * i + 1], s.palette![3 * i + 2], s.trns && i < s.trns.length ? s.trns[i] : 255];
    } else if (key && key.every((kv, k) => kv === v[k])) {
      rgba = [0, 0, 0, 0];
    } else if (ch <= 2) {
      rgba = [scale(v[0]), scale(v[0]), scale(v[0]), ch === 2 ? scale(v[1]) : 255];
    } else {
      rgba = [scale(v[0]), scale(v[1]), scale(v[2]), ch === 4 ? scale(v[3]) : 255];
    }
    out.set(rgba, 4 * p);
  }
  return out;
}

// ------------------------------------------------------------------ assertions

/** Awaits `p` and asserts it rejects with a MobileMMError of `code`; returns the error. */
export async function expectCode(p: Promise<unknown> | (() => unknown), code: string): Promise<MobileMMError> {
  let err: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    err = e;
  }
  expect(err, `expected a ${code} error`).toBeInstanceOf(MobileMMError);
  expect((err as MobileMMError).code, (err as Error).message).toBe(code);
  return err as MobileMMError;
}

export function meanAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, skipAlpha = true): { mean: number; max: number } {
  let sum = 0;
  let n = 0;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    if (skipAlpha && (i & 3) === 3) continue;
    const d = Math.abs(a[i] - b[i]);
    sum += d;
    max = Math.max(max, d);
    n++;
  }
  return { mean: sum / n, max };
}
