/**
 * Shared by the webgpu kernels: the attribute checks every kernel runs before
 * touching the GPU. WebGPU storage buffers hold int32 exactly, so the codes
 * use the 'bytes' layout of cpu and wasm (format.ts) and move between those
 * backends without re-packing.
 */
import { MobileMMError } from '@mobile-mm/core';
import type { QuantAttrs } from '../kernel-names.js';
import { checkQuantFormat } from '../gpu-checks.js';

/** Throws unless `attrs` describe a format the webgpu kernels read. */
export function checkWebgpuAttrs(kernel: string, attrs: QuantAttrs): void {
  const { layout } = attrs;
  checkQuantFormat(kernel, attrs);
  if (layout !== 'bytes') {
    throw new MobileMMError(
      'INVALID_ARGUMENT',
      `${kernel}: the webgpu kernels read layout 'bytes'; got '${String(layout)}'. ` +
        `Convert the weight first (QuantizedTensor.toLayout('bytes')).`,
      { layout },
    );
  }
}
