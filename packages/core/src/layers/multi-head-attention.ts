/**
 * Multi-head scaled dot-product attention (Vaswani et al. 2017), self or
 * cross, with separate q/k/v/out projections:
 *
 *   q = x·Wq + bq,  k = src·Wk + bk,  v = src·Wv + bv     (src = x for self)
 *   a = softmax(q·kᵀ/√D + mask) · v,  out = concat_heads(a)·Wo + bo
 *
 * Masks are additive: masked scores get MASKED_SCORE (finite, see below).
 *   causal          query at absolute position p sees keys 0..p
 *   keyPaddingMask  [B, S], 1 = real key, 0 = padding
 * RoPE (optional) rotates q and k by their absolute positions before q·kᵀ.
 * KV cache: selfAttend(x, {past}) appends the new keys/values to `past` and
 * returns both, so decoding one token costs O(T) instead of O(T²).
 *
 * Shapes: B=batch, T=query tokens, S=key/value tokens, C=model width,
 * Ckv=key/value source width, H=heads, D=head size. Attention matmuls run on
 * [B, H, T, D].
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { checkConfig, checkShape } from '../errors.js';
import type { LayerKV } from '../generation/types.js';
import {
  checkLastDim,
  checkPositive,
  checkPositiveInt,
  checkRank,
  checkRate,
  maybeDropout,
  prefixWeights,
  type Kwargs,
  type LayerArgs,
  type LayerVariable,
  type NamedLayerWeights,
  type Shape,
} from './common.js';
import { FUSED_ATTENTION, FUSED_ATTENTION_MAX_QUERIES, fusedKernelAvailable, type FusedAttentionAttrs } from './fused.js';
import { Linear } from './linear.js';
import { RotaryEmbedding } from './rotary-embedding.js';

/**
 * Score given to masked positions. Finite so a fully masked row gives finite
 * (meaningless) weights instead of NaN, and small enough in magnitude to be
 * exact in float16 (webgl f16 textures, max 65504); exp(-30000) is 0 in float32.
 */
export const MASKED_SCORE = -30000;

export interface MultiHeadAttentionArgs extends LayerArgs {
  /** C: width of the query input and of the output. */
  dim: number;
  /** H: number of heads. */
  numHeads: number;
  /** D: head size; default C / H (must divide). */
  headDim?: number;
  /** Ckv: width of the key/value source; default C. Cross-attention to a wider/narrower encoder sets it. */
  kvDim?: number;
  /** Biases on the four projections (default true; LLaMA-style models use false). */
  useBias?: boolean;
  /** Rotate q and k with RoPE (default false). */
  rope?: boolean;
  /** RoPE frequency base (default 10000). */
  ropeBase?: number;
  /** Dropout on the attention weights while training (default 0). */
  dropout?: number;
}

export interface AttendOptions {
  /** Mask keys after each query's position (decoder self-attention). */
  causal?: boolean;
  /** Absolute position of the first query (tokens already in a KV cache). Default 0. */
  queryOffset?: number;
  /** [B, S]: 1 (or true) for real keys, 0 for padding. Any dtype. */
  keyPaddingMask?: tf.Tensor | null;
  training?: boolean;
}

export interface SelfAttendOptions extends AttendOptions {
  /** Keys/values of earlier tokens ([B, H, T0, D] each); the new tokens sit at positions T0... */
  past?: LayerKV | null;
}

export class MultiHeadAttention extends tfl.layers.Layer {
  /** Prefixed: tfjs-layers already registers a class named 'MultiHeadAttention'. */
  static className = 'MobileMMMultiHeadAttention';
  readonly dim: number;
  readonly numHeads: number;
  readonly headDim: number;
  readonly kvDim: number;
  readonly useBias: boolean;
  readonly rope: boolean;
  readonly ropeBase: number;
  readonly dropout: number;
  private readonly rotary: RotaryEmbedding | null;
  private w!: Record<'q' | 'k' | 'v' | 'out', Linear>;

