/**
 * Rotary positional embedding (RoPE, Su et al. 2021), applied to queries and
 * keys inside attention, never added to x. "Rotate-half" layout (GPT-NeoX,
 * LLaMA as in Hugging Face): the pair rotated together is (x[j], x[j + D/2]),
 *
 *   θ_j      = base^(-2j/D),  j = 0 .. D/2-1
 *   out[j]       = x[j]·cos(pθ_j) − x[j+D/2]·sin(pθ_j)
 *   out[j+D/2]   = x[j+D/2]·cos(pθ_j) + x[j]·sin(pθ_j)
 *
 * so q·k depends only on the distance between positions. Checkpoints in the
 * interleaved layout (pairs (x[2j], x[2j+1]), original RoFormer/Meta LLaMA)
 * need their q/k projection columns permuted on load.
 *
 * No weights; cos/sin tables are computed in float64 on the CPU (JS).
 * Shapes: B=batch, H=heads, T=tokens, D=head size (even).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { checkConfig, checkShape } from '../errors.js';
import {
  checkLastDim,
  checkPositive,
  checkPositiveInt,
  checkRank,
  single,
  type Kwargs,
  type LayerArgs,
  type NamedLayerWeights,
  type Shape,
} from './common.js';

export interface RotaryEmbeddingArgs extends LayerArgs {
  /** D: head size; must be even (dims are rotated in pairs). */
  headDim: number;
  /** Frequency base; 10000 as RoFormer/LLaMA. Larger bases reach longer contexts. */
  base?: number;
}

/** cos and sin tables [length, D] for positions offset .. offset+length-1 (rotate-half layout). */
export function rotaryTables(offset: number, length: number, headDim: number, base = 10000): { cos: Float32Array; sin: Float32Array } {
  const half = headDim / 2;
  const cos = new Float32Array(length * headDim);
  const sin = new Float32Array(length * headDim);
  for (let p = 0; p < length; p++) {
    for (let j = 0; j < half; j++) {
      const angle = (offset + p) * Math.pow(base, (-2 * j) / headDim);
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      cos[p * headDim + j] = c;
      cos[p * headDim + j + half] = c;
      sin[p * headDim + j] = s;
      sin[p * headDim + j + half] = s;
    }
  }
  return { cos, sin };
}

export class RotaryEmbedding extends tfl.layers.Layer {
  static className = 'MobileMMRotaryEmbedding';
  readonly headDim: number;
  readonly base: number;

  constructor(args: RotaryEmbeddingArgs) {
    super(args);
    checkPositiveInt(args.headDim, 'headDim');
    checkConfig(args.headDim % 2 === 0, 'headDim', `RoPE rotates pairs of dims, so the head size must be even; got ${args.headDim}.`);
    this.base = args.base ?? 10000;
    checkPositive(this.base, 'base');
    this.headDim = args.headDim;
  }

  override build(inputShape: Shape | Shape[]): void {
    checkLastDim(inputShape as Shape, this.headDim, this.name);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return inputShape as Shape;
  }

  /** x [B, H, T, D] at positions offset..offset+T-1 → rotated x, same shape. Call inside tf.tidy. */
  forward(x: tf.Tensor, offset = 0): tf.Tensor {
    checkRank(x, 4, this.name);
    checkLastDim(x.shape, this.headDim, this.name);
    checkShape(Number.isInteger(offset) && offset >= 0, `${this.name}: offset must be a non-negative integer, got ${offset}.`);
    const t = x.shape[2] as number;
    const half = this.headDim / 2;
    const { cos, sin } = rotaryTables(offset, t, this.headDim, this.base);
    const cosT = tf.tensor2d(cos, [t, this.headDim]); // [T, D], broadcast over B, H
    const sinT = tf.tensor2d(sin, [t, this.headDim]); // [T, D]
    const [x1, x2] = tf.split(x, [half, half], 3); // [B, H, T, D/2] each
    const rotated = tf.concat([tf.neg(x2), x1], 3); // [B, H, T, D]
    return tf.add(tf.mul(x, cosT), tf.mul(rotated, sinT)); // [B, H, T, D]
  }

  namedWeights(): NamedLayerWeights {
    return {};
  }

  /** kwargs.offset: position of the first token (incremental decoding). */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => this.forward(single(inputs, this.name), kwargs.offset ?? 0));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), headDim: this.headDim, base: this.base };
  }
}
