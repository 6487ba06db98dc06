/**
 * PNG → RGBA8. The structure is checked first by png-header.ts (same checks
 * everywhere); then the pixels are decoded by
 *   - pngjs in Node (its main entry needs Node's zlib and stream), and
 *   - the built-in decoder below in browsers and workers, on the platform's
 *     DecompressionStream (pngjs's browserify bundle wants its own Buffer
 *     objects and is 570 kB).
 * Both require the image data to inflate to exactly the size the header
 * implies (no less, no more: a deflate bomb stops at the cap) and follow
 * pngjs's output conventions; the tests hold them to the same pixels: samples of other depths are scaled as round(v·255 / (2^depth − 1));
 * grey is copied to R, G and B; a pixel equal to the tRNS colour key of a
 * greyscale or RGB image becomes (0, 0, 0, 0); palette alpha comes from tRNS.
 * Gamma (gAMA) and colour profiles (iCCP, sRGB) are ignored.
 */
import { isNode } from '@mobile-mm/core';
import { asCorrupt, IMAGE_CORRUPT, imageError } from './errors.js';
import { inflateExact } from './inflate.js';
import type { ResolvedLimits } from './limits.js';
import { importHidden } from './node-import.js';
import { ADAM7, PNG_CHANNELS, passSize, pngRawSize, readPngHeader, scanPngChunks, type PngLayout } from './png-header.js';
import type { RgbaImage } from './types.js';

export type PngDecoder = 'auto' | 'pngjs' | 'builtin';

/** Checks, then decodes. `decoder` is for tests; 'auto' is pngjs in Node, built-in elsewhere. */
export async function decodePng(
  bytes: Uint8Array,
  limits: ResolvedLimits,
  decoder: PngDecoder = 'auto',
): Promise<RgbaImage> {
  const header = readPngHeader(bytes, limits);
  const layout = scanPngChunks(bytes, header);
  const usePngjs = decoder === 'pngjs' || (decoder === 'auto' && isNode());
  return usePngjs ? decodeWithPngjs(bytes.subarray(0, layout.end), layout) : decodeBuiltin(layout);
}

// ---------------------------------------------------------------- Node: pngjs

type PngjsModule = typeof import('pngjs');

async function decodeWithPngjs(bytes: Uint8Array, layout: PngLayout): Promise<RgbaImage> {
  // pngjs inflates interlaced data with no output cap (a deflate bomb would
  // fill memory) and silently ignores excess data otherwise. Inflating once
  // with a cap first gives the same verdict as the built-in decoder on every
  // file, at the cost of a second inflate (about 10 ms for a 2048² RGBA image).
  await inflateExact(concat(layout.idat), pngRawSize(layout), 'PNG');
  const mod = await importHidden<PngjsModule & { default?: PngjsModule }>('pngjs');
  const PNG = mod.PNG ?? mod.default?.PNG;
  let out: { width: number; height: number; data: Uint8Array };
  try {
    out = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw asCorrupt('PNG', e);
  }
  if (out.width !== layout.width || out.height !== layout.height || out.data.length !== layout.width * layout.height * 4) {
    throw imageError(IMAGE_CORRUPT, 'PNG: decoder output does not match the header');
  }
  return { data: new Uint8ClampedArray(out.data), width: out.width, height: out.height };
}

// ------------------------------------------------------------ built-in decoder

/** Decodes checked chunks with DecompressionStream; used in browsers and tests. */
export async function decodeBuiltin(layout: PngLayout): Promise<RgbaImage> {
  const { width, height, bitDepth, colorType } = layout;
  const raw = await inflateExact(concat(layout.idat), pngRawSize(layout), 'PNG');
  const channels = PNG_CHANNELS[colorType];
  const bitsPerPixel = channels * bitDepth;
  const filterStride = Math.max(1, bitsPerPixel >> 3); // bytes back to the same sample of the previous pixel
  const out = new Uint8ClampedArray(width * height * 4);
  const pixel = pixelWriter(layout, out);
  const passes = layout.interlaced ? ADAM7 : [{ x0: 0, y0: 0, dx: 1, dy: 1 }];
  let pos = 0;
  for (const p of passes) {
    const pw = passSize(width, p.x0, p.dx);
    const ph = passSize(height, p.y0, p.dy);
    if (pw === 0 || ph === 0) continue;
    const rowBytes = Math.ceil((pw * bitsPerPixel) / 8);
    let prev = -1; // start of the previous row's data in `raw`, -1 for none
    for (let r = 0; r < ph; r++) {
      const filter = raw[pos];
      const start = pos + 1;
      unfilterRow(raw, start, rowBytes, prev, filter, filterStride);
      const y = p.y0 + r * p.dy;
      for (let c = 0; c < pw; c++) pixel(raw, start, c, (y * width + p.x0 + c * p.dx) * 4);
      prev = start;
      pos = start + rowBytes;
    }
  }
  return { data: out, width, height };
}