  constructor(args: MultiHeadAttentionArgs) {
    super(args);
    checkPositiveInt(args.dim, 'dim');
    checkPositiveInt(args.numHeads, 'numHeads');
    if (args.headDim === undefined) {
      checkConfig(args.dim % args.numHeads === 0, 'numHeads', `must divide dim (${args.dim}) when headDim is not given; got ${args.numHeads}.`);
    }
    this.headDim = args.headDim ?? args.dim / args.numHeads;
    checkPositiveInt(this.headDim, 'headDim');
    this.kvDim = args.kvDim ?? args.dim;
    checkPositiveInt(this.kvDim, 'kvDim');
    this.dropout = args.dropout ?? 0;
    checkRate(this.dropout, 'dropout');
    this.ropeBase = args.ropeBase ?? 10000;
    checkPositive(this.ropeBase, 'ropeBase');
    this.dim = args.dim;
    this.numHeads = args.numHeads;
    this.useBias = args.useBias ?? true;
    this.rope = args.rope ?? false;
    this.rotary = this.rope ? new RotaryEmbedding({ headDim: this.headDim, base: this.ropeBase, name: `${this.name}_rope` }) : null;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shapes = Array.isArray(inputShape[0]) ? (inputShape as Shape[]) : [inputShape as Shape];
    checkLastDim(shapes[0], this.dim, `${this.name} query input`);
    if (shapes[1]) checkLastDim(shapes[1], this.kvDim, `${this.name} memory input`);
    const hd = this.numHeads * this.headDim;
    const proj = (name: string, inDim: number, outDim: number) => new Linear({ inDim, outDim, useBias: this.useBias, name: `${this.name}_${name}` }).ensureBuilt();
    this.w = { q: proj('q', this.dim, hd), k: proj('k', this.kvDim, hd), v: proj('v', this.kvDim, hd), out: proj('out', hd, this.dim) };
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return Array.isArray(inputShape[0]) ? (inputShape[0] as Shape) : (inputShape as Shape);
  }

  /** x [B, T, Cin] → [B, H, T, D] through one projection. */
  private heads(x: tf.Tensor3D, which: 'q' | 'k' | 'v'): tf.Tensor4D {
    const [b, t, cin] = x.shape;
    const y = this.w[which].apply2d(tf.reshape(x, [b * t, cin])); // [B·T, H·D]
    const split = tf.reshape(y, [b, t, this.numHeads, this.headDim]); // [B, T, H, D]
    return tf.transpose(split, [0, 2, 1, 3]) as tf.Tensor4D; // [B, H, T, D]
  }

  /** Keys and values of `source` [B, S, Ckv] at positions offset.. → [B, H, S, D] each. Call inside tf.tidy. */
  keyValue(source: tf.Tensor3D, offset = 0): LayerKV {
    checkRank(source, 3, `${this.name} key/value source`);
    checkLastDim(source.shape, this.kvDim, `${this.name} key/value source`);
    let key = this.heads(source, 'k'); // [B, H, S, D]
    if (this.rotary) key = this.rotary.forward(key, offset) as tf.Tensor4D;
    return { key, value: this.heads(source, 'v') };
  }

