/**
 * QuantizedTensor: a [K, N] weight held as packed codes + per-group scales and
 * mins on the current tfjs backend, in that backend's layout (format.ts).
 *
 * It moves between backends on its own: every op calls `toLayout` with the
 * current backend's layout, which re-packs the int32 codes through the
 * canonical bytes (a webgl texture cannot hold the 'bytes' layout's full
 * int32 values, and the cpu kernels read bytes). Scales and mins are float32
 * everywhere and move as ordinary tensors.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D } from '@tensorflow/tfjs-core';
import { MobileMMError, type PackedLinear } from '@mobile-mm/core';
import type { Bits, PackedLayout, QuantAttrs } from './kernel-names.js';
// A cycle (ops.ts imports this file); both sides use the other only inside functions.
import { quantizedMatMul } from './ops.js';
import {
  canonicalCodeBytes,
  numGroups,
  packedCodesShape,
  SUPPORTED_BITS,
  SUPPORTED_GROUP_SIZES,
  SUPPORTED_SCALE_DTYPES,
  type ScaleDtype,
} from './format.js';
import { canonicalToLayout, layoutToCanonical } from './reference.js';

/**
 * The layout the current (or named) backend's kernels read: 'bytes' except on
 * webgl, where it follows the texture precision. That is decided by the flag
 * WEBGL_RENDER_FLOAT32_ENABLED (false with WEBGL_FORCE_F16_TEXTURES or on GPUs
 * that cannot render to float32), which is what tfjs's texture manager reads.
 * `backend.floatPrecision()` is not used: in tfjs 4.22 it returns 16 whenever
 * that flag is true (tensorflow/tfjs#6980), which would waste 7 of 12 codes
 * per element on every float32-capable GPU.
 */
export function backendLayout(backendName: string = tf.getBackend()): PackedLayout {
  if (backendName !== 'webgl') return 'bytes';
  return tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED') ? 'webgl-fp32' : 'webgl-f16';
}

/** Everything needed to interpret the arrays of a quantized weight. */
export interface QuantizedMeta {
  /** K: rows of the logical weight (input features). */
  inDim: number;
  /** N: columns (output features). */
  outDim: number;
  bits: Bits;
  groupSize: number;
  /** Precision the scales and mins were rounded to (float32 in memory either way). */
  scaleDtype: ScaleDtype;
}

/** A quantized weight in the canonical (on-disk) layout. */
export interface CanonicalQuantizedTensor extends QuantizedMeta {
  /** u8 [N, Kp·b/8]. */
  codes: Uint8Array;
  /** [N, ⌈K/G⌉]. */
  scales: Float32Array;
  mins: Float32Array;
}

/** Checks meta fields, throwing INVALID_ARGUMENT / INVALID_SHAPE with what is accepted. */
export function checkQuantizedMeta(meta: QuantizedMeta, where: string): void {
  const { inDim, outDim, bits, groupSize, scaleDtype } = meta;
  if (!SUPPORTED_BITS.includes(bits)) {
    throw new MobileMMError('INVALID_ARGUMENT', `${where}: bits must be one of ${SUPPORTED_BITS.join(', ')}; got ${bits}.`, {
      bits,
    });
  }
  if (!SUPPORTED_GROUP_SIZES.includes(groupSize)) {
    throw new MobileMMError(
      'INVALID_ARGUMENT',
      `${where}: groupSize must be one of ${SUPPORTED_GROUP_SIZES.join(', ')}; got ${groupSize}.`,
      { groupSize },
    );
  }
  if (!SUPPORTED_SCALE_DTYPES.includes(scaleDtype)) {
    throw new MobileMMError(
      'INVALID_ARGUMENT',
      `${where}: scaleDtype must be one of ${SUPPORTED_SCALE_DTYPES.join(', ')}; got ${String(scaleDtype)}.`,
      { scaleDtype },
    );
  }
  for (const [field, v] of [
    ['inDim', inDim],
    ['outDim', outDim],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new MobileMMError('INVALID_SHAPE', `${where}: ${field} must be a positive integer; got ${v}.`, { [field]: v });
    }
  }
}

