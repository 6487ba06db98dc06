export {
  type LayerArgs,
  type Kwargs,
  type NamedLayerWeights,
  SERIALIZATION_PACKAGE,
  type LayerVariable,
  buildSublayer,
  prefixWeights,
} from './common.js';
export { Linear, type LinearArgs, type LinearFormat, type PackedLinear } from './linear.js';
export { Embedding, type EmbeddingArgs } from './embedding.js';
export { LearnedPositionalEmbedding, type LearnedPositionalEmbeddingArgs } from './learned-positional-embedding.js';
export { LearnedPositionalEmbedding2D, type LearnedPositionalEmbedding2DArgs } from './learned-positional-embedding-2d.js';
export {
  SinusoidalPositionalEncoding,
  type SinusoidalPositionalEncodingArgs,
  sinusoidalTable,
} from './sinusoidal-positional-encoding.js';
export { RotaryEmbedding, type RotaryEmbeddingArgs, rotaryTables } from './rotary-embedding.js';
export { LayerNorm, type LayerNormArgs } from './layer-norm.js';
export { RMSNorm, type RMSNormArgs } from './rms-norm.js';
export {
  MultiHeadAttention,
  type MultiHeadAttentionArgs,
  type AttendOptions,
  type SelfAttendOptions,
  MASKED_SCORE,
  causalBias,
} from './multi-head-attention.js';
export {
  FeedForward,
  type FeedForwardArgs,
  type FeedForwardKind,
  FEED_FORWARD_KINDS,
  geluSigmoid,
  silu,
} from './feed-forward.js';
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
} from './block-config.js';
export {
  TransformerEncoderBlock,
  type TransformerEncoderBlockArgs,
  type EncoderBlockOptions,
} from './transformer-encoder-block.js';
export {
  TransformerDecoderBlock,
  type TransformerDecoderBlockArgs,
  type DecoderBlockOptions,
  type DecoderBlockOutput,
} from './transformer-decoder-block.js';
