/**
 * Size limits, applied to the sizes a file *declares* before any pixel buffer
 * is allocated: decoders (pngjs in particular) trust the header and would
 * otherwise allocate whatever it claims.
 */
import { MobileMMError, localText } from '@mobile-mm/core';
import { IMAGE_TOO_LARGE, imageError } from './errors.js';

/** 2048² pixels: 16 MiB of RGBA, far above the 64×64 SynthScenes images. */
export const DEFAULT_MAX_PIXELS = 2048 * 2048;
/** 16 MiB of encoded bytes. */
export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

export interface ImageLimits {
  /** Largest width·height accepted. Default DEFAULT_MAX_PIXELS (4,194,304). */
  maxPixels?: number;
  /** Largest encoded input (bytes or file size) accepted. Default DEFAULT_MAX_BYTES (16 MiB). */
  maxBytes?: number;
}

export type ResolvedLimits = Required<ImageLimits>;

export function resolveLimits(options: ImageLimits = {}): ResolvedLimits {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  for (const [field, v] of [
    ['maxPixels', maxPixels],
    ['maxBytes', maxBytes],
  ] as const) {
    if (!Number.isSafeInteger(v) || v <= 0) {
      throw new MobileMMError(
        'INVALID_ARGUMENT',
        `options.${field} must be a positive integer, got ${String(v)}`,
        { field },
      );
    }
  }
  return { maxPixels, maxBytes };
}

/** Throws IMAGE_TOO_LARGE when a declared width·height is over the limit. */
export function checkPixels(width: number, height: number, limits: ResolvedLimits, what: string): void {
  const pixels = width * height; // exact in float64 for any 32-bit width and height
  if (pixels > limits.maxPixels) {
    throw imageError(
      IMAGE_TOO_LARGE,
      localText('image.tooManyPixels', { width, height, pixels, max: limits.maxPixels, option: 'options.maxPixels' }),
      { width, height, pixels, maxPixels: limits.maxPixels, option: 'maxPixels', source: what },
    );
  }
}

/** Throws IMAGE_TOO_LARGE when an encoded input is over the byte limit. */
export function checkBytes(byteLength: number, limits: ResolvedLimits, what: string): void {
  if (byteLength > limits.maxBytes) {
    throw imageError(
      IMAGE_TOO_LARGE,
      localText('image.tooManyBytes', { bytes: byteLength, max: limits.maxBytes, option: 'options.maxBytes' }),
      { bytes: byteLength, maxBytes: limits.maxBytes, option: 'maxBytes', source: what },
    );
  }
}
