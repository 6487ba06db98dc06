/**
 * PatchStem: a two-stage, non-overlapping patch embedding.
 *
 *   stage 1: every p×p×3 pixel patch → GELU(W1·patch + b1)          [B, H/p, W/p, S]
 *   (conv)   optional 3×3 neighbourhood mixing, residual:
 *            f = f + GELU(Wc·concat(3×3 neighbours of f) + bc)       [B, H/p, W/p, S]
 *   stage 2: every m×m block of stage-1 features → W2·concat + b2   [B, T, C]
 *   (columns) or, optionally, every full-height column of stage-1
 *            features → Wcol·concat + bcol                            [B, W/p, C]
 *
 * It is a stride-p conv followed by a stride-m conv, written as reshapes and
 * matmuls: the tfjs wasm backend has no Conv2DBackpropFilter kernel, so a real
 * conv stem could not train there. The optional 3×3 mixing is a stride-1 conv
 * built the same way (nine shifted slices of the zero-padded map, one matmul). The nonlinearity at the 4-px level gives
 * the stem a character/edge detector a single linear 8×8 patch lacks.
 *
 * Shapes: B=batch, H×W image, p=patch, m=merge, S=stem width, C=token width,
 * R×Q = token grid (H/(p·m) × W/(p·m)), T = R·Q tokens.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Linear, MobileMMError, geluSigmoid, prefixWeights } from '@mobile-mm/core';

export interface PatchStemArgs {
  patchSize: number;
  merge: number;
  stemDim: number;
  dim: number;
  /** Add the 3×3 neighbourhood mixing after stage 1 (default false). */
  conv?: boolean;
  /**
   * Stage-1 rows of a full-height column token (forwardColumns). 0 or absent:
   * no column stage. Text lines use it: 32 px / 4 px = 8.
   */
  columnRows?: number;
  name?: string;
}

export class PatchStem extends tfl.layers.Layer {
  static className = 'MobileMMPatchStem';
  readonly patchSize: number;
  readonly merge: number;
  readonly stemDim: number;
  readonly dim: number;
  readonly conv: boolean;
  readonly columnRows: number;
  private stage1Proj!: Linear;
  private convProj: Linear | null = null;
  private stage2Proj!: Linear;
  private columnProj: Linear | null = null;

  constructor(args: PatchStemArgs) {
    super({ name: args.name });
    this.patchSize = args.patchSize;
    this.merge = args.merge;
    this.stemDim = args.stemDim;
    this.dim = args.dim;
    this.conv = args.conv ?? false;
    this.columnRows = args.columnRows ?? 0;
  }

  override build(_inputShape?: tfl.Shape | tfl.Shape[]): void {
    const p = this.patchSize;
    const in1 = p * p * 3;
    const in2 = this.merge * this.merge * this.stemDim;
    // He-style init for the GELU stages (stage 1, conv), Xavier-style for the linear ones.
    const proj = (name: string, inDim: number, outDim: number, gain: number) =>
      new Linear({ inDim, outDim, kernelInitializer: tfl.initializers.randomNormal({ stddev: Math.sqrt(gain / inDim) }), name: `${this.name}_${name}` }).ensureBuilt();
    this.stage1Proj = proj('stage1', in1, this.stemDim, 2);
    this.stage2Proj = proj('stage2', in2, this.dim, 1);
    if (this.conv) this.convProj = proj('conv', 9 * this.stemDim, this.stemDim, 1);
    if (this.columnRows > 0) this.columnProj = proj('column', this.columnRows * this.stemDim, this.dim, 1);
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const s = inputShape as tfl.Shape;
    const cell = this.patchSize * this.merge;
    const h = s[1];
    const w = s[2];
    return [s[0], h != null && w != null ? (h / cell) * (w / cell) : null, this.dim];
  }

  /** images [B, H, W, 3] in [0, 1] → tokens [B, R·Q, C]. Call inside tf.tidy. */
  forward(images: tf.Tensor4D): tf.Tensor3D {
    const [b, h, w] = images.shape;
    const p = this.patchSize;
    const m = this.merge;
    this.checkImages(images, p * m);
    const hp = h / p;
    const wp = w / p;
    let x: tf.Tensor = this.stage1(images); // [B·H/p·W/p, S]
    const r = hp / m;
    const q = wp / m;
    x = tf.reshape(x, [b, r, m, q, m, this.stemDim]); // [B, R, m, Q, m, S]
    x = tf.transpose(x, [0, 1, 3, 2, 4, 5]); // [B, R, Q, m, m, S]
    x = tf.reshape(x, [b * r * q, m * m * this.stemDim]); // [B·R·Q, m·m·S]
    x = this.stage2Proj.apply2d(x as tf.Tensor2D); // [B·R·Q, C]
    return tf.reshape(x, [b, r * q, this.dim]); // [B, T, C]
  }

