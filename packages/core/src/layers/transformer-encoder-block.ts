/**
 * Pre-norm transformer encoder block (GPT-2/ViT layout):
 *
 *   x = x + attn(norm1(x))      bidirectional self-attention (+ key padding mask)
 *   x = x + ff(norm2(x))
 *
 * Configured by a TransformerBlockConfig (block-config.ts).
 * Shapes: B=batch, T=tokens, C=model width.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { type TransformerBlockConfig, type TransformerBlockConfigInput, type NormLayer, makeFeedForward, makeNorm, resolveBlockConfig } from './block-config.js';
import {
  buildSublayer,
  checkLastDim,
  checkRank,
  maybeDropout,
  prefixWeights,
  single,
  type Kwargs,
  type LayerArgs,
  type LayerVariable,
  type NamedLayerWeights,
  type Shape,
} from './common.js';
import type { FeedForward } from './feed-forward.js';
import type { Linear } from './linear.js';
import { MultiHeadAttention } from './multi-head-attention.js';

export interface TransformerEncoderBlockArgs extends LayerArgs {
  config: TransformerBlockConfigInput;
}

export interface EncoderBlockOptions {
  /** [B, T]: 1 for real tokens, 0 for padding (padding keys are ignored). */
  paddingMask?: tf.Tensor | null;
  training?: boolean;
}

export class TransformerEncoderBlock extends tfl.layers.Layer {
  static className = 'MobileMMTransformerEncoderBlock';
  readonly config: TransformerBlockConfig;
  readonly attnNorm: NormLayer;
  readonly attn: MultiHeadAttention;
  readonly ffNorm: NormLayer;
  readonly ff: FeedForward;

  constructor(args: TransformerEncoderBlockArgs) {
    super(args);
    const c = (this.config = resolveBlockConfig(args.config));
    this.attnNorm = makeNorm(c, `${this.name}_attn_norm`);
    this.attn = new MultiHeadAttention({
      dim: c.dim,
      numHeads: c.numHeads,
      headDim: c.headDim,
      useBias: c.useBias,
      rope: c.rope,
      ropeBase: c.ropeBase,
      dropout: c.dropout,
      name: `${this.name}_attn`,
    });
    this.ffNorm = makeNorm(c, `${this.name}_ff_norm`);
    this.ff = makeFeedForward(c, `${this.name}_ff`);
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape: Shape = [null, null, this.config.dim];
    checkLastDim(Array.isArray(inputShape[0]) ? (inputShape[0] as Shape) : (inputShape as Shape), this.config.dim, this.name);
    for (const layer of [this.attnNorm, this.attn, this.ffNorm, this.ff]) buildSublayer(layer, shape);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return inputShape as Shape;
  }

  /** x [B, T, C] → [B, T, C]. Call inside tf.tidy. */
  forward(x: tf.Tensor3D, opts: EncoderBlockOptions = {}): tf.Tensor3D {
    checkRank(x, 3, this.name);
    const { training } = opts;
    const a = this.attn.selfAttend(this.attnNorm.forward(x) as tf.Tensor3D, { keyPaddingMask: opts.paddingMask, training }).output;
    x = tf.add(x, maybeDropout(a, this.config.dropout, training));
    return tf.add(x, maybeDropout(this.ff.forward(this.ffNorm.forward(x), training), this.config.dropout, training));
  }

  override get trainableWeights(): LayerVariable[] {
    return this.trainable ? [this.attnNorm, this.attn, this.ffNorm, this.ff].flatMap((l) => l.trainableWeights) : [];
  }

  override get nonTrainableWeights(): LayerVariable[] {
    const all = [this.attnNorm, this.attn, this.ffNorm, this.ff];
    return this.trainable ? all.flatMap((l) => l.nonTrainableWeights) : all.flatMap((l) => l.weights);
  }

  /** Every projection of the block by dotted path (`attn.q`, `ff.up`, ...). */
  linears(): Record<string, Linear> {
    return { ...prefixWeights('attn', this.attn.linears()), ...prefixWeights('ff', this.ff.linears()) };
  }

  namedWeights(): NamedLayerWeights {
    return {
      ...prefixWeights('attn_norm', this.attnNorm.namedWeights()),
      ...prefixWeights('attn', this.attn.namedWeights()),
      ...prefixWeights('ff_norm', this.ffNorm.namedWeights()),
      ...prefixWeights('ff', this.ff.namedWeights()),
    };
  }

  /** kwargs: paddingMask [B, T], training. */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => this.forward(single(inputs, this.name) as tf.Tensor3D, { paddingMask: kwargs.paddingMask, training: kwargs.training }));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), config: { ...this.config } };
  }
}
