/**
 * linearFormat() driving core's Linear: fake quantization equals
 * fakeQuantize, packing equals the scalar reference (RTN) or quantizeMinMse,
 * and a packed Linear computes x·ŵ + b against float64 math on the
 * reference's dequantized weight.
 *
 * Tolerance: |y − y64| ≤ 1e-4·(1 + Σ_k |x||ŵ|) (ops.test.ts's MATMUL_TOL), on
 * every backend with kernels.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { Linear, isMobileMMError } from '@mobile-mm/core';
import { expectNoLeak, randn } from '@mobile-mm/core/test-utils';
import { describeKernelBackends } from './__fixtures__/kernel-backends.js';
import { linearFormat } from './linear-format.js';
import { quantizeMinMse } from './ptq.js';
import { fakeQuantize } from './qat.js';
import { QuantizedTensor } from './quantized-tensor.js';
import { dequantizeReference, quantizeReference } from './reference.js';
import { registerInt2Kernels } from './register.js';

const [M, K, N] = [6, 96, 40]; // K spans two 64-groups, the second one padded
const TOL = 1e-4;

function linearWith(seed: number): { lin: Linear; w: Float32Array; b: Float32Array } {
  const lin = new Linear({ inDim: K, outDim: N, name: `lf_${seed}` }).ensureBuilt();
  const w = Float32Array.from(randn(K * N, seed, 0.3));
  const b = Float32Array.from(randn(N, seed + 1, 0.1));
  const { kernel, bias } = lin.namedWeights();
  tf.tidy(() => {
    kernel.write(tf.tensor2d(w, [K, N]));
    bias.write(tf.tensor1d(b));
  });
  return { lin, w, b };
}

/** y64 = x·ŵ + b in float64 and the per-output bound 1 + Σ_k |x||ŵ|. */
function reference(x: Float32Array, wq: Float64Array | Float32Array, b: Float32Array): { y: Float64Array; bound: Float64Array } {
  const y = new Float64Array(M * N);
  const bound = new Float64Array(M * N);
  for (let m = 0; m < M; m++)
    for (let n = 0; n < N; n++) {
      let s = b[n];
      let a = 1;
      for (let k = 0; k < K; k++) {
        s += x[m * K + k] * wq[k * N + n];
        a += Math.abs(x[m * K + k] * wq[k * N + n]);
      }
      y[m * N + n] = s;
      bound[m * N + n] = a;
    }
  return { y, bound };
}

describeKernelBackends('linearFormat with core Linear', () => {
  beforeAll(() => registerInt2Kernels());

  for (const bits of [2, 4] as const) {
    for (const method of ['rtn', 'mse'] as const) {
      it(`int${bits} ${method}: toQuantized packs like the reference and the packed Linear matches float64 x·ŵ + b`, async () => {
        await expectNoLeak(async () => {
          const { lin, w, b } = linearWith(10 + bits);
          const format = linearFormat({ bits, method });
          const packed = lin.toQuantized(format);
          expect(packed).toBeInstanceOf(QuantizedTensor);
          const opts = { bits, groupSize: 64, scaleDtype: 'float16' as const };
          const want = method === 'mse' ? quantizeMinMse(w, K, N, opts) : quantizeReference(w, K, N, opts);
          const got = await (packed as QuantizedTensor).toCanonical();
          expect(Array.from(got.codes)).toEqual(Array.from(want.codes));
          const wq = dequantizeReference(want, K, N, opts);
          const x = Float32Array.from(randn(M * K, 20 + bits));
          const xt = tf.tensor2d(x, [M, K]);
          const y = tf.tidy(() => lin.apply2d(xt));
          const ref = reference(x, wq, b);
          const ys = await y.data();
          for (let i = 0; i < M * N; i++) expect(Math.abs(ys[i] - ref.y[i])).toBeLessThanOrEqual(TOL * ref.bound[i]);
          tf.dispose([xt, y]);
          lin.free();
        });
      });
    }
  }

  it('setFakeQuant: the forward uses fakeQuantize(W), W stays float', async () => {
    await expectNoLeak(async () => {
      const { lin, w, b } = linearWith(30);
      lin.setFakeQuant(linearFormat({ bits: 2 }));
      const x = Float32Array.from(randn(M * K, 31));
      const xt = tf.tensor2d(x, [M, K]);
      const y = tf.tidy(() => lin.apply2d(xt));
      const wt = tf.tensor2d(w, [K, N]);
      const fq = fakeQuantize(wt, { bits: 2 });
      const ref = reference(x, (await fq.data()) as Float32Array, b);
      const ys = await y.data();
      for (let i = 0; i < M * N; i++) expect(Math.abs(ys[i] - ref.y[i])).toBeLessThanOrEqual(TOL * ref.bound[i]);
      expect(lin.packed).toBeNull();
      tf.dispose([xt, y, wt, fq]);
      lin.free();
    });
  });
});

it('linearFormat rejects unsupported options with INVALID_CONFIG naming the field', () => {
  const fieldOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      return isMobileMMError(e, 'INVALID_CONFIG') ? e.details?.field : `not INVALID_CONFIG: ${String(e)}`;
    }
    return 'no error';
  };
  expect(fieldOf(() => linearFormat({ bits: 3 as 2 }))).toBe('bits');
  expect(fieldOf(() => linearFormat({ bits: 2, groupSize: 16 }))).toBe('groupSize');
  expect(fieldOf(() => linearFormat({ bits: 2, method: 'gptq' as 'rtn' }))).toBe('method');
  expect(fieldOf(() => linearFormat({ bits: 2, scaleDtype: 'int8' as 'float16' }))).toBe('scaleDtype');
});
