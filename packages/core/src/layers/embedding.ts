/**
 * Token embedding: a [V, C] table looked up with gather; `attend` is the
 * transposed product used by an LM head tied to this table.
 *
 * Shapes: B=batch, T=tokens, V=vocabulary, C=channels (model width).
 *
 * Gradient: gather's gradient is UnsortedSegmentSum. tfjs-backend-wasm has no
 * such kernel; backend/wasm-fixes.ts registers one (setupBackend does it).
 * Token ids must be in [0, V): the cpu backend throws on others, webgl
 * silently returns zeros (checking would need a GPU read-back every call).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  checkInt32,
  checkPositive,
  checkPositiveInt,
  single,
  type Kwargs,
  type LayerArgs,
  type LayerVariable,
  type NamedLayerWeights,
  type Shape,
} from './common.js';

export interface EmbeddingArgs extends LayerArgs {
  /** V: number of token ids. */
  vocabSize: number;
  /** C: width of each embedding vector (the model width). */
  dim: number;
  /** Std of the normal init; 0.02 as GPT-2, small so tied LM-head logits start near uniform. */
  initStd?: number;
}

export class Embedding extends tfl.layers.Layer {
  /** Prefixed: tfjs-layers already registers a class named 'Embedding'. */
  static className = 'MobileMMEmbedding';
  readonly vocabSize: number;
  readonly dim: number;
  readonly initStd: number;
  private embeddings!: LayerVariable;

  constructor(args: EmbeddingArgs) {
    super(args);
    checkPositiveInt(args.vocabSize, 'vocabSize');
    checkPositiveInt(args.dim, 'dim');
    this.initStd = args.initStd ?? 0.02;
    checkPositive(this.initStd, 'initStd');
    this.vocabSize = args.vocabSize;
    this.dim = args.dim;
  }

  override build(_inputShape: Shape | Shape[]): void {
    const init = tfl.initializers.randomNormal({ mean: 0, stddev: this.initStd });
    this.embeddings = this.addWeight('embeddings', [this.vocabSize, this.dim], 'float32', init);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    return [...shape, this.dim];
  }

  /** ids int32 [B, T] (any rank) → [B, T, C]. Call inside tf.tidy. */
  forward(ids: tf.Tensor): tf.Tensor {
    checkInt32(ids, this.name);
    return tf.gather(this.embeddings.read(), ids); // [B, T, C]
  }

  /** x [..., C] → logits [..., V] = x · Eᵀ (the tied LM head). Call inside tf.tidy. */
  attend(x: tf.Tensor): tf.Tensor {
    const lead = x.shape.slice(0, -1);
    const x2 = tf.reshape(x, [-1, this.dim]); // [N, C]
    const y = tf.matMul(x2, this.embeddings.read(), false, true); // [N, V]
    return tf.reshape(y, [...lead, this.vocabSize]); // [..., V]
  }

  /** The [V, C] table (for tying). */
  get table(): LayerVariable {
    return this.embeddings;
  }

  namedWeights(): NamedLayerWeights {
    return { embeddings: this.embeddings };
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => this.forward(single(inputs, this.name)));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), vocabSize: this.vocabSize, dim: this.dim, initStd: this.initStd };
  }
}
