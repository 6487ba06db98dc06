/**
 * Int2Pack on cpu: w float32 [K, N] → codes int32 (attrs.layout), scales and
 * mins float32 [N, Kp/G]. Same arithmetic as quantizeReference (reference.ts),
 * reorganised to walk w row by row (contiguous) instead of column by column.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { Int2Pack, type Int2PackAttrs, type Int2PackInputs, type QuantAttrs } from '../kernel-names.js';
import { numGroups, packedCodesShape, type ScaleDtype } from '../format.js';
import { canonicalRowBytes, canonicalToLayout, groupScaleMin, quantizeCode } from '../reference.js';
import { cpuValues } from './util.js';

export interface PackedArrays {
  /** int32 codes in attrs.layout, row-major [N, cols]. */
  codes: Int32Array;
  codesShape: [number, number];
  scales: Float32Array;
  mins: Float32Array;
}

/**
 * Packs w (row-major [K, N]). `scaleDtype` 'float16' rounds scales and mins to
 * float16 before computing codes; the kernel itself always uses 'float32' (its
 * attributes carry no scale dtype), ops.quantize calls this directly for f16.
 */
export function int2PackImpl(w: ArrayLike<number>, attrs: QuantAttrs, scaleDtype: ScaleDtype = 'float32'): PackedArrays {
  const { bits, groupSize: G, inDim: K, outDim: N, layout } = attrs;
  const ng = numGroups(K, G);
  const rowBytes = canonicalRowBytes(K, bits, G);
  // Canonical bytes in a buffer whose length is a multiple of 4 (rowBytes is).
  const bytes = new Uint8Array(N * rowBytes);
  const scales = new Float32Array(N * ng);
  const mins = new Float32Array(N * ng);
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
      const { scale, min } = groupScaleMin(mn[n], mx[n], bits, scaleDtype);
      gScale[n] = scale;
      gMin[n] = min;
      scales[n * ng + g] = scale;
      mins[n * ng + g] = min;
    }
    for (let k = k0; k < k1; k++) {
      const row = k * N;
      const bit = k * bits;
      const byteInRow = bit >>> 3;
      const shift = bit & 7;
      for (let n = 0; n < N; n++) {
        bytes[n * rowBytes + byteInRow] |= quantizeCode(w[row + n], gScale[n], gMin[n], bits) << shift;
      }
    }
  }
  const codesShape = packedCodesShape(K, N, bits, G, layout);
  const codes =
    layout === 'bytes' ? new Int32Array(bytes.buffer) : canonicalToLayout(bytes, K, N, bits, G, layout);
  return { codes, codesShape, scales, mins };
}

function int2Pack(args: { inputs: Int2PackInputs; backend: MathBackendCPU; attrs: Int2PackAttrs }): TensorInfo[] {
  const { inputs, backend, attrs } = args;
  const w = cpuValues<Float32Array>(backend, inputs.w);
  const { codes, codesShape, scales, mins } = int2PackImpl(w, attrs);
  const groupShape = [attrs.outDim, numGroups(attrs.inDim, attrs.groupSize)];
  return [
    backend.makeTensorInfo(codesShape, 'int32', codes),
    backend.makeTensorInfo(groupShape, 'float32', scales),
    backend.makeTensorInfo(groupShape, 'float32', mins),
  ];
}

export const int2PackConfig: KernelConfig = {
  kernelName: Int2Pack,
  backendName: 'cpu',
  kernelFunc: int2Pack as unknown as KernelFunc,
};
