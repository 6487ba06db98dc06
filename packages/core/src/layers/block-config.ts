/**
 * The typed config shared by TransformerEncoderBlock and
 * TransformerDecoderBlock, its defaults and its one validation function, plus
 * the factories that turn `norm`/`ff` into layers. To try another norm or
 * feed-forward, add a kind here and a case in the factory.
 */
import { checkConfig } from '../errors.js';
import { checkOneOf, checkPositive, checkPositiveInt, checkRate } from './common.js';
import { FEED_FORWARD_KINDS, FeedForward, type FeedForwardKind } from './feed-forward.js';
import { LayerNorm } from './layer-norm.js';
import { RMSNorm } from './rms-norm.js';

export type NormKind = 'layer' | 'rms';
export const NORM_KINDS: readonly NormKind[] = ['layer', 'rms'];
export type NormLayer = LayerNorm | RMSNorm;

export interface TransformerBlockConfig {
  /** C: width of the residual stream; every sublayer maps C → C. */
  dim: number;
  /** H: attention heads; more heads = more, narrower attention patterns. */
  numHeads: number;
  /** D: head size; C/H unless a model decouples them. */
  headDim: number;
  /** F: feed-forward hidden width; the FFN holds about 2/3 of a block's weights. */
  ffHiddenDim: number;
  /** 'layer' (GPT-2, ViT) or 'rms' (LLaMA; cheaper, no bias). */
  norm: NormKind;
  /** 'gelu' (2 matrices) or 'swiglu' (3 matrices, better per parameter). */
  ff: FeedForwardKind;
  /** Dropout on attention weights, FFN hidden and residual branches while training; 0 for small data-rich runs and inference. */
  dropout: number;
  /** Rotate q/k with RoPE in self-attention (instead of adding positions to the input). */
  rope: boolean;
  /** RoPE frequency base. */
  ropeBase: number;
  /** Biases in attention and FFN projections; false halves nothing but is what LLaMA-style checkpoints have. */
  useBias: boolean;
  /** ε of the norms; 1e-5 as PyTorch. */
  normEpsilon: number;
  /** Decoder only: width of the encoder output that cross-attention reads; null = no cross-attention. */
  memoryDim: number | null;
}

/** What a caller must give (dim, numHeads); everything else has a default. */
export type TransformerBlockConfigInput = Pick<TransformerBlockConfig, 'dim' | 'numHeads'> & Partial<TransformerBlockConfig>;

export const DEFAULT_BLOCK_CONFIG: Omit<TransformerBlockConfig, 'dim' | 'numHeads' | 'headDim' | 'ffHiddenDim'> = {
  norm: 'layer',
  ff: 'gelu',
  dropout: 0,
  rope: false,
  ropeBase: 10000,
  useBias: true,
  normEpsilon: 1e-5,
  memoryDim: null,
};

/** Fills defaults (headDim = C/H, ffHiddenDim = 4C for gelu, 8C/3 for swiglu) and validates. */
export function resolveBlockConfig(input: TransformerBlockConfigInput): TransformerBlockConfig {
  const merged = { ...DEFAULT_BLOCK_CONFIG, ...input };
  checkPositiveInt(merged.dim, 'dim');
  checkPositiveInt(merged.numHeads, 'numHeads');
  if (input.headDim === undefined) {
    checkConfig(merged.dim % merged.numHeads === 0, 'numHeads', `must divide dim (${merged.dim}) when headDim is not given; got ${merged.numHeads}.`);
  }
  const config: TransformerBlockConfig = {
    ...merged,
    headDim: input.headDim ?? merged.dim / merged.numHeads,
    ffHiddenDim: input.ffHiddenDim ?? (merged.ff === 'swiglu' ? Math.round((8 * merged.dim) / 3) : 4 * merged.dim),
  };
  validateBlockConfig(config);
  return config;
}

/** Throws MobileMMError('INVALID_CONFIG') naming the first bad field. */
export function validateBlockConfig(config: TransformerBlockConfig): void {
  checkConfig(config !== null && typeof config === 'object', 'config', 'must be an object.');
  checkPositiveInt(config.dim, 'dim');
  checkPositiveInt(config.numHeads, 'numHeads');
  checkPositiveInt(config.headDim, 'headDim');
  checkPositiveInt(config.ffHiddenDim, 'ffHiddenDim');
  checkOneOf(config.norm, NORM_KINDS, 'norm');
  checkOneOf(config.ff, FEED_FORWARD_KINDS, 'ff');
  checkRate(config.dropout, 'dropout');
  checkConfig(typeof config.rope === 'boolean', 'rope', `must be a boolean, got ${String(config.rope)}.`);
  if (config.rope) checkConfig(config.headDim % 2 === 0, 'headDim', `must be even with rope (dims rotate in pairs); got ${config.headDim}.`);
  checkPositive(config.ropeBase, 'ropeBase');
  checkConfig(typeof config.useBias === 'boolean', 'useBias', `must be a boolean, got ${String(config.useBias)}.`);
  checkPositive(config.normEpsilon, 'normEpsilon');
  if (config.memoryDim !== null) checkPositiveInt(config.memoryDim, 'memoryDim');
}

export function makeNorm(config: TransformerBlockConfig, name: string): NormLayer {
  switch (config.norm) {
    case 'layer':
      return new LayerNorm({ dim: config.dim, epsilon: config.normEpsilon, name });
    case 'rms':
      return new RMSNorm({ dim: config.dim, epsilon: config.normEpsilon, name });
  }
}

export function makeFeedForward(config: TransformerBlockConfig, name: string): FeedForward {
  return new FeedForward({
    dim: config.dim,
    hiddenDim: config.ffHiddenDim,
    kind: config.ff,
    useBias: config.useBias,
    dropout: config.dropout,
    name,
  });
}
