/**
 * Cache keys of decoded images (ImageFeatureCache): the kind, the size and a
 * digest of the RGBA bytes.
 */
import type { RgbaImage } from '../image/types.js';
import type { ImageKind } from './config.js';

/**
 * Cache key of an image as `kind`: SHA-256 of the RGBA bytes where WebCrypto
 * is available (Node ≥ 19, browsers on secure origins), else a 64-bit
 * non-cryptographic hash (two multiply-xorshift lanes over 32-bit words).
 */
export async function imageKey(image: RgbaImage, kind: ImageKind): Promise<string> {
  const bytes = new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  const prefix = `${kind}:${image.width}x${image.height}:`;
  const subtle = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle;
  if (subtle) {
    const digest = new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
    let hex = '';
    for (const b of digest) hex += b.toString(16).padStart(2, '0');
    return `${prefix}sha256:${hex}`;
  }
  return `${prefix}h64:${hash64(bytes)}`;
}

function hash64(bytes: Uint8Array): string {
  let h1 = 0xdeadbeef ^ bytes.length;
  let h2 = 0x41c6ce57 ^ bytes.length;
  const words = bytes.length >>> 2;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < words; i++) {
    const w = view.getUint32(4 * i, true);
    h1 = Math.imul(h1 ^ w, 2654435761);
    h2 = Math.imul(h2 ^ w, 1597334677);
  }
  for (let i = 4 * words; i < bytes.length; i++) {
    h1 = Math.imul(h1 ^ bytes[i], 2654435761);
    h2 = Math.imul(h2 ^ bytes[i], 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}
