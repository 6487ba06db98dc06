/**
 * Int2Pack on wasm: w float32 [K, N] → codes int32 [N, Kp·b/32] ('bytes'),
 * scales and mins float32 [N, Kp/G].
 *
 * Plain JS over typed-array views of the backend's heap (packing is a one-off
 * per weight, so SIMD would buy little). The per-group arithmetic is the
 * reference's own (`groupScaleMin`, `quantizeCode` from reference.ts), and
 * each column is scanned in increasing k like quantizeReference, so the
 * result is bit-identical, ±0 and NaN handling included. Scales and mins are
 * float32: the kernel attributes carry no scale dtype.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { Int2Pack, type Int2PackAttrs, type Int2PackInputs, type QuantAttrs } from '../kernel-names.js';
import { numGroups, packedCodesShape, paddedInDim } from '../format.js';
import { groupScaleMin, quantizeCode } from '../reference.js';
import { checkQuantAttrs, checkTensor } from './validate.js';

/**
 * Packs w (row-major [K, N]) into `codes` (canonical bytes [N, Kp·b/8], zeroed
 * here), `scales` and `mins` ([N, ng]).
 */
export function int2PackImpl(
  w: Float32Array,
  codes: Uint8Array,
  scales: Float32Array,
  mins: Float32Array,
  attrs: QuantAttrs,
): void {
  const { bits, groupSize: G, inDim: K, outDim: N } = attrs;
  const ng = numGroups(K, G);
  const rowBytes = (paddedInDim(K, G) * bits) / 8;
  codes.fill(0);
  // Group by group, rows k0..k1 of w are walked contiguously (row k is N floats).
  const mn = new Float64Array(N);
  const mx = new Float64Array(N);
  const gScale = new Float64Array(N);
  const gMin = new Float64Array(N);
  for (let g = 0; g < ng; g++) {
    const k0 = g * G;
    const k1 = Math.min(k0 + G, K);
    mn.fill(Infinity);
    mx.fill(-Infinity);
    for (let k = k0; k < k1; k++) {
      const row = k * N;
      for (let n = 0; n < N; n++) {
        const v = w[row + n];
        if (v < mn[n]) mn[n] = v;
        if (v > mx[n]) mx[n] = v;
      }
    }
    for (let n = 0; n < N; n++) {
      const { scale, min } = groupScaleMin(mn[n], mx[n], bits, 'float32');
      gScale[n] = scale;
      gMin[n] = min;
      scales[n * ng + g] = scale;
      mins[n * ng + g] = min;
    }
    for (let k = k0; k < k1; k++) {
      const row = k * N;
      const bit = k * bits;
      const byte = bit >>> 3;
      const shift = bit & 7;
      for (let n = 0; n < N; n++) {
        codes[n * rowBytes + byte] |= quantizeCode(w[row + n], gScale[n], gMin[n], bits) << shift;
      }
    }
  }
}

function int2Pack(args: { inputs: Int2PackInputs; backend: BackendWasm; attrs: Int2PackAttrs }): TensorInfo[] {
  const { inputs, backend, attrs } = args;
  checkQuantAttrs(Int2Pack, attrs);
  const { bits, groupSize, inDim, outDim } = attrs;
  checkTensor(Int2Pack, 'w', inputs.w, 'float32', [inDim, outDim]);
  const groupShape = [outDim, numGroups(inDim, groupSize)];
  const codes = backend.makeOutput(packedCodesShape(inDim, outDim, bits, groupSize, 'bytes'), 'int32');
  const scales = backend.makeOutput(groupShape, 'float32');
  const mins = backend.makeOutput(groupShape, 'float32');
  // Views only after every allocation: a malloc may grow (and detach) the heap.
  const codesI32 = backend.typedArrayFromHeap(codes) as Int32Array;
  int2PackImpl(
    backend.typedArrayFromHeap(inputs.w) as Float32Array,
    new Uint8Array(codesI32.buffer, codesI32.byteOffset, codesI32.byteLength),
    backend.typedArrayFromHeap(scales) as Float32Array,
    backend.typedArrayFromHeap(mins) as Float32Array,
    attrs,
  );
  return [codes, scales, mins];
}

export const int2PackConfig: KernelConfig = {
  kernelName: Int2Pack,
  backendName: 'wasm',
  kernelFunc: int2Pack as unknown as KernelFunc,
};
