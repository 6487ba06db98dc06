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
 * Neither is needed at inference: captions, answers and OCR come from the decoder.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { SERIALIZATION_PACKAGE, linear2d } from '@mobile-mm/core';

export class TokenClassHead extends tfl.layers.Layer {
  static className = 'MobileMMTokenClassHead';
  readonly dim: number;
  readonly classes: number;
  private kernel!: tfl.LayerVariable;
  private bias!: tfl.LayerVariable;

  constructor(args: { dim: number; classes: number; name?: string }) {
    super({ name: args.name });
    this.dim = args.dim;
    this.classes = args.classes;
  }

  override build(_inputShape?: tfl.Shape | tfl.Shape[]): void {
    this.kernel = this.addWeight('kernel', [this.dim, this.classes], 'float32', tfl.initializers.randomNormal({ stddev: Math.sqrt(1 / this.dim) }));
    this.bias = this.addWeight('bias', [this.classes], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  /** x [B, T, C] → log-probabilities [B, T, K]. Call inside tf.tidy. */
  forward(x: tf.Tensor3D): tf.Tensor3D {
    const [b, t, c] = x.shape;
    const logits = linear2d(tf.reshape(x, [b * t, c]) as tf.Tensor2D, this.kernel, this.bias); // [B·T, K]
    return tf.logSoftmax(tf.reshape(logits, [b, t, this.classes])) as tf.Tensor3D; // [B, T, K]
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => this.forward((Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D));
  }

  namedWeights(): Record<string, tfl.LayerVariable> {
    return { kernel: this.kernel, bias: this.bias };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), dim: this.dim, classes: this.classes };
  }
}
tf.serialization.registerClass(TokenClassHead, SERIALIZATION_PACKAGE);
