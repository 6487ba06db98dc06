/**
 * JPEG → RGBA8 with jpeg-js (pure JS: same code in Node and browsers), after
 * readJpegHeader has checked the structure and the declared size. jpeg-js also
 * gets its own caps (maxResolutionInMP, maxMemoryUsageInMB) derived from the
 * same limit. Greyscale becomes R = G = B; CMYK/YCCK is converted by jpeg-js.
 * EXIF orientation and ICC profiles are ignored.
 */
import jpeg from 'jpeg-js';
import { asCorrupt, IMAGE_CORRUPT, imageError } from './errors.js';
import { hasEoiAfter, readJpegHeader } from './jpeg-header.js';
import type { ResolvedLimits } from './limits.js';
import type { RgbaImage } from './types.js';

/**
 * jpeg-js's own accounting, per pixel: 64 int32 coefficients per 8×8 block per
 * component (4 B/px/component, ×4 components at most), ~1 B/px/component of
 * component lines, the interleaved samples and the RGBA output: ≤ 30 B/px.
 * 40 B/px leaves room for MCU padding; 16 MB covers tables and tiny images.
 */
const JPEG_BYTES_PER_PIXEL = 40;

export function decodeJpeg(bytes: Uint8Array, limits: ResolvedLimits): RgbaImage {
  const header = readJpegHeader(bytes, limits);
  if (!hasEoiAfter(bytes, header.scanStart)) {
    throw imageError(IMAGE_CORRUPT, 'JPEG: truncated: no EOI marker (FFD9) after the image data', {
      reason: 'truncated',
    });
  }
  let out: { width: number; height: number; data: Uint8Array };
  try {
    out = jpeg.decode(bytes, {
      useTArray: true, // plain Uint8Array: no Node Buffer, works in browsers
      formatAsRGBA: true,
      colorTransform: header.ycbcr, // see JpegHeader.ycbcr
      // One pixel of slack: our own check above is exact; theirs goes through 1e6·MP floats.
      maxResolutionInMP: (limits.maxPixels + 1) / 1e6,
      maxMemoryUsageInMB: Math.ceil((limits.maxPixels * JPEG_BYTES_PER_PIXEL) / 2 ** 20) + 16,
    });
  } catch (e) {
    throw asCorrupt('JPEG', e);
  }
  const { width, height } = header;
  if (out.width !== width || out.height !== height || out.data.length !== width * height * 4) {
    throw imageError(IMAGE_CORRUPT, 'JPEG: decoder output does not match the SOF header');
  }
  return { data: new Uint8ClampedArray(out.data.buffer, out.data.byteOffset, out.data.length), width, height };
}
