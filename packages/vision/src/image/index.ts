export { decodeImage, type DecodeImageOptions, type ImageInput } from './decode.js';
export { preprocess, toBatch, type PreprocessOptions } from './preprocess.js';
export { DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS, type ImageLimits } from './limits.js';
export {
  FILE_NOT_FOUND,
  IMAGE_CORRUPT,
  IMAGE_INVALID,
  IMAGE_TOO_LARGE,
  IMAGE_UNSUPPORTED_FORMAT,
  type ImageErrorCode,
} from './errors.js';
export { readPngHeader, type PngHeader } from './png-header.js';
export { readJpegHeader, type JpegHeader } from './jpeg-header.js';
export type { PixelData } from './pixels.js';
export type { RgbaImage } from './types.js';
