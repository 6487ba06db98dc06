/**
 * Fixed sinusoidal positional encoding (Vaswani et al. 2017), added to x:
 *
 *   PE[p, 2i]   = sin(p / base^(2i/C))
 *   PE[p, 2i+1] = cos(p / base^(2i/C))
 *
 * No weights. The table is computed once in float64 on the CPU (JS) and
 * uploaded per call: exact on every backend, no sin/cos kernels needed.
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
  type NamedLayerWeights,
  type Shape,
  checkPositionInput,
} from './common.js';

export interface SinusoidalPositionalEncodingArgs extends LayerArgs {
  /** L: longest sequence; bounds the cached table. */
  maxLength: number;
  /** C: model width. */
  dim: number;
  /** Wavelength base; 10000 as the original paper. */
  base?: number;
}

/** The [length, dim] table starting at position `offset`, row-major. */
export function sinusoidalTable(offset: number, length: number, dim: number, base = 10000): Float32Array {
  const out = new Float32Array(length * dim);
  for (let p = 0; p < length; p++) {
    for (let i = 0; i < dim; i += 2) {
      const angle = (offset + p) / Math.pow(base, i / dim);
      out[p * dim + i] = Math.sin(angle);
      if (i + 1 < dim) out[p * dim + i + 1] = Math.cos(angle);
    }
  }
  return out;
}

export class SinusoidalPositionalEncoding extends tfl.layers.Layer {
  static className = 'MobileMMSinusoidalPositionalEncoding';
  readonly maxLength: number;
  readonly dim: number;
  readonly base: number;
  private table: Float32Array | null = null;

  constructor(args: SinusoidalPositionalEncodingArgs) {
    super(args);
    checkPositiveInt(args.maxLength, 'maxLength');
    checkPositiveInt(args.dim, 'dim');
    this.base = args.base ?? 10000;
    checkPositive(this.base, 'base');
    this.maxLength = args.maxLength;
    this.dim = args.dim;
  }

  override build(inputShape: Shape | Shape[]): void {
    checkLastDim(inputShape as Shape, this.dim, this.name);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return inputShape as Shape;
  }

  /** x [B, T, C] → x + PE[offset : offset+T]. Call inside tf.tidy. */
  forward(x: tf.Tensor, offset = 0): tf.Tensor {
    const t = checkPositionInput(x, offset, this.dim, this.maxLength, this.name);
    this.table ??= sinusoidalTable(0, this.maxLength, this.dim, this.base);
    const rows = this.table.subarray(offset * this.dim, (offset + t) * this.dim);
    return tf.add(x, tf.tensor2d(rows, [t, this.dim])); // [B, T, C]
  }

  namedWeights(): NamedLayerWeights {
    return {};
  }

  /** kwargs.offset: position of the first token (incremental decoding). */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => this.forward(single(inputs, this.name), kwargs.offset ?? 0));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), maxLength: this.maxLength, dim: this.dim, base: this.base };
  }
}
