/**
 * Shared by the webgpu kernels: the attribute checks every kernel runs before
 * touching the GPU. WebGPU storage buffers hold int32 exactly, so the codes
 * use the 'bytes' layout of cpu and wasm (format.ts) and move between those
 * backends without re-packing.
 */
import { MobileMMError } from '@mobile-mm/core';
import type { QuantAttrs } from '../kernel-names.js';
import { SUPPORTED_BITS, SUPPORTED_GROUP_SIZES } from '../format.js';

export { checkTensorDtype, checkTensorShape } from '../webgl/webgl-util.js';

/** Throws unless `attrs` describe a format the webgpu kernels read. */
export function checkWebgpuAttrs(kernel: string, attrs: QuantAttrs): void {
  const { bits, groupSize, inDim, outDim, layout } = attrs;
  if (!SUPPORTED_BITS.includes(bits)) {
    throw new MobileMMError('INVALID_ARGUMENT', `${kernel}: bits must be one of ${SUPPORTED_BITS.join(', ')}; got ${bits}.`, {
      bits,
    });
  }
  if (!SUPPORTED_GROUP_SIZES.includes(groupSize)) {
    throw new MobileMMError(
      'INVALID_ARGUMENT',
      `${kernel}: groupSize must be one of ${SUPPORTED_GROUP_SIZES.join(', ')}; got ${groupSize}.`,
      { groupSize },
    );
  }
  for (const [field, v] of [
    ['inDim', inDim],
    ['outDim', outDim],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new MobileMMError('INVALID_SHAPE', `${kernel}: ${field} must be a positive integer; got ${v}.`, { [field]: v });
    }
  }
  if (layout !== 'bytes') {
    throw new MobileMMError(
      'INVALID_ARGUMENT',
      `${kernel}: the webgpu kernels read layout 'bytes'; got '${String(layout)}'. ` +
        `Convert the weight first (QuantizedTensor.toLayout('bytes')).`,
      { layout },
    );
  }
}
