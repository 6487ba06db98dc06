/**
 * Position-wise feed-forward network, two kinds:
 *
 *   gelu    y = gelu(x·Wup + bup)·Wdown + bdown                    (GPT-2, ViT)
 *   swiglu  y = (silu(x·Wgate + bgate) ⊙ (x·Wup + bup))·Wdown + bdown  (LLaMA, PaLM)
 *
 * GELU here is the sigmoid approximation gelu(x) ≈ x·σ(1.702x) (Hendrycks &
 * Gimpel 2016), not the erf or tanh forms: tanh and pow are slow on the wasm
 * backend, sigmoid is fast everywhere. It differs from exact GELU by at most
 * ~0.02; a checkpoint trained with exact GELU runs with that small shift.
 * silu(x) = x·σ(x).
 *
 * Shapes: N=any leading dims (B·T), C=model width, F=hidden width.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  checkLastDim,
  checkOneOf,
  checkPositiveInt,
  checkRate,
  maybeDropout,
  prefixWeights,
  single,
  type Kwargs,
  type LayerArgs,
  type LayerVariable,
  type NamedLayerWeights,
  type Shape,
} from './common.js';
import { Linear } from './linear.js';

export type FeedForwardKind = 'gelu' | 'swiglu';
export const FEED_FORWARD_KINDS: readonly FeedForwardKind[] = ['gelu', 'swiglu'];

/** gelu(x) ≈ x·σ(1.702x). */
export function geluSigmoid(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.sigmoid(tf.mul(x, 1.702)));
}

/** silu(x) = x·σ(x) (a.k.a. swish). */
export function silu(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.sigmoid(x));
}

export interface FeedForwardArgs extends LayerArgs {
  /** C: input and output width. */
  dim: number;
  /** F: hidden width; 4·C is usual for gelu, about 8/3·C for swiglu (same parameter count). */
  hiddenDim: number;
  /** 'gelu' (default) or 'swiglu'. */
  kind?: FeedForwardKind;
  /** Biases on the projections (default true). */
  useBias?: boolean;
  /** Dropout on the hidden activations while training (default 0). */
  dropout?: number;
}


export class FeedForward extends tfl.layers.Layer {
  static className = 'MobileMMFeedForward';
  readonly dim: number;
  readonly hiddenDim: number;
  readonly kind: FeedForwardKind;
  readonly useBias: boolean;
  readonly dropout: number;
  private up!: Linear;
  private gate: Linear | null = null;
  private down!: Linear;

  constructor(args: FeedForwardArgs) {
    super(args);
    checkPositiveInt(args.dim, 'dim');
    checkPositiveInt(args.hiddenDim, 'hiddenDim');
    this.kind = args.kind ?? 'gelu';
    checkOneOf(this.kind, FEED_FORWARD_KINDS, 'kind');
    this.dropout = args.dropout ?? 0;
    checkRate(this.dropout, 'dropout');
    this.dim = args.dim;
    this.hiddenDim = args.hiddenDim;
    this.useBias = args.useBias ?? true;
  }

  override build(inputShape: Shape | Shape[]): void {
    checkLastDim(inputShape as Shape, this.dim, this.name);
    const proj = (name: string, inDim: number, outDim: number) => new Linear({ inDim, outDim, useBias: this.useBias, name: `${this.name}_${name}` }).ensureBuilt();
    if (this.kind === 'swiglu') this.gate = proj('gate', this.dim, this.hiddenDim);
    this.up = proj('up', this.dim, this.hiddenDim);
    this.down = proj('down', this.hiddenDim, this.dim);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return inputShape as Shape;
  }

  /** x [..., C] → [..., C]. Call inside tf.tidy. */
  forward(x: tf.Tensor, training?: boolean): tf.Tensor {
    checkLastDim(x.shape, this.dim, this.name);
    const x2 = tf.reshape(x, [-1, this.dim]) as tf.Tensor2D; // [N, C]
    // A packed up projection may fuse the GELU into its matmul (Linear.apply2dGelu).
    const h = this.gate ? tf.mul(silu(this.gate.apply2d(x2)), this.up.apply2d(x2)) : (this.up.apply2dGelu(x2) ?? geluSigmoid(this.up.apply2d(x2))); // [N, F]
    const y = this.down.apply2d(maybeDropout(h, this.dropout, training) as tf.Tensor2D); // [N, C]
    return tf.reshape(y, x.shape); // [..., C]
  }

  /** The projections: gate (swiglu only), up, down. */
  linears(): Record<string, Linear> {
    if (!this.built) return {};
    return { ...(this.gate ? { gate: this.gate } : {}), up: this.up, down: this.down };
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

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => this.forward(single(inputs, this.name), kwargs.training));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      dim: this.dim,
      hiddenDim: this.hiddenDim,
      kind: this.kind,
      useBias: this.useBias,
      dropout: this.dropout,
    };
  }
}