export class QuantizedTensor implements PackedLinear {
  readonly bits: Bits;
  readonly groupSize: number;
  readonly scaleDtype: ScaleDtype;
  /** Logical weight shape [K, N]. */
  readonly shape: [number, number];
  private codesT: Tensor2D;
  private scalesT: Tensor2D;
  private minsT: Tensor2D;
  private layoutV: PackedLayout;
  private disposedV = false;

  /** Wraps tensors already in `layout` (ownership passes to the QuantizedTensor). */
  constructor(
    meta: QuantizedMeta,
    tensors: { codes: Tensor2D; scales: Tensor2D; mins: Tensor2D },
    layout: PackedLayout,
  ) {
    checkQuantizedMeta(meta, 'QuantizedTensor');
    this.bits = meta.bits;
    this.groupSize = meta.groupSize;
    this.scaleDtype = meta.scaleDtype;
    this.shape = [meta.inDim, meta.outDim];
    const codesShape = packedCodesShape(meta.inDim, meta.outDim, meta.bits, meta.groupSize, layout);
    const groupShape = [meta.outDim, numGroups(meta.inDim, meta.groupSize)];
    const ok =
      tensors.codes.dtype === 'int32' &&
      tf.util.arraysEqual(tensors.codes.shape, codesShape) &&
      tf.util.arraysEqual(tensors.scales.shape, groupShape) &&
      tf.util.arraysEqual(tensors.mins.shape, groupShape);
    if (!ok) {
      throw new MobileMMError(
        'INVALID_SHAPE',
        `QuantizedTensor: expected codes int32 [${codesShape}] and scales/mins [${groupShape}] for layout ` +
          `${layout}; got codes ${tensors.codes.dtype} [${tensors.codes.shape}], scales [${tensors.scales.shape}], ` +
          `mins [${tensors.mins.shape}].`,
      );
    }
    this.codesT = tensors.codes;
    this.scalesT = tensors.scales;
    this.minsT = tensors.mins;
    this.layoutV = layout;
  }

  get inDim(): number {
    return this.shape[0];
  }
  get outDim(): number {
    return this.shape[1];
  }
  get layout(): PackedLayout {
    return this.layoutV;
  }
  get codes(): Tensor2D {
    return this.codesT;
  }
  get scales(): Tensor2D {
    return this.scalesT;
  }
  get mins(): Tensor2D {
    return this.minsT;
  }
  get isDisposed(): boolean {
    return this.disposedV;
  }
  get meta(): QuantizedMeta {
    return { inDim: this.inDim, outDim: this.outDim, bits: this.bits, groupSize: this.groupSize, scaleDtype: this.scaleDtype };
  }
  /** The kernel attributes for the current layout. */
  get attrs(): QuantAttrs {
    return { bits: this.bits, groupSize: this.groupSize, inDim: this.inDim, outDim: this.outDim, layout: this.layoutV };
  }
  /** Bytes held on the backend: int32 codes + float32 scales and mins. */
  get byteSize(): number {
    return 4 * (this.codesT.size + this.scalesT.size + this.minsT.size);
  }
  /** Bytes in the canonical (saved) form: u8 codes + scales and mins in scaleDtype. */
  get canonicalByteSize(): number {
    const scaleBytes = this.scaleDtype === 'float16' ? 2 : 4;
    return canonicalCodeBytes(this.inDim, this.outDim, this.bits, this.groupSize) + 2 * this.scalesT.size * scaleBytes;
  }

  /** x [M, K] · W (+ bias [N]) → [M, N] with the Int2MatMul kernel: what a packed core Linear computes with. */
  matMul(x: Tensor2D, bias?: tf.Tensor1D): Tensor2D {
    return quantizedMatMul(x, this, bias);
  }

  /** gelu(x · W + bias), gelu(y) = y·σ(1.702y): one Int2MatMul on cpu and wasm outside gradient recording (activation.ts). */
  matMulGelu(x: Tensor2D, bias?: tf.Tensor1D): Tensor2D {
    return quantizedMatMul(x, this, bias, 'gelu');
  }

