/**
 * Learned factorised 2-D positional embedding for image patches: a row table
 * [R, C] and a column table [W, C]; the patch at (r, c) gets row[r] + col[c].
 * R + W vectors instead of R·W, and a grid smaller than the maximum (another
 * aspect ratio) uses the top-left rows and columns.
 *
 * Shapes: B=batch, R=rows, W=columns (patches are row-major, N = R·W),
 * C=channels.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { checkShape } from '../errors.js';
import {
  checkLastDim,
  checkPositive,
  checkPositiveInt,
  checkRank,
  single,
  type Kwargs,
  type LayerArgs,
  type LayerVariable,
  type NamedLayerWeights,
  type Shape,
} from './common.js';

export interface LearnedPositionalEmbedding2DArgs extends LayerArgs {
  /** Largest number of patch rows. */
  maxRows: number;
  /** Largest number of patch columns. */
  maxCols: number;
  /** C: model width. */
  dim: number;
  /** Std of the normal init. */
  initStd?: number;
}

export class LearnedPositionalEmbedding2D extends tfl.layers.Layer {
  static className = 'MobileMMLearnedPositionalEmbedding2D';
  readonly maxRows: number;
  readonly maxCols: number;
  readonly dim: number;
  readonly initStd: number;
  private rowEmbeddings!: LayerVariable;
  private colEmbeddings!: LayerVariable;

  constructor(args: LearnedPositionalEmbedding2DArgs) {
    super(args);
    checkPositiveInt(args.maxRows, 'maxRows');
    checkPositiveInt(args.maxCols, 'maxCols');
    checkPositiveInt(args.dim, 'dim');
    this.initStd = args.initStd ?? 0.02;
    checkPositive(this.initStd, 'initStd');
    this.maxRows = args.maxRows;
    this.maxCols = args.maxCols;
    this.dim = args.dim;
  }

  override build(inputShape: Shape | Shape[]): void {
    checkLastDim(inputShape as Shape, this.dim, this.name);
    const init = tfl.initializers.randomNormal({ mean: 0, stddev: this.initStd });
    this.rowEmbeddings = this.addWeight('row_embeddings', [this.maxRows, this.dim], 'float32', init);
    this.colEmbeddings = this.addWeight('col_embeddings', [this.maxCols, this.dim], 'float32', init);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return inputShape as Shape;
  }

  /** x [B, R·W, C] → x + row[r] + col[c]; grid defaults to [maxRows, maxCols]. Call inside tf.tidy. */
  forward(x: tf.Tensor, grid: [number, number] = [this.maxRows, this.maxCols]): tf.Tensor {
    checkRank(x, 3, this.name);
    checkLastDim(x.shape, this.dim, this.name);
    const [rows, cols] = grid;
    checkShape(
      Number.isInteger(rows) && Number.isInteger(cols) && rows >= 1 && cols >= 1 && rows <= this.maxRows && cols <= this.maxCols,
      `${this.name}: grid [${grid}] must be within [1..${this.maxRows}, 1..${this.maxCols}].`,
      { expected: [this.maxRows, this.maxCols], actual: grid },
    );
    checkShape(x.shape[1] === rows * cols, `${this.name}: expected ${rows}·${cols} = ${rows * cols} patches, got ${x.shape[1]}.`, {
      expected: rows * cols,
      actual: x.shape[1],
    });
    const row = tf.reshape(tf.slice(this.rowEmbeddings.read(), [0, 0], [rows, this.dim]), [rows, 1, this.dim]); // [R, 1, C]
    const col = tf.reshape(tf.slice(this.colEmbeddings.read(), [0, 0], [cols, this.dim]), [1, cols, this.dim]); // [1, W, C]
    const pos = tf.reshape(tf.add(row, col), [rows * cols, this.dim]); // [R·W, C]
    return tf.add(x, pos); // [B, R·W, C]
  }

  namedWeights(): NamedLayerWeights {
    return { row_embeddings: this.rowEmbeddings, col_embeddings: this.colEmbeddings };
  }

  /** kwargs.grid: [rows, cols] of the patch grid (default the maximum). */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => this.forward(single(inputs, this.name), kwargs.grid));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      maxRows: this.maxRows,
      maxCols: this.maxCols,
      dim: this.dim,
      initStd: this.initStd,
    };
  }
}
