/**
 * JPEG structure checks before decoding.
 *
 *   file    = SOI(FFD8) segment* SOS scan-data … EOI(FFD9)
 *   segment = FF marker [length(2, big-endian, counts itself) payload]
 *   SOFn    = precision(1) height(2) width(2) components(1) {id, HV, Tq}×components
 *
 * readJpegHeader walks the segments from SOI to the first SOS, checking every
 * length against the bytes that remain; it reads the frame size from the SOF
 * marker and refuses a size over the pixel limit on the spot. Standalone
 * markers (RSTn, TEM) and fill bytes (extra FF) are skipped. Work is linear in
 * the header size; nothing is allocated.
 */
import { IMAGE_CORRUPT, IMAGE_UNSUPPORTED_FORMAT, imageError } from './errors.js';
import { checkPixels, resolveLimits, type ImageLimits } from './limits.js';

export interface JpegHeader {
  width: number;
  height: number;
  /** 1 = greyscale, 3 = YCbCr/RGB, 4 = CMYK/YCCK. */
  components: number;
  progressive: boolean;
  /**
   * Whether 3 components are YCbCr (true) or plain RGB (false), by libjpeg's
   * rules: an Adobe APP14 marker's transform flag wins, then a JFIF marker
   * (always YCbCr), then component ids 'R','G','B' (RGB); YCbCr otherwise.
   * jpeg-js on its own ignores an Adobe transform of 0 and would turn an RGB
   * JPEG into false colours. Undefined for 1 or 4 components.
   */
  ycbcr?: boolean;
  /** Offset of the first SOS marker. */
  scanStart: number;
}