  /** Queries from x [B, T, C] attend to `kv`; returns [B, T, C]. Call inside tf.tidy. */
  attend(x: tf.Tensor3D, kv: LayerKV, opts: AttendOptions = {}): tf.Tensor3D {
    checkRank(x, 3, `${this.name} query input`);
    checkLastDim(x.shape, this.dim, `${this.name} query input`);
    const [b, t] = x.shape;
    const s = kv.key.shape[2];
    const want = [b, this.numHeads, s, this.headDim];
    for (const part of [kv.key, kv.value]) {
      checkShape(tf.util.arraysEqual(part.shape, want), `${this.name}: cached keys/values must be [${want}] (B, H, S, D), got [${part.shape}].`, {
        expected: want,
        actual: part.shape,
      });
    }
    const offset = opts.queryOffset ?? 0;
    if (!this.rotary && !opts.keyPaddingMask && !opts.training && t <= FUSED_ATTENTION_MAX_QUERIES && fusedKernelAvailable(FUSED_ATTENTION)) {
      // Few queries (decode steps, prompts): one kernel from the projected q to the merged heads (fused.ts).
      const hd = this.numHeads * this.headDim;
      const q = tf.reshape(this.w.q.apply2d(tf.reshape(x, [b * t, this.dim])), [b, t, hd]); // [B, T, H·D]
      const attrs: FusedAttentionAttrs = { numHeads: this.numHeads, headDim: this.headDim, scale: 1 / Math.sqrt(this.headDim), causal: opts.causal ?? false, queryOffset: offset };
      const a = tf.engine().runKernel(FUSED_ATTENTION, { q, key: kv.key, value: kv.value }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor3D; // [B, T, H·D]
      return tf.reshape(this.w.out.apply2d(tf.reshape(a, [b * t, hd])), [b, t, this.dim]); // [B, T, C]
    }
    let q = this.heads(x, 'q'); // [B, H, T, D]
    if (this.rotary) q = this.rotary.forward(q, offset) as tf.Tensor4D;
    q = tf.mul(q, 1 / Math.sqrt(this.headDim));
    let scores = tf.matMul(q, kv.key, false, true); // [B, H, T, S]
    if (opts.causal) scores = tf.add(scores, causalBias(t, s, offset)); // + [T, S]
    if (opts.keyPaddingMask) scores = tf.add(scores, this.paddingBias(opts.keyPaddingMask, b, s)); // + [B, 1, 1, S]
    const weights = maybeDropout(tf.softmax(scores, -1), this.dropout, opts.training); // [B, H, T, S]
    const a = tf.matMul(weights, kv.value); // [B, H, T, D]
    const merged = tf.reshape(tf.transpose(a, [0, 2, 1, 3]), [b * t, this.numHeads * this.headDim]) as tf.Tensor2D; // [B·T, H·D]
    const out = this.w.out.apply2d(merged); // [B·T, C]
    return tf.reshape(out, [b, t, this.dim]); // [B, T, C]
  }

  /**
   * Self-attention of x [B, T, C] after `past` (if any). Returns the output
   * [B, T, C] and the keys/values of past + x ([B, H, T0+T, D]) for the next
   * step. Call inside tf.tidy.
   */
  selfAttend(x: tf.Tensor3D, opts: SelfAttendOptions = {}): { output: tf.Tensor3D; kv: LayerKV } {
    const past = opts.past ?? null;
    const offset = past ? past.key.shape[2] : 0;
    const fresh = this.keyValue(x, offset); // [B, H, T, D] each
    const kv = past
      ? { key: tf.concat([past.key, fresh.key], 2), value: tf.concat([past.value, fresh.value], 2) } // [B, H, T0+T, D]
      : fresh;
    return { output: this.attend(x, kv, { ...opts, queryOffset: offset }), kv };
  }

  /** [B, S] 1/0 mask → additive bias [B, 1, 1, S]. */
  private paddingBias(mask: tf.Tensor, b: number, s: number): tf.Tensor4D {
    checkShape(tf.util.arraysEqual(mask.shape, [b, s]), `${this.name}: keyPaddingMask must be [${b}, ${s}] (B, S), got [${mask.shape}].`, {
      expected: [b, s],
      actual: mask.shape,
    });
    const bias = tf.mul(tf.sub(1, tf.cast(mask, 'float32')), MASKED_SCORE); // [B, S]
    return tf.reshape(bias, [b, 1, 1, s]); // [B, 1, 1, S]
  }

  /** The four projections: q, k, v, out. */
  linears(): Record<string, Linear> {
    return { ...(this.w ?? {}) };
  }

  namedWeights(): NamedLayerWeights {
    return Object.assign({}, ...Object.entries(this.linears()).map(([name, l]) => prefixWeights(name, l.namedWeights())));
  }

  override get trainableWeights(): LayerVariable[] {
    return this.trainable ? Object.values(this.linears()).flatMap((l) => l.trainableWeights) : [];
  }

  override get nonTrainableWeights(): LayerVariable[] {
    return Object.values(this.linears()).flatMap((l) => (this.trainable ? l.nonTrainableWeights : l.weights));
  }

  /**
   * inputs: x [B, T, C] (self-attention) or [x, memory [B, S, Ckv]] (cross).
   * kwargs: causal, keyPaddingMask, training.
   */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const [x, memory] = (Array.isArray(inputs) ? inputs : [inputs]) as tf.Tensor3D[];
      const opts: AttendOptions = { causal: kwargs.causal, keyPaddingMask: kwargs.keyPaddingMask, training: kwargs.training };
      if (memory) {
        checkRank(x, 3, `${this.name} query input`);
        checkRank(memory, 3, `${this.name} memory input`);
        checkShape(memory.shape[0] === x.shape[0], `${this.name}: memory batch ${memory.shape[0]} != query batch ${x.shape[0]}.`, {
          expected: x.shape[0],
          actual: memory.shape[0],
        });
        return this.attend(x, this.keyValue(memory), opts);
      }
      return this.selfAttend(x, opts).output;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      dim: this.dim,
      numHeads: this.numHeads,
      headDim: this.headDim,
      kvDim: this.kvDim,
      useBias: this.useBias,
      rope: this.rope,
      ropeBase: this.ropeBase,
      dropout: this.dropout,
    };
  }
}

/** [T, S] additive mask: query i (absolute position offset+i) sees keys j ≤ offset+i. */
export function causalBias(t: number, s: number, offset: number): tf.Tensor2D {
  const bias = new Float32Array(t * s);
  for (let i = 0; i < t; i++) {
    for (let j = offset + i + 1; j < s; j++) bias[i * s + j] = MASKED_SCORE;
  }
  return tf.tensor2d(bias, [t, s]);
}
