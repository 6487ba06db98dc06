/**
 * The shapes every GPU backend's INT2 kernels are tested on (webgl and
 * webgpu run the same list, as issue 18 asks): K not a multiple of the group,
 * odd N, M of 1, 5 and 16, every bit width, groups of 32–128.
 */
import { numGroups } from '../format.js';
import type { Bits } from '../kernel-names.js';
import { canonicalCode, canonicalRowBytes, dequantizeReference, type CanonicalQuantized } from '../reference.js';
import type { Case } from '../webgl/__fixtures__/webgl-test-utils.js';

export interface MatMulCase {
  M: number;
  K: number;
  N: number;
  bits: Bits;
  groupSize: number;
  bias: boolean;
}

export const MATMUL_CASES: readonly MatMulCase[] = [
  { M: 5, K: 200, N: 77, bits: 2, groupSize: 64, bias: false }, // K not a multiple of G, odd N
  { M: 1, K: 256, N: 256, bits: 2, groupSize: 64, bias: true },
  { M: 16, K: 256, N: 128, bits: 4, groupSize: 32, bias: false },
  { M: 5, K: 512, N: 256, bits: 2, groupSize: 128, bias: true },
  { M: 16, K: 512, N: 512, bits: 8, groupSize: 64, bias: true },
  { M: 1, K: 384, N: 320, bits: 4, groupSize: 128, bias: false },
  { M: 5, K: 200, N: 77, bits: 8, groupSize: 32, bias: true },
  { M: 16, K: 320, N: 96, bits: 2, groupSize: 32, bias: true },
];

export const UNPACK_CASES: readonly Case[] = [
  { K: 200, N: 77, bits: 2, groupSize: 64 },
  { K: 256, N: 128, bits: 2, groupSize: 32 },
  { K: 130, N: 64, bits: 4, groupSize: 128 },
  { K: 192, N: 80, bits: 8, groupSize: 32 },
  { K: 300, N: 40, bits: 8, groupSize: 64 },
];

/**
 * The float64 reference of Int2MatMul: y = x·ŵ (+ bias) with ŵ the reference
 * dequantization, and S = Σ|x|·(|scale|·q + |min|) (+ |bias|), the magnitude the
 * tests' float32 error bound (G + ⌈K/G⌉ + 4)·2^-24·S scales with.
 */
export function matMulReference(c: MatMulCase, q: CanonicalQuantized, x: Float32Array, bias?: Float32Array): { y: Float64Array; s: Float64Array } {
  const { M, K, N, bits, groupSize } = c;
  const wq = dequantizeReference(q, K, N, { bits, groupSize });
  const ng = numGroups(K, groupSize);
  const rowBytes = canonicalRowBytes(K, bits, groupSize);
  const wAbs = new Float64Array(K * N);
  for (let k = 0; k < K; k++) {
    const g = Math.floor(k / groupSize);
    for (let n = 0; n < N; n++) {
      const code = canonicalCode(q.codes, rowBytes, n, k, bits);
      wAbs[k * N + n] = Math.abs(q.scales[n * ng + g]) * code + Math.abs(q.mins[n * ng + g]);
    }
  }
  const y = new Float64Array(M * N);
  const s = new Float64Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let acc = bias ? bias[n] : 0;
      let mag = bias ? Math.abs(bias[n]) : 0;
      for (let k = 0; k < K; k++) {
        acc += x[m * K + k] * wq[k * N + n];
        mag += Math.abs(x[m * K + k]) * wAbs[k * N + n];
      }
      y[m * N + n] = acc;
      s[m * N + n] = mag;
    }
  }
  return { y, s };
}
