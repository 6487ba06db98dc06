/**
 * Pre-norm transformer decoder block:
 *
 *   x = x + self_attn(norm1(x))            causal, with an optional KV cache
 *   x = x + cross_attn(norm2(x), memory)   only when config.memoryDim is set
 *   x = x + ff(norm3(x))
 *
 * Configured by a TransformerBlockConfig (block-config.ts). RoPE, when on,
 * applies to self-attention only (query and memory positions are unrelated).
 * Shapes: B=batch, T=new tokens, T0=cached tokens, S=memory length,
 * C=model width, Cm=memory width, H=heads, D=head size.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { MobileMMError } from '../errors.js';
import type { LayerKV } from '../generation/types.js';
import { type NormLayer, type TransformerBlockConfig, type TransformerBlockConfigInput, makeFeedForward, makeNorm, resolveBlockConfig } from './block-config.js';
import {
  buildSublayer,
  checkLastDim,
  checkRank,
  maybeDropout,
  prefixWeights,
  type Kwargs,
  type LayerArgs,
  type LayerVariable,
  type NamedLayerWeights,
  type Shape,
} from './common.js';
import type { FeedForward } from './feed-forward.js';
import type { Linear } from './linear.js';
import { MultiHeadAttention } from './multi-head-attention.js';

export interface TransformerDecoderBlockArgs extends LayerArgs {
  config: TransformerBlockConfigInput;
}

export interface DecoderBlockOptions {
  /** Encoder output [B, S, Cm]; needed with cross-attention unless crossKV is given; ignored without. */
  memory?: tf.Tensor3D | null;
  /** [B, S]: 1 for real memory positions, 0 for padding. */
  memoryPaddingMask?: tf.Tensor | null;
  /** Self-attention keys/values of the T0 earlier tokens ([B, H, T0, D]). */
  past?: LayerKV | null;
  /** Cross-attention keys/values computed earlier from the same memory (skips the projection). */
  crossKV?: LayerKV | null;
  training?: boolean;
}

export interface DecoderBlockOutput {
  /** [B, T, C] */
  output: tf.Tensor3D;
  /** Self-attention keys/values of past + new tokens, [B, H, T0+T, D]. */
  selfKV: LayerKV;
  /** Cross-attention keys/values ([B, H, S, D]) used this call; null without cross-attention. */
  crossKV: LayerKV | null;
}

export class TransformerDecoderBlock extends tfl.layers.Layer {
  static className = 'MobileMMTransformerDecoderBlock';
  readonly config: TransformerBlockConfig;
  readonly selfAttnNorm: NormLayer;
  readonly selfAttn: MultiHeadAttention;
  readonly crossAttnNorm: NormLayer | null = null;
  readonly crossAttn: MultiHeadAttention | null = null;
  readonly ffNorm: NormLayer;
  readonly ff: FeedForward;

  constructor(args: TransformerDecoderBlockArgs) {
    super(args);
    const c = (this.config = resolveBlockConfig(args.config));
    const attention = (name: string, kvDim: number, rope: boolean) =>
      new MultiHeadAttention({ dim: c.dim, numHeads: c.numHeads, headDim: c.headDim, kvDim, useBias: c.useBias, rope, ropeBase: c.ropeBase, dropout: c.dropout, name });
    this.selfAttnNorm = makeNorm(c, `${this.name}_self_attn_norm`);
    this.selfAttn = attention(`${this.name}_self_attn`, c.dim, c.rope);
    if (c.memoryDim !== null) {
      this.crossAttnNorm = makeNorm(c, `${this.name}_cross_attn_norm`);
      this.crossAttn = attention(`${this.name}_cross_attn`, c.memoryDim, false);
    }
    this.ffNorm = makeNorm(c, `${this.name}_ff_norm`);
    this.ff = makeFeedForward(c, `${this.name}_ff`);
  }

