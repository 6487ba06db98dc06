export { TextDecoder, type TextDecoderOptions } from './text-decoder.js';
export {
  type TextDecoderConfig,
  type TextDecoderConfigInput,
  type PositionalKind,
  POSITIONAL_KINDS,
  DEFAULT_TEXT_DECODER_CONFIG,
  TEXT_DECODER_PRESETS,
  resolveTextDecoderConfig,
  validateTextDecoderConfig,
  blockConfigOf,
} from './text-decoder-config.js';
export { DecoderKVCache, type DecoderLayerCache } from './decoder-kv-cache.js';
