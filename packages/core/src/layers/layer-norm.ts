/**
 * Layer normalisation over the last axis (Ba et al. 2016):
 *
 *   y = (x − mean(x)) / sqrt(var(x) + ε) · γ + β      (biased variance)
 *
 * Numerically the same as tfjs-layers' layerNormalization with the same ε.
 * Shapes: any leading dims, C=channels (last axis).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { FUSED_LAYER_NORM, fusedKernelAvailable, type FusedLayerNormAttrs } from './fused.js';
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

export interface LayerNormArgs extends LayerArgs {
  /** C: size of the normalised (last) axis. */
  dim: number;
  /** ε added to the variance; 1e-5 as PyTorch/GPT-2 (tfjs-layers defaults to 1e-3). */
  epsilon?: number;
  /** Learn a bias β (default true); false gives the bias-free variant. */
  center?: boolean;
  /** Learn a gain γ (default true). */
  scale?: boolean;
}

export class LayerNorm extends tfl.layers.Layer {
  static className = 'MobileMMLayerNorm';
  readonly dim: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private gamma: LayerVariable | null = null;
  private beta: LayerVariable | null = null;

  constructor(args: LayerNormArgs) {
    super(args);
    checkPositiveInt(args.dim, 'dim');
    this.epsilon = args.epsilon ?? 1e-5;
    checkPositive(this.epsilon, 'epsilon');
    this.dim = args.dim;
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
  }

  override build(inputShape: Shape | Shape[]): void {
    checkLastDim(inputShape as Shape, this.dim, this.name);
    if (this.scale) this.gamma = this.addWeight('gamma', [this.dim], 'float32', tfl.initializers.ones());
    if (this.center) this.beta = this.addWeight('beta', [this.dim], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return inputShape as Shape;
  }

  /** x [..., C] → normalised x, same shape. Call inside tf.tidy. */
  forward(x: tf.Tensor): tf.Tensor {
    checkLastDim(x.shape, this.dim, this.name);
    if (fusedKernelAvailable(FUSED_LAYER_NORM) && x.dtype === 'float32') {
      const inputs: tf.NamedTensorMap = { x };
      if (this.gamma) inputs.gamma = this.gamma.read();
      if (this.beta) inputs.beta = this.beta.read();
      const attrs: FusedLayerNormAttrs = { epsilon: this.epsilon };
      return tf.engine().runKernel(FUSED_LAYER_NORM, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor; // one kernel (fused.ts)
    }
    const { mean, variance } = tf.moments(x, -1, true); // [..., 1] each
    let y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.epsilon))); // [..., C]
    if (this.gamma) y = tf.mul(y, this.gamma.read());
    if (this.beta) y = tf.add(y, this.beta.read());
    return y;
  }

  namedWeights(): NamedLayerWeights {
    const out: NamedLayerWeights = {};
    if (this.gamma) out.gamma = this.gamma;
    if (this.beta) out.beta = this.beta;
    return out;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => this.forward(single(inputs, this.name)));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), dim: this.dim, epsilon: this.epsilon, center: this.center, scale: this.scale };
  }
}
