/**
 * TokenClassHead: a linear classifier over memory tokens,
 *
 *   logp = logSoftmax(W·x + b)     [B, T, K]
 *
 * Two auxiliary heads of the model use it, each giving the encoder a direct,
 * per-location training signal that does not wait for the decoder's
 * cross-attention to find the right tokens:
 *   - OCR: per text-line column, K = blank + the OCR characters, trained with
 *     CTC (joint CTC/attention); it can also read a line in one pass.
 *   - scene cells: per 3×3 grid cell (memory pooled by area), K = empty + one
 *     class per (shape, colour, size), trained with cross-entropy against the
 *     generator's scene graph.
 * The CTC head also reads text lines in one pass (ocr-ctc.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Linear } from '@mobile-mm/core';

export class TokenClassHead extends tfl.layers.Layer {
  static className = 'MobileMMTokenClassHead';
  readonly dim: number;
  readonly classes: number;
  /** W [C, K], b [K]: a Linear, so quantization finds it like every other projection. */
  readonly linear: Linear;

  constructor(args: { dim: number; classes: number; name?: string }) {
    super({ name: args.name });
    this.dim = args.dim;
    this.classes = args.classes;
    this.linear = new Linear({
      inDim: args.dim,
      outDim: args.classes,
      kernelInitializer: tfl.initializers.randomNormal({ stddev: Math.sqrt(1 / args.dim) }),
      name: `${this.name}_proj`,
    }).ensureBuilt();
    this.built = true;
  }

  /** x [B, T, C] → log-probabilities [B, T, K]. Call inside tf.tidy. */
  forward(x: tf.Tensor3D): tf.Tensor3D {
    const [b, t, c] = x.shape;
    const logits = this.linear.apply2d(tf.reshape(x, [b * t, c]) as tf.Tensor2D); // [B·T, K]
    return tf.logSoftmax(tf.reshape(logits, [b, t, this.classes])) as tf.Tensor3D; // [B, T, K]
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => this.forward((Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D));
  }

  namedWeights(): Record<string, tfl.LayerVariable> {
    return this.linear.namedWeights();
  }

  override get trainableWeights(): tfl.LayerVariable[] {
    return this.linear.trainableWeights;
  }

  override get nonTrainableWeights(): tfl.LayerVariable[] {
    return this.linear.nonTrainableWeights;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), dim: this.dim, classes: this.classes };
  }
}