  dispose(): void {
    if (this.disposedV) return;
    this.codesT.dispose();
    this.scalesT.dispose();
    this.minsT.dispose();
    this.disposedV = true;
  }

  /**
   * Re-packs the codes into `layout` in place (no-op when already there). Reads
   * the codes synchronously from the backend that holds them. The new codes
   * tensor is tf.keep()-ed, so a surrounding tf.tidy does not dispose it.
   */
  toLayout(layout: PackedLayout): void {
    this.assertLive('toLayout');
    if (layout === this.layoutV) return;
    const { inDim, outDim, bits, groupSize } = this;
    const bytes = layoutToCanonical(this.codesT.dataSync() as Int32Array, inDim, outDim, bits, groupSize, this.layoutV);
    // Kept: this may run inside a caller's tf.tidy (model.predict), which must not free our weight.
    const codes = tf.keep(
      tf.tensor2d(
        canonicalToLayout(bytes, inDim, outDim, bits, groupSize, layout),
        packedCodesShape(inDim, outDim, bits, groupSize, layout),
        'int32',
      ),
    );
    this.codesT.dispose();
    this.codesT = codes;
    this.layoutV = layout;
  }

  /** Copies the weight out in canonical form (what io.ts saves). */
  async toCanonical(): Promise<CanonicalQuantizedTensor> {
    this.assertLive('toCanonical');
    const [codes, scales, mins] = await Promise.all([this.codesT.data(), this.scalesT.data(), this.minsT.data()]);
    const { inDim, outDim, bits, groupSize } = this;
    const bytes =
      this.layoutV === 'bytes'
        ? new Uint8Array(codes.buffer, codes.byteOffset, codes.byteLength).slice()
        : layoutToCanonical(codes as Int32Array, inDim, outDim, bits, groupSize, this.layoutV);
    return { ...this.meta, codes: bytes, scales: Float32Array.from(scales), mins: Float32Array.from(mins) };
  }

  /**
   * Uploads a canonical weight in `layout` (default: the current backend's).
   * Only the packed codes, scales and mins are uploaded: no float copy of the
   * weight is ever made.
   */
  static fromCanonical(c: CanonicalQuantizedTensor, layout: PackedLayout = backendLayout()): QuantizedTensor {
    checkQuantizedMeta(c, 'QuantizedTensor.fromCanonical');
    const { inDim, outDim, bits, groupSize } = c;
    const codeBytes = canonicalCodeBytes(inDim, outDim, bits, groupSize);
    const groupCount = outDim * numGroups(inDim, groupSize);
    const lengths: [string, number, number][] = [
      ['codes', c.codes.length, codeBytes],
      ['scales', c.scales.length, groupCount],
      ['mins', c.mins.length, groupCount],
    ];
    for (const [name, got, want] of lengths) {
      if (got !== want) {
        throw new MobileMMError(
          'INVALID_SHAPE',
          `QuantizedTensor.fromCanonical: ${name} has ${got} elements; [K=${inDim}, N=${outDim}] at ${bits} bits, ` +
            `group ${groupSize} needs ${want}.`,
          { tensor: name, got, want },
        );
      }
    }
    const codes32 =
      layout === 'bytes'
        ? new Int32Array(c.codes.slice().buffer) // canonical bytes as little-endian int32, own buffer
        : canonicalToLayout(c.codes, inDim, outDim, bits, groupSize, layout);
    const groupShape: [number, number] = [outDim, numGroups(inDim, groupSize)];
    const tensors = {
      codes: tf.tensor2d(codes32, packedCodesShape(inDim, outDim, bits, groupSize, layout), 'int32'),
      scales: tf.tensor2d(Float32Array.from(c.scales), groupShape, 'float32'),
      mins: tf.tensor2d(Float32Array.from(c.mins), groupShape, 'float32'),
    };
    return new QuantizedTensor(c, tensors, layout);
  }

  private assertLive(what: string): void {
    if (this.disposedV) {
      throw new MobileMMError('INVALID_ARGUMENT', `QuantizedTensor.${what}: this tensor has been disposed.`);
    }
  }
}
