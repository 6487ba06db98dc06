/** The LUT kernel against float64 math: |y − y64| ≤ MATMUL_TOL·(1 + Σ_k |x||ŵ|). */
import { describe, expect, it } from 'vitest';
import { randn } from '@mobile-mm/core/test-utils';
import { SUPPORTED_BITS } from '../format.js';
import { dequantizeReference, quantizeReference } from '../reference.js';
import { int2MatMulImpl } from './Int2MatMul.js';

const MATMUL_TOL = 1e-5;

describe('cpu int2MatMulImpl (T-MAC tables)', () => {
  const shapes: [number, number, number, number][] = [
    // [M, K, N, G]
    [1, 1000, 300, 128],
    [3, 96, 5, 32],
    [16, 520, 61, 64],
  ];
  for (const bits of SUPPORTED_BITS) {
    for (const [M, K, N, G] of shapes) {
      it(`bits ${bits}: [${M}, ${K}] · [${K}, ${N}], G ${G}, with bias`, () => {
        const w = Float32Array.from(randn(K * N, K + N + bits, 0.2));
        const x = Float32Array.from(randn(M * K, M + K, 1));
        const bias = Float32Array.from(randn(N, 9, 1));
        const ref = quantizeReference(w, K, N, { bits, groupSize: G, scaleDtype: 'float32' });
        const wHat = dequantizeReference(ref, K, N, { bits, groupSize: G });
        const y = int2MatMulImpl(x, M, ref.codes, ref.scales, ref.mins, bias, { bits, groupSize: G, inDim: K, outDim: N });
        expect(y.length).toBe(M * N);
        for (let m = 0; m < M; m++) {
          for (let n = 0; n < N; n++) {
            let s = bias[n];
            let mag = Math.abs(bias[n]);
            for (let k = 0; k < K; k++) {
              s += x[m * K + k] * wHat[k * N + n];
              mag += Math.abs(x[m * K + k] * wHat[k * N + n]);
            }
            const err = Math.abs(y[m * N + n] - s);
            if (!(err <= MATMUL_TOL * (1 + mag))) throw new Error(`y[${m},${n}] = ${y[m * N + n]}, want ${s}`);
          }
        }
      });
    }
  }
});
