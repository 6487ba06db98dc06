/**
 * Public ops: quantize, dequantize, quantizedMatMul. Each validates its
 * inputs (typed MobileMMError before any kernel runs), brings the weight into
 * the current backend's layout, then calls engine().runKernel.
 *
 * Shapes: x [M, K] or [B, T, K]; W [K, N]; y [M, N] or [B, T, N].
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, NamedTensorMap, Tensor, Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { MobileMMError, fusedKernelAvailable } from '@mobile-mm/core';
import { Int2MatMul, Int2Pack, Int2Unpack, type Bits, type Int2MatMulActivation, type Int2MatMulAttrs, type QuantAttrs } from './kernel-names.js';
import { checkActivation } from './activation.js';
import { DEFAULT_GROUP_SIZE, numGroups, type ScaleDtype } from './format.js';
import { int2PackImpl } from './cpu/Int2Pack.js';
import { backendLayout, checkQuantizedMeta, QuantizedTensor } from './quantized-tensor.js';

export interface QuantizeConfig {
  /** Bits per weight code: 2 (what we ship), 4 or 8. */
  bits: Bits;
  /** Rows of W sharing one scale/min; 32, 64 or 128. Default DEFAULT_GROUP_SIZE (see format.ts for the measurements). */
  groupSize?: number;
  /**
   * Precision of scales/mins. 'float32' (default) runs the Int2Pack kernel of
   * the current backend. 'float16' (2.5 instead of 3 bits per weight on disk at
   * b=2, G=64) packs on the host with the cpu implementation, because the
   * Int2Pack kernel contract emits float32 scales; the result is uploaded in the
   * backend's layout either way. On webgl with float16 textures the kernel's
   * scales are float16 by construction, so the result is always 'float16' there.
   */
  scaleDtype?: ScaleDtype;
}

function requireKernel(kernelName: string): void {
  const backend = tf.getBackend();
  if (kernelName === Int2Pack && backend === 'webgpu') {
    throw new MobileMMError(
      'UNSUPPORTED',
      `quantize: there is no ${Int2Pack} kernel on webgpu (it would need float64-exact arithmetic or a synchronous ` +
        `GPU read-back; see @mobile-mm/int2/webgpu). Quantize on cpu or wasm, or load packed weights ` +
        `(QuantizedTensor.fromCanonical, loadQuantized): ${Int2Unpack} and ${Int2MatMul} run on webgpu.`,
      { kernelName, backend },
    );
  }
  if (tf.getKernel(kernelName, backend) === undefined) {
    throw new MobileMMError(
      'UNSUPPORTED',
      `${kernelName} is not registered for backend '${backend}'. Call registerInt2Kernels() ` +
        `(or import a backend entry: @mobile-mm/int2/cpu, /wasm, /webgl, /webgpu) first; kernels exist for cpu, wasm, webgl and webgpu.`,
      { kernelName, backend },
    );
  }
}

function checkFloat32(t: Tensor, what: string): void {
  if (!(t instanceof tf.Tensor)) {
    throw new MobileMMError('INVALID_ARGUMENT', `${what} must be a tf.Tensor; got ${typeof t}.`);
  }
  if (t.dtype !== 'float32') {
    throw new MobileMMError('INVALID_DTYPE', `${what} must be float32; got ${t.dtype}.`, { dtype: t.dtype });
  }
}

function checkLive(q: QuantizedTensor, what: string): void {
  if (!(q instanceof QuantizedTensor)) {
    throw new MobileMMError('INVALID_ARGUMENT', `${what}: expected a QuantizedTensor (from quantize or fromCanonical).`);
  }
  if (q.isDisposed) throw new MobileMMError('INVALID_ARGUMENT', `${what}: the QuantizedTensor has been disposed.`);
}

/** Quantizes a float32 weight W [K, N] (x · W convention, like a Dense kernel). */
export function quantize(w: Tensor2D, config: QuantizeConfig): QuantizedTensor {
  checkFloat32(w, 'quantize: w');
  if (w.rank !== 2) {
    throw new MobileMMError('INVALID_SHAPE', `quantize: w must be rank 2 [K, N]; got shape [${w.shape}].`, {
      shape: w.shape,
    });
  }
  const [inDim, outDim] = w.shape;
  const bits = config?.bits;
  const groupSize = config?.groupSize ?? DEFAULT_GROUP_SIZE;
  const requested = config?.scaleDtype ?? 'float32';
  checkQuantizedMeta({ inDim, outDim, bits, groupSize, scaleDtype: requested }, 'quantize');
  const layout = backendLayout();
  const attrs: QuantAttrs = { bits, groupSize, inDim, outDim, layout };
  // float16 textures hold float16 scales whatever was asked: the kernel's output is the 'float16' reference.
  const scaleDtype = layout === 'webgl-f16' ? 'float16' : requested;
  const meta = { inDim, outDim, bits, groupSize, scaleDtype };
  requireKernel(Int2Pack); // before the float16 host path too: it reads w back synchronously

  if (scaleDtype === 'float16' && layout !== 'webgl-f16') {
    const packed = int2PackImpl(w.dataSync() as Float32Array, attrs, 'float16');
    const groupShape: [number, number] = [outDim, numGroups(inDim, groupSize)];
    const tensors = {
      codes: tf.tensor2d(packed.codes, packed.codesShape, 'int32'),
      scales: tf.tensor2d(packed.scales, groupShape, 'float32'),
      mins: tf.tensor2d(packed.mins, groupShape, 'float32'),
    };
    return new QuantizedTensor(meta, tensors, layout);
  }
  const [codes, scales, mins] = tf.engine().runKernel(Int2Pack, { w }, attrs as unknown as NamedAttrMap) as Tensor2D[];
  return new QuantizedTensor(meta, { codes, scales, mins }, layout);
}