  private sublayers(): tfl.layers.Layer[] {
    const cross = this.crossAttn && this.crossAttnNorm ? [this.crossAttnNorm, this.crossAttn] : [];
    return [this.selfAttnNorm, this.selfAttn, ...cross, this.ffNorm, this.ff];
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape: Shape = [null, null, this.config.dim];
    checkLastDim(Array.isArray(inputShape[0]) ? (inputShape[0] as Shape) : (inputShape as Shape), this.config.dim, this.name);
    for (const layer of [this.selfAttnNorm, this.selfAttn, this.ffNorm, this.ff]) buildSublayer(layer, shape);
    if (this.crossAttn && this.crossAttnNorm) {
      buildSublayer(this.crossAttnNorm, shape);
      buildSublayer(this.crossAttn, [shape, [null, null, this.config.memoryDim]]);
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return Array.isArray(inputShape[0]) ? (inputShape[0] as Shape) : (inputShape as Shape);
  }

  /** x [B, T, C] → output [B, T, C] plus the keys/values to cache. Call inside tf.tidy. */
  forward(x: tf.Tensor3D, opts: DecoderBlockOptions = {}): DecoderBlockOutput {
    checkRank(x, 3, this.name);
    const { training } = opts;
    const drop = (y: tf.Tensor3D) => maybeDropout(y, this.config.dropout, training);

    const self = this.selfAttn.selfAttend(this.selfAttnNorm.forward(x) as tf.Tensor3D, { causal: true, past: opts.past, training });
    x = tf.add(x, drop(self.output));

    let crossKV: LayerKV | null = null;
    if (this.crossAttn && this.crossAttnNorm) {
      crossKV = opts.crossKV ?? this.crossAttn.keyValue(this.requireMemory(opts.memory, x)); // [B, H, S, D] each
      const h = this.crossAttnNorm.forward(x) as tf.Tensor3D;
      x = tf.add(x, drop(this.crossAttn.attend(h, crossKV, { keyPaddingMask: opts.memoryPaddingMask, training })));
    }

    x = tf.add(x, drop(this.ff.forward(this.ffNorm.forward(x), training) as tf.Tensor3D));
    return { output: x, selfKV: self.kv, crossKV };
  }

  private requireMemory(memory: tf.Tensor3D | null | undefined, x: tf.Tensor3D): tf.Tensor3D {
    if (!memory) {
      throw new MobileMMError('INVALID_ARGUMENT', `${this.name}: this block cross-attends (memoryDim ${this.config.memoryDim}); pass memory [B, S, ${this.config.memoryDim}].`);
    }
    checkRank(memory, 3, `${this.name} memory`);
    checkLastDim(memory.shape, this.config.memoryDim as number, `${this.name} memory`);
    if (memory.shape[0] !== x.shape[0]) {
      throw new MobileMMError('INVALID_SHAPE', `${this.name}: memory batch ${memory.shape[0]} != token batch ${x.shape[0]}.`, {
        expected: x.shape[0],
        actual: memory.shape[0],
      });
    }
    return memory;
  }

  override get trainableWeights(): LayerVariable[] {
    return this.trainable ? this.sublayers().flatMap((l) => l.trainableWeights) : [];
  }

  override get nonTrainableWeights(): LayerVariable[] {
    return this.trainable ? this.sublayers().flatMap((l) => l.nonTrainableWeights) : this.sublayers().flatMap((l) => l.weights);
  }

  /** Every projection of the block by dotted path (`self_attn.q`, `ff.up`, ...). */
  linears(): Record<string, Linear> {
    return {
      ...prefixWeights('self_attn', this.selfAttn.linears()),
      ...(this.crossAttn ? prefixWeights('cross_attn', this.crossAttn.linears()) : {}),
      ...prefixWeights('ff', this.ff.linears()),
    };
  }

  namedWeights(): NamedLayerWeights {
    return {
      ...prefixWeights('self_attn_norm', this.selfAttnNorm.namedWeights()),
      ...prefixWeights('self_attn', this.selfAttn.namedWeights()),
      ...(this.crossAttnNorm ? prefixWeights('cross_attn_norm', this.crossAttnNorm.namedWeights()) : {}),
      ...(this.crossAttn ? prefixWeights('cross_attn', this.crossAttn.namedWeights()) : {}),
      ...prefixWeights('ff_norm', this.ffNorm.namedWeights()),
      ...prefixWeights('ff', this.ff.namedWeights()),
    };
  }

  /** inputs: x [B, T, C] or [x, memory [B, S, Cm]]. kwargs: memoryPaddingMask, training. */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const [x, memory] = (Array.isArray(inputs) ? inputs : [inputs]) as tf.Tensor3D[];
      return this.forward(x, { memory, memoryPaddingMask: kwargs.memoryPaddingMask, training: kwargs.training }).output;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), config: { ...this.config } };
  }
}
