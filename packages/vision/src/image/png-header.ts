/**
 * PNG structure checks, run identically in Node and in the browser before any
 * decoder sees the bytes.
 *
 *   file  = signature(8) chunk*
 *   chunk = length(4, big-endian, ≤ 2^31−1) type(4 ASCII letters) data(length) crc(4)
 *   crc   = CRC-32 over type + data
 *   IHDR  = the first chunk, length 13:
 *           width(4) height(4) bitDepth(1) colorType(1) compression(1) filter(1) interlace(1)
 *
 * readPngHeader reads only the first 33 bytes, and checks width·height against
 * the pixel limit as soon as both are readable (byte 24), before the IHDR CRC:
 * a claimed size is only ever used to refuse, so a file that claims too much
 * is refused even when the rest of it is missing. scanPngChunks then walks every
 * chunk with bounds checks (no length is trusted past the end of the input),
 * verifies every CRC and collects PLTE, tRNS and IDAT.
 */
import { IMAGE_CORRUPT, IMAGE_UNSUPPORTED_FORMAT, imageError } from './errors.js';
import { checkPixels, resolveLimits, type ImageLimits } from './limits.js';
import { crc32 } from './crc32.js';

export const PNG_SIGNATURE: readonly number[] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Bit depths allowed for each colour type (PNG spec, table 11.1). */
const DEPTHS: Record<number, readonly number[]> = {
  0: [1, 2, 4, 8, 16], // greyscale
  2: [8, 16], // RGB
  3: [1, 2, 4, 8], // palette
  4: [8, 16], // greyscale + alpha
  6: [8, 16], // RGBA
};
/** Samples per pixel for each colour type. */
export const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlaced: boolean;
}

export interface PngLayout extends PngHeader {
  /** PLTE data (3 bytes per entry), colour type 3 only. */
  palette?: Uint8Array;
  /** tRNS data, when present. */
  transparency?: Uint8Array;
  /** IDAT payloads in file order (views into the input). */
  idat: Uint8Array[];
  /** Offset just past the IEND chunk; anything after it is ignored. */
  end: number;
}

const be32 = (b: Uint8Array, i: number): number =>
  ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;

function corrupt(message: string, details?: Record<string, unknown>): Error {
  return imageError(IMAGE_CORRUPT, `PNG: ${message}`, details);
}

function truncated(bytes: Uint8Array, need: number, what: string): Error {
  return corrupt(`truncated: ${what} needs ${need} bytes, the input has ${bytes.length}`, {
    reason: 'truncated',
    length: bytes.length,
    need,
  });
}

export function hasPngSignature(bytes: Uint8Array): boolean {
  if (bytes.length < PNG_SIGNATURE.length) return false;
  return PNG_SIGNATURE.every((v, i) => bytes[i] === v);
}

function chunkType(bytes: Uint8Array, i: number): string {
  return String.fromCharCode(bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]);
}

const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/**
 * Reads and validates the IHDR chunk (bytes 8–32). Throws IMAGE_TOO_LARGE for
 * a declared size over options.maxPixels (default 2048²), IMAGE_CORRUPT for anything malformed.
 * Never reads past byte 33 and allocates nothing.
 */
export function readPngHeader(bytes: Uint8Array, options: ImageLimits = {}): PngHeader {
  const limits = resolveLimits(options);
  if (!hasPngSignature(bytes)) {
    if (bytes.length < 8 && PNG_SIGNATURE.slice(0, bytes.length).every((v, i) => bytes[i] === v)) {
      throw truncated(bytes, 8, 'the signature');
    }
    throw corrupt('bad signature');
  }
  if (bytes.length < 16) throw truncated(bytes, 16, 'the IHDR chunk header');
  const length = be32(bytes, 8);
  const type = chunkType(bytes, 12);
  if (type !== 'IHDR') throw corrupt(`the first chunk must be IHDR, found ${JSON.stringify(type)}`);
  if (length !== 13) throw corrupt(`IHDR length must be 13, found ${length}`);
  if (bytes.length < 24) throw truncated(bytes, 24, 'the IHDR width and height');
  const width = be32(bytes, 16);
  const height = be32(bytes, 20);
  if (width > 0x7fffffff || height > 0x7fffffff) {
    throw corrupt(`width and height must be below 2^31, found ${width}×${height}`);
  }
  checkPixels(width, height, limits, 'PNG');
  if (bytes.length < 33) throw truncated(bytes, 33, 'the IHDR chunk');
  const stored = be32(bytes, 29);
  const computed = crc32(bytes, 12, 29);
  if (stored !== computed) {
    throw corrupt(`IHDR CRC mismatch (stored ${hex(stored)}, computed ${hex(computed)})`, { chunk: 'IHDR' });
  }
  if (width === 0 || height === 0) throw corrupt(`zero width or height (${width}×${height})`);
  const [bitDepth, colorType, compression, filter, interlace] = bytes.subarray(24, 29);
  const depths = DEPTHS[colorType];
  if (!depths) throw corrupt(`colour type ${colorType} is not one of 0, 2, 3, 4, 6`);
  if (!depths.includes(bitDepth)) {
    throw corrupt(`bit depth ${bitDepth} is not allowed with colour type ${colorType} (allowed: ${depths.join(', ')})`);
  }
  if (compression !== 0) throw corrupt(`compression method ${compression} (only 0 exists)`);
  if (filter !== 0) throw corrupt(`filter method ${filter} (only 0 exists)`);
  if (interlace > 1) throw corrupt(`interlace method ${interlace} (only 0 and 1 exist)`);
  return { width, height, bitDepth, colorType, interlaced: interlace === 1 };
}