  /**
   * images [B, H, W, 3] with H = columnRows·p → one token per p-px-wide,
   * full-height column: [B, W/p, C]. A text line becomes a left-to-right
   * sequence, whatever the glyphs' height and vertical jitter. Call inside tf.tidy.
   */
  forwardColumns(images: tf.Tensor4D): tf.Tensor3D {
    const [b, h, w] = images.shape;
    const p = this.patchSize;
    if (!this.columnProj) {
      throw new MobileMMError('INVALID_CONFIG', `${this.name}: forwardColumns needs a stem built with columnRows > 0.`, { field: 'columnRows' });
    }
    this.checkImages(images, p);
    if (h !== this.columnRows * p) {
      throw new MobileMMError('INVALID_SHAPE', `${this.name}: column tokens need images ${this.columnRows * p} px high; got [${images.shape}].`, {
        actual: images.shape,
      });
    }
    const wp = w / p;
    let x: tf.Tensor = tf.reshape(this.stage1(images), [b, this.columnRows, wp, this.stemDim]); // [B, H/p, W/p, S]
    x = tf.transpose(x, [0, 2, 1, 3]); // [B, W/p, H/p, S]
    x = tf.reshape(x, [b * wp, this.columnRows * this.stemDim]); // [B·W/p, H/p·S]
    x = this.columnProj.apply2d(x as tf.Tensor2D); // [B·W/p, C]
    return tf.reshape(x, [b, wp, this.dim]); // [B, W/p, C]
  }

  private checkImages(images: tf.Tensor4D, cell: number): void {
    const [, h, w, ch] = images.shape;
    if (ch !== 3 || h % cell !== 0 || w % cell !== 0) {
      throw new MobileMMError('INVALID_SHAPE', `${this.name}: images must be [B, H, W, 3] with H, W multiples of ${cell}; got [${images.shape}].`, {
        actual: images.shape,
      });
    }
  }

  /** Stage 1 (and the optional 3×3 mixing): images → [B·H/p·W/p, S], rows in raster order. */
  private stage1(images: tf.Tensor4D): tf.Tensor2D {
    const [b, h, w] = images.shape;
    const p = this.patchSize;
    const hp = h / p;
    const wp = w / p;
    let x: tf.Tensor = tf.reshape(images, [b, hp, p, wp, p, 3]); // [B, H/p, p, W/p, p, 3]
    x = tf.transpose(x, [0, 1, 3, 2, 4, 5]); // [B, H/p, W/p, p, p, 3]
    x = tf.reshape(x, [b * hp * wp, p * p * 3]); // [B·H/p·W/p, p·p·3]
    x = geluSigmoid(this.stage1Proj.apply2d(x as tf.Tensor2D)); // [B·H/p·W/p, S]
    if (this.convProj) x = this.mix3x3(tf.reshape(x, [b, hp, wp, this.stemDim]) as tf.Tensor4D); // [B·H/p·W/p, S]
    return x as tf.Tensor2D;
  }

  /** f [B, R, Q, S] → f + GELU(3×3 conv of f), flattened to [B·R·Q, S]. */
  private mix3x3(f: tf.Tensor4D): tf.Tensor2D {
    const [b, r, q, s] = f.shape;
    const padded = tf.pad(f, [[0, 0], [1, 1], [1, 1], [0, 0]]); // [B, R+2, Q+2, S]
    const taps: tf.Tensor[] = [];
    for (let dy = 0; dy < 3; dy++) for (let dx = 0; dx < 3; dx++) taps.push(tf.slice(padded, [0, dy, dx, 0], [b, r, q, s]));
    const cols = tf.reshape(tf.concat(taps, 3), [b * r * q, 9 * s]); // [B·R·Q, 9·S]
    const flat = tf.reshape(f, [b * r * q, s]); // [B·R·Q, S]
    return tf.add(flat, geluSigmoid(this.convProj!.apply2d(cols as tf.Tensor2D))) as tf.Tensor2D;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => this.forward((Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D));
  }

  /** The stem's projections: stage1, conv (stemConv), stage2, column (column tokens). */
  linears(): Record<string, Linear> {
    if (!this.built) return {};
    return {
      stage1: this.stage1Proj,
      ...(this.convProj ? { conv: this.convProj } : {}),
      stage2: this.stage2Proj,
      ...(this.columnProj ? { column: this.columnProj } : {}),
    };
  }

  namedWeights(): Record<string, tfl.LayerVariable> {
    return Object.assign({}, ...Object.entries(this.linears()).map(([name, l]) => prefixWeights(name, l.namedWeights())));
  }

  override get trainableWeights(): tfl.LayerVariable[] {
    return this.trainable ? Object.values(this.linears()).flatMap((l) => l.trainableWeights) : [];
  }

  override get nonTrainableWeights(): tfl.LayerVariable[] {
    return Object.values(this.linears()).flatMap((l) => (this.trainable ? l.nonTrainableWeights : l.weights));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), patchSize: this.patchSize, merge: this.merge, stemDim: this.stemDim, dim: this.dim, conv: this.conv, columnRows: this.columnRows };
  }
}
