/**
 * Learned 1-D positional embedding (GPT-2): a trainable [L, C] table; token
 * t of a sequence that starts at position `offset` gets row offset + t added.
 *
 * Shapes: B=batch, T=tokens, L=max length, C=channels.
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
  checkPositionInput,
} from './common.js';

export interface LearnedPositionalEmbeddingArgs extends LayerArgs {
  /** L: longest sequence (prompt + generated tokens) the table covers. */
  maxLength: number;
  /** C: model width. */
  dim: number;
  /** Std of the normal init (0.02 as GPT-2). */
  initStd?: number;
}

export class LearnedPositionalEmbedding extends tfl.layers.Layer {
  static className = 'MobileMMLearnedPositionalEmbedding';
  readonly maxLength: number;
  readonly dim: number;
  readonly initStd: number;
  private embeddings!: LayerVariable;

  constructor(args: LearnedPositionalEmbeddingArgs) {
    super(args);
    checkPositiveInt(args.maxLength, 'maxLength');
    checkPositiveInt(args.dim, 'dim');
    this.initStd = args.initStd ?? 0.02;
    checkPositive(this.initStd, 'initStd');
    this.maxLength = args.maxLength;
    this.dim = args.dim;
  }

  override build(inputShape: Shape | Shape[]): void {
    checkLastDim(inputShape as Shape, this.dim, this.name);
    const init = tfl.initializers.randomNormal({ mean: 0, stddev: this.initStd });
    this.embeddings = this.addWeight('embeddings', [this.maxLength, this.dim], 'float32', init);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return inputShape as Shape;
  }

  /** x [B, T, C] → x + P[offset : offset+T]. Call inside tf.tidy. */
  forward(x: tf.Tensor, offset = 0): tf.Tensor {
    const t = checkPositionInput(x, offset, this.dim, this.maxLength, this.name);
    const pos = tf.slice(this.embeddings.read(), [offset, 0], [t, this.dim]); // [T, C]
    return tf.add(x, pos); // [B, T, C]
  }

  namedWeights(): NamedLayerWeights {
    return { embeddings: this.embeddings };
  }

  /** kwargs.offset: position of the first token (incremental decoding). */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => this.forward(single(inputs, this.name), kwargs.offset ?? 0));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), maxLength: this.maxLength, dim: this.dim, initStd: this.initStd };
  }
}
