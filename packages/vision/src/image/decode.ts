/**
 * decodeImage: any accepted input → RGBA8, with every failure a typed
 * MobileMMError (see errors.ts) and sizes checked before decoding.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { isNode, localText } from '@mobile-mm/core';
import { ACCEPTED, IMAGE_CORRUPT, IMAGE_UNSUPPORTED_FORMAT, imageError } from './errors.js';
import { decodeJpeg } from './jpeg-decode.js';
import { checkBytes, resolveLimits, type ImageLimits, type ResolvedLimits } from './limits.js';
import { readImageFile } from './node-io.js';
import { fromPixelData, fromTensor, isPixelData, isTensorLike, type PixelData } from './pixels.js';
import { decodePng } from './png-decode.js';
import { describeUnknown, sniffFormat } from './sniff.js';
import type { RgbaImage } from './types.js';

/**
 * Everything decodeImage takes:
 * - encoded PNG or JPEG bytes: Uint8Array (Node Buffer included), ArrayBuffer or another ArrayBufferView;
 * - a file path (Node only);
 * - {data, width, height} with RGBA or RGB bytes, e.g. an ImageData;
 * - a tf.Tensor3D [H, W, 3|4], int32 0–255 or float32 0–1.
 */
export type ImageInput = Uint8Array | ArrayBuffer | ArrayBufferView | string | PixelData | tf.Tensor;

export type DecodeImageOptions = ImageLimits;

export async function decodeImage(input: ImageInput, options: DecodeImageOptions = {}): Promise<RgbaImage> {
  const limits = resolveLimits(options);
  if (typeof input === 'string') {
    if (!isNode()) {
      throw imageError(
        IMAGE_UNSUPPORTED_FORMAT,
        localText('image.pathInBrowser', { accepted: ACCEPTED }),
      );
    }
    return decodeBytes(await readImageFile(input, limits), limits);
  }
  if (input instanceof ArrayBuffer || Object.prototype.toString.call(input) === '[object ArrayBuffer]') {
    return decodeBytes(new Uint8Array(input as ArrayBuffer), limits); // the second test: an ArrayBuffer from another realm
  }
  if (ArrayBuffer.isView(input)) {
    return decodeBytes(new Uint8Array(input.buffer, input.byteOffset, input.byteLength), limits);
  }
  if (isTensorLike(input)) return fromTensor(input, limits);
  if (isPixelData(input)) return fromPixelData(input, limits);
  const x = input as unknown;
  const kind = x === null ? 'null' : typeof x === 'object' ? (x.constructor?.name ?? 'object') : typeof x;
  throw imageError(IMAGE_UNSUPPORTED_FORMAT, localText('image.notAnImage', { got: kind, accepted: ACCEPTED }));
}

/** Encoded bytes → RGBA: byte limit, magic-byte sniffing, header checks, then the decoder. */
export async function decodeBytes(bytes: Uint8Array, limits: ResolvedLimits): Promise<RgbaImage> {
  checkBytes(bytes.length, limits, 'encoded image');
  if (bytes.length === 0) throw imageError(IMAGE_CORRUPT, localText('image.empty'), { reason: 'empty' });
  switch (sniffFormat(bytes)) {
    case 'png':
      return decodePng(bytes, limits);
    case 'jpeg':
      return decodeJpeg(bytes, limits);
    default:
      throw imageError(
        IMAGE_UNSUPPORTED_FORMAT,
        localText('image.unknownFormat', { format: describeUnknown(bytes), accepted: ACCEPTED }),
        { format: describeUnknown(bytes) },
      );
  }
}
