/**
 * @mobile-mm/core: layers, the text decoder, generation, tokenizer, weights
 * I/O and typed errors. Importing this entry has no side effect: it starts
 * and registers no tfjs backend and registers no class. Those live in
 * their own entry points, each listed in package.json `sideEffects`:
 *
 *   @mobile-mm/core/backend          setupBackend, availableBackends, the wasm fixes (imports no backend itself)
 *   @mobile-mm/core/backend/cpu      registers tfjs-backend-cpu on import
 *   @mobile-mm/core/backend/wasm     registers tfjs-backend-wasm on import
 *   @mobile-mm/core/backend/webgl    registers tfjs-backend-webgl on import
 *   @mobile-mm/core/backend/webgpu   registers tfjs-backend-webgpu on import
 *   @mobile-mm/core/gradients        registers every op gradient (imports tfjs-layers) for training
 *   @mobile-mm/core/register-layers  registers the layer classes for serialization by name
 */
export {
  MOBILE_MM_ERROR_BRAND,
  MOBILE_MM_ERROR_CODES,
  MobileMMError,
  checkConfig,
  checkShape,
  isMobileMMError,
  isMobileMMErrorCode,
  localizeError,
  type MobileMMErrorCode,
} from './errors.js';
export {
  loadAllMessages,
  loadMessages,
  messageLanguage,
  messagesLoaded,
  msg,
  negotiateLanguage,
  setMessageLanguage,
  technicalMessage,
  localText,
  useMessageLanguage,
  englishCatalog,
  type Catalog,
  type LocalText,
  type MessageKey,
  type MessageValues,
} from './i18n/index.js';
export { LANGUAGES, isLanguage, languageOfLocale, type Language } from './languages.js';
export { SECURITY_LIMITS, SECURITY_MODES, SECURITY_MODE_ENV, resolveSecurityMode, type SecurityLimits, type SecurityMode } from './security.js';
export { isNode, importNodeBuiltin, processEnv } from './env.js';
// Types only: starting a backend is @mobile-mm/core/backend's job.
export type { BackendName } from './backend/backends.js';
export type { SetupBackendOptions } from './backend/setup.js';

export {
  type LayerArgs,
  type Kwargs,
  type NamedLayerWeights,
  SERIALIZATION_PACKAGE,
  type LayerVariable,
  buildSublayer,
  prefixWeights,
} from './layers/common.js';
export { Linear, type LinearArgs, type LinearFormat, type PackedLinear } from './layers/linear.js';
export { Embedding, type EmbeddingArgs } from './layers/embedding.js';
export { LearnedPositionalEmbedding, type LearnedPositionalEmbeddingArgs } from './layers/learned-positional-embedding.js';
export { LearnedPositionalEmbedding2D, type LearnedPositionalEmbedding2DArgs } from './layers/learned-positional-embedding-2d.js';
export {
  SinusoidalPositionalEncoding,
  type SinusoidalPositionalEncodingArgs,
  sinusoidalTable,
} from './layers/sinusoidal-positional-encoding.js';
export { RotaryEmbedding, type RotaryEmbeddingArgs, rotaryTables } from './layers/rotary-embedding.js';
export { LayerNorm, type LayerNormArgs } from './layers/layer-norm.js';
export {
  FUSED_ATTENTION,
  FUSED_ATTENTION_MAX_QUERIES,
  FUSED_LAYER_NORM,
  fusedKernelAvailable,
  setFusedKernelsEnabled,
  type FusedAttentionAttrs,
  type FusedLayerNormAttrs,
} from './layers/fused.js';
export { RMSNorm, type RMSNormArgs } from './layers/rms-norm.js';
export {
  MultiHeadAttention,
  type MultiHeadAttentionArgs,
  type AttendOptions,
  type SelfAttendOptions,
  MASKED_SCORE,
  causalBias,
} from './layers/multi-head-attention.js';
export {
  FeedForward,
  type FeedForwardArgs,
  type FeedForwardKind,
  FEED_FORWARD_KINDS,
  geluSigmoid,
  silu,
} from './layers/feed-forward.js';
export {
  type NormKind,
  type NormLayer,
  type TransformerBlockConfig,
  type TransformerBlockConfigInput,
  NORM_KINDS,
  DEFAULT_BLOCK_CONFIG,
  resolveBlockConfig,
  validateBlockConfig,
  makeNorm,
  makeFeedForward,
} from './layers/block-config.js';
export {
  TransformerEncoderBlock,
  type TransformerEncoderBlockArgs,
  type EncoderBlockOptions,
} from './layers/transformer-encoder-block.js';
export {
  TransformerDecoderBlock,
  type TransformerDecoderBlockArgs,
  type DecoderBlockOptions,
  type DecoderBlockOutput,
} from './layers/transformer-decoder-block.js';

