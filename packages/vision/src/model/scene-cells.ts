/**
 * The scene-cell head (config.sceneCells): the scene memory area-pooled to
 * the spec's 3×3 cells, each classified as empty or one (shape, colour, size).
 *
 *   cells = P · memory                                  [B, 9, C]   P [9, T]: cell ∩ token areas
 *   logp  = logSoftmax(W·cells + b)                     [B, 9, K]   K = 1 + 3·4·2
 *   loss  = −weight · mean over cells of logp[label]
 *
 * A direct signal for what is where, the facts every caption and answer is
 * made of, without waiting for the decoder's cross-attention to find the
 * right patch tokens (EXPERIMENTS.md run 6). Training only.
 *
 * Shapes: B=scenes, T=R·Q scene tokens, C=encoder width, K=cell classes.
 */
import * as tf from '@tensorflow/tfjs-core';
import { SCENE_CELL_CLASSES, SCENE_GRID, scenePoolMatrix, type VisionEncoderConfig } from './config.js';
import { TokenClassHead } from './token-class-head.js';

export class SceneCellHead {
  readonly head: TokenClassHead;
  /** P [9, T], row-major; computed once per model. */
  private readonly poolMatrix: Float32Array;

  constructor(encoder: VisionEncoderConfig) {
    this.head = new TokenClassHead({ dim: encoder.dim, classes: SCENE_CELL_CLASSES, name: 'scene_cells' });
    this.poolMatrix = scenePoolMatrix(encoder);
  }

  /** Scene memory [B, T, C] → area-pooled cells [B, 9, C]. Call inside tf.tidy. */
  pool(memory: tf.Tensor3D): tf.Tensor3D {
    const [b, t, c] = memory.shape;
    const cells = SCENE_GRID * SCENE_GRID;
    const p = tf.tensor2d(this.poolMatrix, [cells, t]); // [9, T]
    const flat = tf.reshape(tf.transpose(memory, [1, 0, 2]), [t, b * c]); // [T, B·C]
    const pooled = tf.reshape(tf.matMul(p, flat), [cells, b, c]); // [9, B, C]
    return tf.transpose(pooled, [1, 0, 2]) as tf.Tensor3D; // [B, 9, C]
  }

  /** cells [B, 9, C] → log-probabilities [B, 9, K]. Call inside tf.tidy. */
  forward(cells: tf.Tensor3D): tf.Tensor3D {
    return this.head.forward(cells);
  }

  /** The loss term (a scalar): labels [B·9] row by row (0 empty, else 1 + (shape·4 + colour)·2 + size). */
  loss(memory: tf.Tensor3D, labels: Int32Array, weight: number): tf.Scalar {
    const logp = tf.reshape(this.forward(this.pool(memory)), [-1, SCENE_CELL_CLASSES]); // [B·9, K]
    const picked = tf.sum(tf.mul(tf.oneHot(tf.tensor1d(labels, 'int32'), SCENE_CELL_CLASSES), logp), -1); // [B·9]
    return tf.mul(tf.mean(picked), -weight) as tf.Scalar;
  }
}
