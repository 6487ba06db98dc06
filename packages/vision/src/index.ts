/**
 * @mobile-mm/vision: image input and (later) the vision encoder.
 */
export {
  decodeImage,
  preprocess,
  toBatch,
  readPngHeader,
  readJpegHeader,
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_PIXELS,
  FILE_NOT_FOUND,
  IMAGE_CORRUPT,
  IMAGE_INVALID,
  IMAGE_TOO_LARGE,
  IMAGE_UNSUPPORTED_FORMAT,
  type DecodeImageOptions,
  type ImageErrorCode,
  type ImageInput,
  type ImageLimits,
  type JpegHeader,
  type PixelData,
  type PngHeader,
  type PreprocessOptions,
  type RgbaImage,
} from './image/index.js';
export * from './model/index.js';