/**
 * Walks every chunk after IHDR up to IEND, checking each length against the
 * bytes that remain and each CRC. Work is linear in the input size.
 */
export function scanPngChunks(bytes: Uint8Array, header: PngHeader): PngLayout {
  const idat: Uint8Array[] = [];
  let palette: Uint8Array | undefined;
  let transparency: Uint8Array | undefined;
  let pos = 33;
  for (;;) {
    if (pos + 8 > bytes.length) throw truncated(bytes, pos + 8, `the chunk header at byte ${pos} (no IEND)`);
    const length = be32(bytes, pos);
    if (![4, 5, 6, 7].every((k) => isLetter(bytes[pos + k]))) {
      throw corrupt(`chunk type at byte ${pos + 4} is not four ASCII letters`);
    }
    const type = chunkType(bytes, pos + 4);
    if (length > 0x7fffffff) throw corrupt(`chunk ${type} declares length ${length} (over 2^31−1)`);
    const dataStart = pos + 8;
    const dataEnd = dataStart + length;
    if (dataEnd + 4 > bytes.length) {
      throw corrupt(
        `truncated: chunk ${type} at byte ${pos} declares ${length} data bytes, ` +
          `only ${Math.max(0, bytes.length - dataStart - 4)} remain`,
        { reason: 'truncated', chunk: type },
      );
    }
    const stored = be32(bytes, dataEnd);
    const computed = crc32(bytes, pos + 4, dataEnd);
    if (stored !== computed) {
      throw corrupt(`chunk ${type} at byte ${pos}: CRC mismatch (stored ${hex(stored)}, computed ${hex(computed)})`, {
        chunk: type,
      });
    }
    const data = bytes.subarray(dataStart, dataEnd);
    pos = dataEnd + 4;
    switch (type) {
      case 'IHDR':
        throw corrupt('a second IHDR chunk');
      case 'PLTE':
        if (idat.length > 0) throw corrupt('PLTE after IDAT');
        if (length === 0 || length % 3 !== 0 || length > 768) {
          throw corrupt(`PLTE length ${length} is not 3·n with 1 ≤ n ≤ 256`);
        }
        palette = data;
        break;
      case 'tRNS':
        if (idat.length > 0) throw corrupt('tRNS after IDAT');
        if (header.colorType === 3) {
          if (!palette) throw corrupt('tRNS before PLTE');
          if (length > palette.length / 3) throw corrupt(`tRNS has ${length} entries, the palette ${palette.length / 3}`);
        } else if (header.colorType === 0 && length < 2) {
          throw corrupt(`greyscale tRNS length ${length} (needs 2)`);
        } else if (header.colorType === 2 && length < 6) {
          throw corrupt(`RGB tRNS length ${length} (needs 6)`);
        }
        // Colour types 4 and 6 carry alpha already; a tRNS there is ignored.
        if (header.colorType !== 4 && header.colorType !== 6) transparency = data;
        break;
      case 'IDAT':
        idat.push(data);
        break;
      case 'IEND':
        if (header.colorType === 3 && !palette) throw corrupt('colour type 3 (palette) without a PLTE chunk');
        if (idat.length === 0) throw corrupt('no IDAT chunk');
        return { ...header, palette, transparency, idat, end: pos };
      default:
        // Bit 5 of the first type byte clear = critical: we must not guess its meaning.
        if ((bytes[dataStart - 4] & 0x20) === 0) {
          throw imageError(IMAGE_UNSUPPORTED_FORMAT, `PNG: unknown critical chunk ${JSON.stringify(type)}`, {
            chunk: type,
          });
        }
    }
  }
}

/** Bytes of filtered scanlines that IDAT must inflate to (Adam7 passes summed when interlaced). */
export function pngRawSize(header: PngHeader): number {
  const bitsPerPixel = PNG_CHANNELS[header.colorType] * header.bitDepth;
  const rowBytes = (w: number): number => 1 + Math.ceil((w * bitsPerPixel) / 8);
  if (!header.interlaced) return header.height * rowBytes(header.width);
  let total = 0;
  for (const p of ADAM7) {
    const w = passSize(header.width, p.x0, p.dx);
    const h = passSize(header.height, p.y0, p.dy);
    if (w > 0 && h > 0) total += h * rowBytes(w);
  }
  return total;
}

/** Adam7 passes: first column/row and step of each. */
export const ADAM7: readonly { x0: number; y0: number; dx: number; dy: number }[] = [
  { x0: 0, y0: 0, dx: 8, dy: 8 },
  { x0: 4, y0: 0, dx: 8, dy: 8 },
  { x0: 0, y0: 4, dx: 4, dy: 8 },
  { x0: 2, y0: 0, dx: 4, dy: 4 },
  { x0: 0, y0: 2, dx: 2, dy: 4 },
  { x0: 1, y0: 0, dx: 2, dy: 2 },
  { x0: 0, y0: 1, dx: 1, dy: 2 },
];

export const passSize = (size: number, start: number, step: number): number =>
  size > start ? Math.ceil((size - start) / step) : 0;

const hex = (v: number): string => `0x${v.toString(16).padStart(8, '0')}`;