export { TextDecoder, type TextDecoderOptions } from './models/text-decoder.js';
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
} from './models/text-decoder-config.js';
export { DecoderKVCache, type DecoderLayerCache } from './models/decoder-kv-cache.js';

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
} from './tokenizer/tokenizer.js';
export { encodeBatchWith, type BatchSpecialIds } from './tokenizer/batch.js';
export {
  CharTokenizer,
  SYNTHSCENES_CHARSET,
  type CharTokenizerConfig,
  type CharTokenizerJSON,
} from './tokenizer/char-tokenizer.js';

export {
  SAFETENSORS_DTYPES,
  UNSUPPORTED_SAFETENSORS_DTYPES,
  DTYPE_BYTES,
  isSafetensorsDType,
  type SafetensorsDType,
  type SafetensorsData,
} from './io/dtypes.js';
export {
  float32ToFloat16Bits,
  float16BitsToFloat32,
  float32ToFloat16,
  float16ToFloat32,
  float32ToBfloat16Bits,
  bfloat16BitsToFloat32,
  float32ToBfloat16,
  bfloat16ToFloat32,
} from './io/float16.js';
export {
  serializeSafetensors,
  parseSafetensors,
  MAX_HEADER_LENGTH,
  type SafetensorsEntry,
  type SafetensorsTensor,
  type SafetensorsEntries,
  type ParsedSafetensors,
  type ParseSafetensorsOptions,
} from './io/safetensors.js';
export {
  entryToTensor,
  entriesToTensors,
  tensorToEntry,
  tensorsToEntries,
  tensorsToSafetensors,
  type TensorsToSafetensorsOptions,
} from './io/tensors.js';
export {
  checkWeights,
  type ExpectedTensor,
  type WeightSpec,
  type TensorMismatch,
  type CheckWeightsOptions,
} from './io/weight-spec.js';
export { readBytes, readText, writeBytes, joinLocation, type ByteSource } from './io/files.js';
export {
  CHECKPOINT_WEIGHTS_FILE,
  CHECKPOINT_CONFIG_FILE,
  loadSafetensors,
  saveSafetensors,
  encodeCheckpoint,
  saveCheckpoint,
  loadCheckpoint,
  type LoadSafetensorsOptions,
  type CheckpointData,
  type CheckpointSource,
  type LoadCheckpointOptions,
  type LoadedCheckpoint,
} from './io/checkpoint.js';

export type { LayerKV, KVCache, CausalDecoder } from './generation/types.js';
export {
  type GenerationStrategy,
  type FinishReason,
  type TokenEvent,
  type GenerateOptions,
} from './generation/options.js';
export { generate, generateStream, type GenerateResult } from './generation/generate.js';
export type { Hypothesis } from './generation/beam-search.js';
export {
  argmax,
  logSoftmax,
  samplingDistribution,
  sampleToken,
  createRandom,
  rowSeed,
  type Random,
  type SamplingParams,
} from './generation/sampling.js';

export { ctcLoss, ctcBestPath, ctcGreedyDecode, type CtcOptions, type CtcPath } from './losses/ctc.js';
