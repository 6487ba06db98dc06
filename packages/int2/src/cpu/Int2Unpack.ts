/** Int2Unpack on cpu: codes + scales + mins → float32 [K, N], ŵ = scale·q + min rounded once. */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { Int2Unpack, type Int2UnpackAttrs, type Int2UnpackInputs } from '../kernel-names.js';
import { numGroups } from '../format.js';
import type { Bits } from '../kernel-names.js';
import { canonicalRowBytes } from '../reference.js';
import { canonicalBytesView, cpuValues } from './util.js';

/** Dequantizes canonical bytes into a row-major float32 [K, N]. */
export function int2UnpackImpl(
  bytes: Uint8Array,
  scales: Float32Array,
  mins: Float32Array,
  attrs: { bits: Bits; groupSize: number; inDim: number; outDim: number },
): Float32Array {
  const { bits, groupSize: G, inDim: K, outDim: N } = attrs;
  const ng = numGroups(K, G);
  const rowBytes = canonicalRowBytes(K, bits, G);
  const mask = (1 << bits) - 1;
  const out = new Float32Array(K * N);
  for (let n = 0; n < N; n++) {
    const rowOff = n * rowBytes;
    for (let g = 0; g < ng; g++) {
      const scale = scales[n * ng + g];
      const min = mins[n * ng + g];
      const k1 = Math.min((g + 1) * G, K);
      for (let k = g * G; k < k1; k++) {
        const bit = k * bits;
        const q = (bytes[rowOff + (bit >>> 3)] >>> (bit & 7)) & mask;
        out[k * N + n] = scale * q + min;
      }
    }
  }
  return out;
}

function int2Unpack(args: { inputs: Int2UnpackInputs; backend: MathBackendCPU; attrs: Int2UnpackAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const bytes = canonicalBytesView(cpuValues<Int32Array>(backend, inputs.codes), attrs);
  const out = int2UnpackImpl(
    bytes,
    cpuValues<Float32Array>(backend, inputs.scales),
    cpuValues<Float32Array>(backend, inputs.mins),
    attrs,
  );
  return backend.makeTensorInfo([attrs.inDim, attrs.outDim], 'float32', out);
}

export const int2UnpackConfig: KernelConfig = {
  kernelName: Int2Unpack,
  backendName: 'cpu',
  kernelFunc: int2Unpack as unknown as KernelFunc,
};
