/**
 * Checks the webgl and webgpu kernels run before touching the GPU. A kernel
 * can be reached through `engine().runKernel` without the op's own checks;
 * each backend adds what only it needs (the layouts its textures or buffers
 * hold) on top of these.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { MobileMMError } from '@mobile-mm/core';
import type { QuantAttrs } from './kernel-names.js';
import { SUPPORTED_BITS, SUPPORTED_GROUP_SIZES, numGroups, packedCodesShape } from './format.js';

/** Throws INVALID_SHAPE unless `t` has exactly `shape`. */
export function checkTensorShape(kernel: string, name: string, t: TensorInfo | undefined, shape: number[]): void {
  if (t == null || !tf.util.arraysEqual(t.shape, shape)) {
    throw new MobileMMError(
      'INVALID_SHAPE',
      `${kernel}: ${name} must have shape [${shape}]; got ${t == null ? 'nothing' : `[${t.shape}]`}.`,
      { tensor: name, expected: shape, actual: t?.shape },
    );
  }
}

/** Throws INVALID_DTYPE unless `t` has `dtype`. */
export function checkTensorDtype(kernel: string, name: string, t: TensorInfo, dtype: tf.DataType): void {
  if (t.dtype !== dtype) {
    throw new MobileMMError('INVALID_DTYPE', `${kernel}: ${name} must be ${dtype}; got ${t.dtype}.`, {
      tensor: name,
      dtype: t.dtype,
    });
  }
}

/** bits, groupSize, inDim and outDim: the format fields every GPU kernel reads (the layout is each backend's check). */
export function checkQuantFormat(kernel: string, attrs: QuantAttrs): void {
  const { bits, groupSize, inDim, outDim } = attrs;
  if (!SUPPORTED_BITS.includes(bits)) {
    throw new MobileMMError('INVALID_ARGUMENT', `${kernel}: bits must be one of ${SUPPORTED_BITS.join(', ')}; got ${bits}.`, { bits });
  }
  if (!SUPPORTED_GROUP_SIZES.includes(groupSize)) {
    throw new MobileMMError('INVALID_ARGUMENT', `${kernel}: groupSize must be one of ${SUPPORTED_GROUP_SIZES.join(', ')}; got ${groupSize}.`, {
      groupSize,
    });
  }
  for (const [field, v] of [
    ['inDim', inDim],
    ['outDim', outDim],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new MobileMMError('INVALID_SHAPE', `${kernel}: ${field} must be a positive integer; got ${v}.`, { [field]: v });
    }
  }
}

/** codes int32 in `attrs.layout`, scales and mins [N, ⌈K/G⌉]. */
export function checkPackedInputs(
  kernel: string,
  inputs: { codes: TensorInfo; scales: TensorInfo; mins: TensorInfo },
  attrs: QuantAttrs,
): void {
  const { bits, groupSize, inDim: K, outDim: N, layout } = attrs;
  checkTensorShape(kernel, 'codes', inputs.codes, packedCodesShape(K, N, bits, groupSize, layout));
  checkTensorDtype(kernel, 'codes', inputs.codes, 'int32');
  checkTensorShape(kernel, 'scales', inputs.scales, [N, numGroups(K, groupSize)]);
  checkTensorShape(kernel, 'mins', inputs.mins, [N, numGroups(K, groupSize)]);
}

/** Int2MatMul's inputs: x float32 [M, K], the packed weight, bias [N] when given. */
export function checkMatMulInputs(
  kernel: string,
  inputs: { x: TensorInfo; codes: TensorInfo; scales: TensorInfo; mins: TensorInfo; bias?: TensorInfo },
  attrs: QuantAttrs,
): void {
  const { x, bias } = inputs;
  const { inDim: K, outDim: N } = attrs;
  if (x == null || x.shape.length !== 2 || x.shape[1] !== K) {
    throw new MobileMMError('INVALID_SHAPE', `${kernel}: x must be [M, ${K}]; got ${x == null ? 'nothing' : `[${x.shape}]`}.`, {
      tensor: 'x',
      shape: x?.shape,
      inDim: K,
    });
  }
  checkTensorDtype(kernel, 'x', x, 'float32');
  checkPackedInputs(kernel, inputs, attrs);
  if (bias != null) checkTensorShape(kernel, 'bias', bias, [N]);
}