/** SOF markers jpeg-js decodes: baseline, extended sequential, progressive (all Huffman, 8-bit). */
const DECODABLE_SOF: Record<number, string> = { 0xc0: 'baseline', 0xc1: 'extended', 0xc2: 'progressive' };
/** Other SOF markers: lossless, hierarchical and arithmetic-coded frames. */
const OTHER_SOF = new Set([0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function corrupt(message: string, details?: Record<string, unknown>): Error {
  return imageError(IMAGE_CORRUPT, `JPEG: ${message}`, details);
}

export function hasJpegSignature(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

const ascii = (b: Uint8Array, at: number, text: string): boolean =>
  [...text].every((ch, i) => b[at + i] === ch.charCodeAt(0));
const be16 = (b: Uint8Array, i: number): number => (b[i] << 8) | b[i + 1];
const hex2 = (m: number): string => `FF${m.toString(16).toUpperCase().padStart(2, '0')}`;

/** Throws IMAGE_TOO_LARGE for a frame over options.maxPixels, IMAGE_CORRUPT or IMAGE_UNSUPPORTED_FORMAT otherwise. */
export function readJpegHeader(bytes: Uint8Array, options: ImageLimits = {}): JpegHeader {
  const limits = resolveLimits(options);
  const n = bytes.length;
  if (n < 2 || bytes[0] !== 0xff || bytes[1] !== 0xd8) throw corrupt('missing SOI marker (FFD8)');
  let frame: Omit<JpegHeader, 'scanStart' | 'ycbcr'> | undefined;
  let componentIds = '';
  let jfif = false;
  let adobeTransform: number | undefined;
  let pos = 2;
  for (;;) {
    if (pos >= n) {
      throw corrupt(`truncated: the input ends at byte ${n} before ${frame ? 'the first SOS' : 'any SOF'} marker`, {
        reason: 'truncated',
      });
    }
    if (bytes[pos] !== 0xff) throw corrupt(`expected a marker at byte ${pos}, found 0x${bytes[pos].toString(16)}`);
    const markerAt = pos;
    while (pos < n && bytes[pos] === 0xff) pos++; // FF, then any fill bytes
    if (pos >= n) throw corrupt('truncated inside a marker', { reason: 'truncated' });
    const marker = bytes[pos++];
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue; // RSTn, TEM: no payload
    if (marker === 0x00) throw corrupt(`stuffed byte FF00 outside scan data at byte ${markerAt}`);
    if (marker === 0xd8) throw corrupt(`second SOI marker at byte ${markerAt}`);
    if (marker === 0xd9) throw corrupt(`EOI at byte ${markerAt} before any image data`);
    if (pos + 2 > n) throw corrupt(`truncated: marker ${hex2(marker)} at byte ${markerAt} has no length`, { reason: 'truncated' });
    const length = be16(bytes, pos);
    if (length < 2) throw corrupt(`marker ${hex2(marker)} at byte ${markerAt} declares length ${length} (minimum 2)`);
    if (pos + length > n) {
      throw corrupt(
        `truncated: marker ${hex2(marker)} at byte ${markerAt} declares ${length} bytes, only ${n - pos} remain`,
        { reason: 'truncated', marker: hex2(marker) },
      );
    }
    if (marker in DECODABLE_SOF || OTHER_SOF.has(marker)) {
      if (frame) throw corrupt(`second SOF marker at byte ${markerAt} (multi-frame JPEGs are not supported)`);
      if (length < 8) throw corrupt(`SOF length ${length} is shorter than 8`);
      const precision = bytes[pos + 2];
      const height = be16(bytes, pos + 3);
      const width = be16(bytes, pos + 5);
      const components = bytes[pos + 7];
      checkPixels(width, height, limits, 'JPEG');
      if (!(marker in DECODABLE_SOF)) {
        throw imageError(
          IMAGE_UNSUPPORTED_FORMAT,
          `JPEG: SOF marker ${hex2(marker)} (lossless, hierarchical or arithmetic-coded) is not supported; ` +
            'accepted: baseline, extended or progressive Huffman JPEG (SOF0, SOF1, SOF2)',
          { marker: hex2(marker) },
        );
      }
      if (precision !== 8) {
        throw imageError(IMAGE_UNSUPPORTED_FORMAT, `JPEG: ${precision}-bit samples are not supported (only 8-bit)`, {
          precision,
        });
      }
      if (width === 0 || height === 0) {
        throw corrupt(`zero width or height in SOF (${width}×${height}; DNL-defined heights are not supported)`);
      }
      if (components !== 1 && components !== 3 && components !== 4) {
        throw imageError(IMAGE_UNSUPPORTED_FORMAT, `JPEG: ${components} colour components (accepted: 1, 3 or 4)`, {
          components,
        });
      }
      if (length < 8 + 3 * components) throw corrupt(`SOF length ${length} is too short for ${components} components`);
      for (let c = 0; c < components; c++) {
        const hv = bytes[pos + 9 + 3 * c];
        const h = hv >> 4;
        const v = hv & 15;
        if (h < 1 || h > 4 || v < 1 || v > 4) throw corrupt(`component ${c} has sampling factors ${h}×${v} (allowed 1–4)`);
      }
      for (let c = 0; c < components; c++) componentIds += String.fromCharCode(bytes[pos + 8 + 3 * c]);
      frame = { width, height, components, progressive: marker === 0xc2 };
    } else if (marker === 0xe0 && length >= 7 && ascii(bytes, pos + 2, 'JFIF\0')) {
      jfif = true;
    } else if (marker === 0xee && length >= 14 && ascii(bytes, pos + 2, 'Adobe')) {
      adobeTransform = bytes[pos + 13];
    } else if (marker === 0xda) {
      if (!frame) throw corrupt('SOS before any SOF marker');
      const ycbcr =
        frame.components !== 3
          ? undefined
          : adobeTransform !== undefined
            ? adobeTransform !== 0
            : jfif || componentIds !== 'RGB';
      return { ...frame, ycbcr, scanStart: markerAt };
    }
    pos += length;
  }
}

/**
 * True when an EOI marker (FFD9) follows the first scan. Inside entropy-coded
 * data FF is always followed by 00 or RSTn, so FFD9 there can only be EOI.
 * Without it the file was cut short: jpeg-js would return a partly grey image
 * with no error, so decodeImage refuses it instead.
 */
export function hasEoiAfter(bytes: Uint8Array, start: number): boolean {
  for (let i = bytes.length - 2; i >= start; i--) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return true;
  }
  return false;
}