/** Reverses one scanline's filter in place (PNG spec §9.2). */
function unfilterRow(b: Uint8Array, start: number, n: number, prev: number, filter: number, bpp: number): void {
  const up = (i: number): number => (prev < 0 ? 0 : b[prev + i]);
  switch (filter) {
    case 0:
      return;
    case 1: // Sub
      for (let i = bpp; i < n; i++) b[start + i] = b[start + i] + b[start + i - bpp];
      return;
    case 2: // Up
      if (prev >= 0) for (let i = 0; i < n; i++) b[start + i] = b[start + i] + b[prev + i];
      return;
    case 3: // Average
      for (let i = 0; i < n; i++) {
        const left = i >= bpp ? b[start + i - bpp] : 0;
        b[start + i] = b[start + i] + ((left + up(i)) >> 1);
      }
      return;
    case 4: // Paeth
      for (let i = 0; i < n; i++) {
        const a = i >= bpp ? b[start + i - bpp] : 0;
        const u = up(i);
        const c = i >= bpp ? up(i - bpp) : 0;
        const p = a + u - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - u);
        const pc = Math.abs(p - c);
        b[start + i] = b[start + i] + (pa <= pb && pa <= pc ? a : pb <= pc ? u : c);
      }
      return;
    default:
      throw imageError(IMAGE_CORRUPT, `PNG: unknown filter type ${filter} on a scanline`, { reason: 'filter' });
  }
}

type PixelWriter = (row: Uint8Array, rowStart: number, column: number, outIndex: number) => void;

/** Returns a function that converts pixel `column` of a row into RGBA8 at out[outIndex]. */
function pixelWriter(layout: PngLayout, out: Uint8ClampedArray): PixelWriter {
  const { bitDepth: depth, colorType } = layout;
  const channels = PNG_CHANNELS[colorType];
  const maxIn = 2 ** depth - 1;
  const sample = (row: Uint8Array, start: number, k: number): number => {
    if (depth === 8) return row[start + k];
    if (depth === 16) return (row[start + 2 * k] << 8) | row[start + 2 * k + 1];
    const bit = k * depth;
    return (row[start + (bit >> 3)] >> (8 - depth - (bit & 7))) & maxIn;
  };
  const scale = (v: number): number => (depth === 8 ? v : Math.floor((v * 255) / maxIn + 0.5));

  if (colorType === 3) {
    const palette = layout.palette!;
    const entries = palette.length / 3;
    const alpha = layout.transparency;
    return (row, start, col, o) => {
      const idx = sample(row, start, col);
      if (idx >= entries) {
        throw imageError(IMAGE_CORRUPT, `PNG: palette index ${idx} out of range (${entries} entries)`, {
          reason: 'palette-index',
        });
      }
      out[o] = palette[3 * idx];
      out[o + 1] = palette[3 * idx + 1];
      out[o + 2] = palette[3 * idx + 2];
      out[o + 3] = alpha && idx < alpha.length ? alpha[idx] : 255;
    };
  }

  const t = layout.transparency;
  const key = t ? [(t[0] << 8) | t[1], (t[2] << 8) | t[3], (t[4] << 8) | t[5]] : undefined;
  return (row, start, col, o) => {
    const k = col * channels;
    const s0 = sample(row, start, k);
    if (channels <= 2) {
      // Greyscale, optionally with alpha.
      if (key && channels === 1 && s0 === key[0]) {
        out[o] = out[o + 1] = out[o + 2] = out[o + 3] = 0;
        return;
      }
      const g = scale(s0);
      out[o] = out[o + 1] = out[o + 2] = g;
      out[o + 3] = channels === 2 ? scale(sample(row, start, k + 1)) : 255;
      return;
    }
    const s1 = sample(row, start, k + 1);
    const s2 = sample(row, start, k + 2);
    if (key && channels === 3 && s0 === key[0] && s1 === key[1] && s2 === key[2]) {
      out[o] = out[o + 1] = out[o + 2] = out[o + 3] = 0;
      return;
    }
    out[o] = scale(s0);
    out[o + 1] = scale(s1);
    out[o + 2] = scale(s2);
    out[o + 3] = channels === 4 ? scale(sample(row, start, k + 3)) : 255;
  };
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
