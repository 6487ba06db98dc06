/**
 * TextDecoder's typed config: defaults, named presets and the one validation
 * function. Every field says why it exists; validation names the bad field.
 */
import { checkConfig } from '../errors.js';
import { checkOneOf, checkPositive, checkPositiveInt } from '../layers/common.js';
import { type NormKind, type TransformerBlockConfig, validateBlockConfig } from '../layers/block-config.js';
import type { FeedForwardKind } from '../layers/feed-forward.js';

/** How token positions enter the model. */
export type PositionalKind = 'learned' | 'sinusoidal' | 'rope';
export const POSITIONAL_KINDS: readonly PositionalKind[] = ['learned', 'sinusoidal', 'rope'];

export interface TextDecoderConfig {
  /** V: tokenizer vocabulary size (embedding rows, logits width). */
  vocabSize: number;
  /** L: longest prompt + generated sequence; sizes the learned position table and bounds step(). */
  maxLength: number;
  /** C: model width. Cost grows with C², quality too; 256 fits phones comfortably. */
  dim: number;
  /** N: decoder blocks. Depth buys reasoning steps; each block costs the same. */
  numLayers: number;
  /** H: attention heads per block. */
  numHeads: number;
  /** D: head size; C/H unless a checkpoint decouples them. */
  headDim: number;
  /** F: feed-forward hidden width (default 4C for gelu, 8C/3 for swiglu). */
  ffHiddenDim: number;
  /** 'layer' (GPT-2) or 'rms' (LLaMA). */
  norm: NormKind;
  /** 'gelu' or 'swiglu'. */
  ff: FeedForwardKind;
  /** 'learned' table (GPT-2, default), fixed 'sinusoidal', or 'rope' inside self-attention (extrapolates best). */
  positional: PositionalKind;
  /** Width of the encoder output for cross-attention (image/text encoder); null = decoder-only, memory ignored. */
  memoryDim: number | null;
  /** LM head = token embedding transposed: saves V·C weights, usual for small models. */
  tieEmbeddings: boolean;
  /** Dropout in every block while training; 0 for inference and for data-rich runs. */
  dropout: number;
  /** Biases in attention/FFN projections (false for LLaMA-style checkpoints). */
  useBias: boolean;
  /** ε of every norm. */
  normEpsilon: number;
  /** RoPE frequency base (positional 'rope' only). */
  ropeBase: number;
  /** Std of the normal init of embeddings and an untied LM head. */
  initStd: number;
}

/** vocabSize is required (it belongs to the tokenizer); the rest has defaults. */
export type TextDecoderConfigInput = Pick<TextDecoderConfig, 'vocabSize'> & Partial<TextDecoderConfig>;

export const DEFAULT_TEXT_DECODER_CONFIG: Omit<TextDecoderConfig, 'vocabSize' | 'headDim' | 'ffHiddenDim'> = {
  maxLength: 256,
  dim: 256,
  numLayers: 4,
  numHeads: 4,
  norm: 'layer',
  ff: 'gelu',
  positional: 'learned',
  memoryDim: null,
  tieEmbeddings: true,
  dropout: 0,
  useBias: true,
  normEpsilon: 1e-5,
  ropeBase: 10000,
  initStd: 0.02,
};

/** Named sizes; add the tokenizer's vocabSize: `{...TEXT_DECODER_PRESETS.tiny, vocabSize}`. */
export const TEXT_DECODER_PRESETS = {
  /** ~0.1M weights in blocks: tests, smoke runs. */
  tiny: { dim: 64, numLayers: 2, numHeads: 4, maxLength: 128 },
  /** ~3M weights in blocks: a phone-sized captioner/decoder. */
  small: { dim: 256, numLayers: 4, numHeads: 4, maxLength: 256 },
  /** LLaMA-style: RMSNorm, SwiGLU, RoPE, no biases. */
  smallLlama: { dim: 256, numLayers: 4, numHeads: 4, maxLength: 512, norm: 'rms', ff: 'swiglu', positional: 'rope', useBias: false },
} satisfies Record<string, Partial<TextDecoderConfig>>;

const FIELDS: readonly (keyof TextDecoderConfig)[] = [
  'vocabSize', 'maxLength', 'dim', 'numLayers', 'numHeads', 'headDim', 'ffHiddenDim', 'norm', 'ff',
  'positional', 'memoryDim', 'tieEmbeddings', 'dropout', 'useBias', 'normEpsilon', 'ropeBase', 'initStd',
]; // prettier-ignore

/** Defaults filled in, then validated. Unknown fields (typos) are rejected. */
export function resolveTextDecoderConfig(input: TextDecoderConfigInput): TextDecoderConfig {
  checkConfig(input !== null && typeof input === 'object', 'config', 'must be an object.');
  for (const key of Object.keys(input)) {
    checkConfig(FIELDS.includes(key as keyof TextDecoderConfig), key, `is not a TextDecoder config field; accepted: ${FIELDS.join(', ')}.`);
  }
  const merged = { ...DEFAULT_TEXT_DECODER_CONFIG, ...input };
  checkPositiveInt(merged.dim, 'dim');
  checkPositiveInt(merged.numHeads, 'numHeads');
  if (input.headDim === undefined) {
    checkConfig(merged.dim % merged.numHeads === 0, 'numHeads', `must divide dim (${merged.dim}) when headDim is not given; got ${merged.numHeads}.`);
  }
  const config: TextDecoderConfig = {
    ...merged,
    headDim: input.headDim ?? merged.dim / merged.numHeads,
    ffHiddenDim: input.ffHiddenDim ?? (merged.ff === 'swiglu' ? Math.round((8 * merged.dim) / 3) : 4 * merged.dim),
  };
  validateTextDecoderConfig(config);
  return config;
}

/** Throws MobileMMError('INVALID_CONFIG') naming the first bad field. */
export function validateTextDecoderConfig(config: TextDecoderConfig): void {
  checkConfig(config !== null && typeof config === 'object', 'config', 'must be an object.');
  checkPositiveInt(config.vocabSize, 'vocabSize');
  checkPositiveInt(config.maxLength, 'maxLength');
  checkPositiveInt(config.numLayers, 'numLayers');
  checkOneOf(config.positional, POSITIONAL_KINDS, 'positional');
  checkConfig(typeof config.tieEmbeddings === 'boolean', 'tieEmbeddings', `must be a boolean, got ${String(config.tieEmbeddings)}.`);
  checkPositive(config.initStd, 'initStd');
  validateBlockConfig(blockConfigOf(config));
}

/** The per-block config of a decoder. */
export function blockConfigOf(config: TextDecoderConfig): TransformerBlockConfig {
  return {
    dim: config.dim,
    numHeads: config.numHeads,
    headDim: config.headDim,
    ffHiddenDim: config.ffHiddenDim,
    norm: config.norm,
    ff: config.ff,
    dropout: config.dropout,
    rope: config.positional === 'rope',
    ropeBase: config.ropeBase,
    useBias: config.useBias,
    normEpsilon: config.normEpsilon,
    memoryDim: config.memoryDim ?? null,
  };
}
