/**
 * Error codes of the image-input path. Every failure is a MobileMMError from
 * '@mobile-mm/core' carrying one of these codes; they are public API (listed
 * in the README) and never renamed.
 */
import { MobileMMError, localText, type LocalText } from '@mobile-mm/core';

/** Unknown magic bytes, or an input form this function does not take. */
export const IMAGE_UNSUPPORTED_FORMAT = 'IMAGE_UNSUPPORTED_FORMAT';
/** Declared size (pixels or bytes) over the limit; checked before decoding. */
export const IMAGE_TOO_LARGE = 'IMAGE_TOO_LARGE';
/** Truncated file, bad CRC, inconsistent header or any decoder failure. */
export const IMAGE_CORRUPT = 'IMAGE_CORRUPT';
/** A malformed {data,width,height} object or tensor (shape, dtype, values). */
export const IMAGE_INVALID = 'IMAGE_INVALID';
/** A file path that does not name a readable file (Node only). */
export const FILE_NOT_FOUND = 'FILE_NOT_FOUND';

export type ImageErrorCode =
  | typeof IMAGE_UNSUPPORTED_FORMAT
  | typeof IMAGE_TOO_LARGE
  | typeof IMAGE_CORRUPT
  | typeof IMAGE_INVALID
  | typeof FILE_NOT_FOUND;

/** What every IMAGE_UNSUPPORTED_FORMAT message lists (in the reader's language). */
export const ACCEPTED: LocalText = localText('image.accepted');

/** The same list in English (kept for callers that print it). */
export const ACCEPTED_INPUTS =
  'accepted inputs: PNG or JPEG bytes (Uint8Array, ArrayBuffer, Node Buffer), a file path (Node only), ' +
  '{data, width, height} with RGBA or RGB bytes, an ImageData, or a tf.Tensor3D [H,W,3|4] ' +
  '(int32 0-255 or float32 0-1)';

export function imageError(
  code: ImageErrorCode,
  message: string | LocalText,
  details?: Record<string, unknown>,
): MobileMMError {
  return new MobileMMError(code, message, details);
}

/** Wraps anything a third-party decoder throws as IMAGE_CORRUPT (typed errors pass through). */
export function asCorrupt(format: string, e: unknown): MobileMMError {
  if (e instanceof MobileMMError) return e;
  const reason = e instanceof Error ? e.message : String(e);
  return imageError(IMAGE_CORRUPT, `${format} could not be decoded: ${reason}`, { format, reason });
}