/** The dequantized weight ŵ = scale·q + min, float32 [K, N]. */
export function dequantize(q: QuantizedTensor): Tensor2D {
  checkLive(q, 'dequantize');
  requireKernel(Int2Unpack);
  q.toLayout(backendLayout());
  const inputs: NamedTensorMap = { codes: q.codes, scales: q.scales, mins: q.mins };
  return tf.engine().runKernel(Int2Unpack, inputs, q.attrs as unknown as NamedAttrMap) as Tensor2D;
}

/**
 * y = x · ŵ (+ bias). x is [M, K] or [B, T, K]; bias [N]. Differentiable with
 * respect to x and bias (the quantized weight is frozen; see gradients.ts).
 */
export function quantizedMatMul(x: Tensor2D, q: QuantizedTensor, bias?: Tensor1D, activation?: Int2MatMulActivation): Tensor2D;
export function quantizedMatMul(x: Tensor3D, q: QuantizedTensor, bias?: Tensor1D, activation?: Int2MatMulActivation): Tensor3D;
export function quantizedMatMul(x: Tensor2D | Tensor3D, q: QuantizedTensor, bias?: Tensor1D, activation?: Int2MatMulActivation): Tensor2D | Tensor3D;
export function quantizedMatMul(x: Tensor2D | Tensor3D, q: QuantizedTensor, bias?: Tensor1D, activation: Int2MatMulActivation = 'linear'): Tensor2D | Tensor3D {
  checkLive(q, 'quantizedMatMul');
  checkActivation('quantizedMatMul', activation);
  checkFloat32(x, 'quantizedMatMul: x');
  const [K, N] = q.shape;
  if ((x.rank !== 2 && x.rank !== 3) || x.shape[x.rank - 1] !== K) {
    throw new MobileMMError(
      'INVALID_SHAPE',
      `quantizedMatMul: x must be [M, ${K}] or [B, T, ${K}] for a [${K}, ${N}] weight; got [${x.shape}].`,
      { shape: x.shape, inDim: K },
    );
  }
  if (bias != null) {
    checkFloat32(bias, 'quantizedMatMul: bias');
    if (bias.rank !== 1 || bias.shape[0] !== N) {
      throw new MobileMMError('INVALID_SHAPE', `quantizedMatMul: bias must be [${N}]; got [${bias.shape}].`, {
        shape: bias.shape,
        outDim: N,
      });
    }
  }
  requireKernel(Int2MatMul);
  q.toLayout(backendLayout());
  return tf.tidy((): Tensor2D | Tensor3D => {
    const x2: Tensor2D = x.rank === 3 ? tf.reshape(x, [x.shape[0] * x.shape[1], K]) : (x as Tensor2D); // [B·T, K]
    const inputs: NamedTensorMap = { x: x2, codes: q.codes, scales: q.scales, mins: q.mins };
    if (bias != null) inputs.bias = bias;
    // The gelu epilogue runs in the kernel on cpu and wasm when no gradient is recorded; otherwise as tfjs ops after it.
    const backend = tf.getBackend();
    const fuse = activation === 'gelu' && (backend === 'cpu' || backend === 'wasm') && fusedKernelAvailable(Int2MatMul); // off under a gradient tape or MOBILE_MM_FUSED=0
    const attrs: Int2MatMulAttrs = fuse ? { ...q.attrs, activation } : q.attrs;
    let y = tf.engine().runKernel(Int2MatMul, inputs, attrs as unknown as NamedAttrMap) as Tensor2D; // [M, N]
    if (activation === 'gelu' && !fuse) y = tf.mul(y, tf.sigmoid(tf.mul(y, 1.702))) as Tensor2D;
    return x.rank === 3 ? tf.reshape(y, [x.shape[0], x.shape[1], N]) as Tensor3D : y; // [B, T, N]
  });
}
