/** Format detection from magic bytes (never from file names). */
import { hasJpegSignature } from './jpeg-header.js';
import { hasPngSignature, PNG_SIGNATURE } from './png-header.js';

export type ImageFormat = 'png' | 'jpeg';

/** 'png' or 'jpeg', or undefined. A strict prefix of a signature counts (then the header check reports truncation). */
export function sniffFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (hasPngSignature(bytes)) return 'png';
  if (hasJpegSignature(bytes)) return 'jpeg';
  if (bytes.length > 0 && bytes.length < 8 && PNG_SIGNATURE.slice(0, bytes.length).every((v, i) => bytes[i] === v)) {
    return 'png';
  }
  if (bytes.length > 0 && bytes.length < 3 && [0xff, 0xd8].slice(0, bytes.length).every((v, i) => bytes[i] === v)) {
    return 'jpeg';
  }
  return undefined;
}

const ascii = (b: Uint8Array, start: number, text: string): boolean =>
  b.length >= start + text.length && [...text].every((ch, i) => b[start + i] === ch.charCodeAt(0));

/** A human name for well-known formats we do not decode, for error messages. */
export function describeUnknown(bytes: Uint8Array): string {
  if (ascii(bytes, 0, 'GIF8')) return 'GIF';
  if (ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WEBP')) return 'WebP';
  if (ascii(bytes, 0, 'BM')) return 'BMP';
  if (ascii(bytes, 0, 'II*\0') || ascii(bytes, 0, 'MM\0*')) return 'TIFF';
  if (ascii(bytes, 4, 'ftyp')) return 'HEIF/AVIF';
  if (ascii(bytes, 0, '%PDF')) return 'PDF';
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0x0a) return 'JPEG XL';
  const head = Array.from(bytes.subarray(0, 8), (v) => v.toString(16).padStart(2, '0')).join(' ');
  return `unknown (first bytes: ${head})`;
}
