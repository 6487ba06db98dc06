/** Helpers shared by the cpu kernels. */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { QuantAttrs } from '../kernel-names.js';
import { layoutToCanonical } from '../reference.js';

/** The typed array behind a tensor on the cpu backend. */
export function cpuValues<T extends Float32Array | Int32Array>(backend: MathBackendCPU, t: TensorInfo): T {
  return backend.data.get(t.dataId).values as T;
}

/**
 * Canonical code bytes [N, Kp·b/8] for int32 codes in `attrs.layout`: a
 * zero-copy Uint8Array view for 'bytes' (little-endian, as every tfjs target
 * is), a converted copy for the webgl layouts.
 */
export function canonicalBytesView(codes: Int32Array, attrs: QuantAttrs): Uint8Array {
  if (attrs.layout === 'bytes') return new Uint8Array(codes.buffer, codes.byteOffset, codes.byteLength);
  return layoutToCanonical(codes, attrs.inDim, attrs.outDim, attrs.bits, attrs.groupSize, attrs.layout);
}
