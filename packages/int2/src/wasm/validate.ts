/**
 * Input checks shared by the wasm kernels. A kernel can be reached through
 * `engine().runKernel` without the op's own checks, and a wrong shape here
 * would read or write past a tensor on the shared heap, so every kernel
 * validates before touching memory. Errors are MobileMMError with a stable code.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { MobileMMError } from '@mobile-mm/core';
import type { QuantAttrs } from '../kernel-names.js';
import { SUPPORTED_BITS, SUPPORTED_GROUP_SIZES, numGroups, packedCodesShape } from '../format.js';

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

/** bits, groupSize, inDim, outDim and layout ('bytes' is the only layout on wasm). */
export function checkQuantAttrs(kernel: string, attrs: QuantAttrs): void {
  const { bits, groupSize, inDim, outDim, layout } = attrs;
  if (!SUPPORTED_BITS.includes(bits)) {
    throw new MobileMMError(
      'INVALID_ARGUMENT',
      `${kernel} (wasm): bits = ${String(bits)}; accepted: ${SUPPORTED_BITS.join(', ')}.`,
    );
  }
  if (!SUPPORTED_GROUP_SIZES.includes(groupSize)) {
    throw new MobileMMError(
      'INVALID_ARGUMENT',
      `${kernel} (wasm): groupSize = ${String(groupSize)}; accepted: ${SUPPORTED_GROUP_SIZES.join(', ')}.`,
    );
  }
  if (!isPositiveInt(inDim) || !isPositiveInt(outDim)) {
    throw new MobileMMError(
      'INVALID_ARGUMENT',
      `${kernel} (wasm): inDim = ${String(inDim)}, outDim = ${String(outDim)}; both must be positive integers.`,
    );
  }
  if (layout !== 'bytes') {
    throw new MobileMMError(
      'UNSUPPORTED',
      `${kernel} (wasm): layout "${String(layout)}" is not supported on wasm; accepted: bytes (see format.ts).`,
    );
  }
}

export function checkTensor(
  kernel: string,
  name: string,
  t: TensorInfo | undefined,
  dtype: 'float32' | 'int32',
  shape: number[],
): void {
  if (t == null) {
    throw new MobileMMError('INVALID_ARGUMENT', `${kernel} (wasm): input "${name}" is missing.`);
  }
  if (t.dtype !== dtype) {
    throw new MobileMMError('INVALID_DTYPE', `${kernel} (wasm): ${name} has dtype ${t.dtype}; accepted: ${dtype}.`, {
      input: name,
    });
  }
  if (!sameShape(t.shape, shape)) {
    throw new MobileMMError(
      'INVALID_SHAPE',
      `${kernel} (wasm): ${name} has shape [${t.shape.join(', ')}]; expected [${shape.join(', ')}].`,
      { input: name, expected: shape, actual: [...t.shape] },
    );
  }
}

/** codes int32 [N, Kp·b/32], scales and mins float32 [N, Kp/G]. */
export function checkPacked(
  kernel: string,
  inputs: { codes?: TensorInfo; scales?: TensorInfo; mins?: TensorInfo },
  attrs: QuantAttrs,
): void {
  const { bits, groupSize, inDim, outDim } = attrs;
  checkTensor(kernel, 'codes', inputs.codes, 'int32', packedCodesShape(inDim, outDim, bits, groupSize, 'bytes'));
  const groupShape = [outDim, numGroups(inDim, groupSize)];
  checkTensor(kernel, 'scales', inputs.scales, 'float32', groupShape);
  checkTensor(kernel, 'mins', inputs.mins, 'float32', groupShape);
}
