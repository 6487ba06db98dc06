export {
  SPECIAL_TOKEN_NAMES,
  SPECIAL_TOKEN_IDS,
  DEFAULT_SPECIAL_TOKEN_TEXT,
  type SpecialTokenName,
  type EncodeOptions,
  type DecodeOptions,
  type EncodeBatchOptions,
  type EncodedBatch,
  type TokenizerJSONBase,
  type Tokenizer,
} from './tokenizer.js';
export { encodeBatchWith, type BatchSpecialIds } from './batch.js';
export {
  CharTokenizer,
  SYNTHSCENES_CHARSET,
  type CharTokenizerConfig,
  type CharTokenizerJSON,
} from './char-tokenizer.js';
