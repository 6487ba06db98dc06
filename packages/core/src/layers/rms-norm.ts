/**
 * RMS normalisation over the last axis (Zhang & Sennrich 2019; LLaMA, T5):
 *
 *   y = x / sqrt(mean(x²) + ε) · γ
 *
 * No mean subtraction and no bias: cheaper than LayerNorm, same quality in
 * pre-norm transformers. Shapes: any leading dims, C=channels (last axis).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  checkLastDim,
  checkPositive,
  checkPositiveInt,
  single,
  type Kwargs,
  type LayerArgs,
  type LayerVariable,
  type NamedLayerWeights,
  type Shape,
} from './common.js';

export interface RMSNormArgs extends LayerArgs {
  /** C: size of the normalised (last) axis. */
  dim: number;
  /** ε added to the mean square; 1e-6 as LLaMA. */
  epsilon?: number;
}

export class RMSNorm extends tfl.layers.Layer {
  static className = 'MobileMMRMSNorm';
  readonly dim: number;
  readonly epsilon: number;
  private gamma!: LayerVariable;

  constructor(args: RMSNormArgs) {
    super(args);
    checkPositiveInt(args.dim, 'dim');
    this.epsilon = args.epsilon ?? 1e-6;
    checkPositive(this.epsilon, 'epsilon');
    this.dim = args.dim;
  }

  override build(inputShape: Shape | Shape[]): void {
    checkLastDim(inputShape as Shape, this.dim, this.name);
    this.gamma = this.addWeight('gamma', [this.dim], 'float32', tfl.initializers.ones());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return inputShape as Shape;
  }

  /** x [..., C] → normalised x, same shape. Call inside tf.tidy. */
  forward(x: tf.Tensor): tf.Tensor {
    checkLastDim(x.shape, this.dim, this.name);
    const meanSquare = tf.mean(tf.square(x), -1, true); // [..., 1]
    return tf.mul(tf.mul(x, tf.rsqrt(tf.add(meanSquare, this.epsilon))), this.gamma.read()); // [..., C]
  }

  namedWeights(): NamedLayerWeights {
    return { gamma: this.gamma };
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => this.forward(single(inputs, this.name)));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), dim: this.dim, epsilon: this.epsilon };
  }
}
