/**
 * fakeQuantize against the scalar reference (float64, float32 scales): the
 * forward value is the dequantized RTN weight, the gradient is the identity.
 */
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { expectNoLeak, randn, type BackendEnv } from '@mobile-mm/core/test-utils';
import { isMobileMMError } from '@mobile-mm/core';
import type { Bits } from './kernel-names.js';
import { describeKernelBackends } from './__fixtures__/kernel-backends.js';
import { dequantizeReference, quantizeReference } from './reference.js';
import { fakeQuantize } from './qat.js';
import '@mobile-mm/core/gradients'; // training: every op gradient (tfjs-core alone registers none in Node)

/** Tolerance per element: float32 vs float64 arithmetic of scale·q + min. */
const VALUE_TOL = 1e-5;
/** A code may flip at an exact rounding tie (f32 vs f64 division): allowed on this fraction of elements. */
const FLIP_FRACTION = 2e-3;

describeKernelBackends('fakeQuantize', (_env: BackendEnv) => {
  const cases: Array<[number, number, Bits, number]> = [
    [128, 96, 2, 64],
    [200, 77, 2, 64], // K not a multiple of G
    [48, 64, 2, 64], // one partial group
    [130, 33, 4, 32],
    [256, 40, 8, 128],
  ];
  for (const [K, N, bits, G] of cases) {
    it(`matches dequantize(quantizeReference(W)) (K=${K}, N=${N}, bits ${bits}, G ${G})`, async () => {
      const wv = Float32Array.from(randn(K * N, K + N + bits, 0.3));
      const ref = dequantizeReference(quantizeReference(wv, K, N, { bits, groupSize: G, scaleDtype: 'float32' }), K, N, { bits, groupSize: G });
      const w = tf.tensor2d(wv, [K, N]);
      await expectNoLeak(async () => {
        const y = fakeQuantize(w, { bits, groupSize: G });
        expect(y.shape).toEqual([K, N]);
        const got = await y.data();
        y.dispose();
        const range = Math.max(...Array.from(wv, Math.abs));
        const step = (2 * range) / ((1 << bits) - 1);
        let flips = 0;
        for (let i = 0; i < got.length; i++) {
          const d = Math.abs(got[i] - ref[i]);
          if (d > VALUE_TOL * range) {
            flips++;
            expect(d).toBeLessThan(step * 1.01); // one grid step, never more
          }
        }
        expect(flips).toBeLessThanOrEqual(Math.ceil(FLIP_FRACTION * got.length));
      });
      w.dispose();
    });
  }

  it('passes the gradient straight through (identity)', async () => {
    const [K, N] = [130, 20];
    const w = tf.variable(tf.tensor2d(Float32Array.from(randn(K * N, 7, 1)), [K, N]));
    const x = tf.tensor2d(Float32Array.from(randn(3 * K, 8, 1)), [3, K]);
    const dy = tf.tensor2d(Float32Array.from(randn(3 * N, 9, 1)), [3, N]);
    await expectNoLeak(async () => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(tf.matMul(x, fakeQuantize(w, { bits: 2 })), dy)) as tf.Scalar, [w]);
      const want = tf.matMul(x, dy, true, false); // ∂/∂W Σ (x·W)∘dy = xᵀ·dy
      const g = await grads[w.name].data();
      const r = await want.data();
      for (let i = 0; i < r.length; i++) expect(Math.abs(g[i] - r[i])).toBeLessThan(1e-4 * (1 + Math.abs(r[i])));
      tf.dispose([value, grads[w.name], want]);
    });
    tf.dispose([w, x, dy]);
  });

  it('rejects bad bits, group size and shapes with typed errors', () => {
    const w = tf.zeros([64, 8]) as tf.Tensor2D;
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return isMobileMMError(e) ? e.code : 'untyped';
      }
      return 'none';
    };
    expect(code(() => fakeQuantize(w, { bits: 3 as Bits }))).toBe('INVALID_ARGUMENT');
    expect(code(() => fakeQuantize(w, { bits: 2, groupSize: 48 }))).toBe('INVALID_ARGUMENT');
    const v = tf.zeros([64]);
    expect(code(() => fakeQuantize(v as unknown as tf.Tensor2D, { bits: 2 }))).toBe('INVALID_SHAPE');
    tf.dispose([w, v]);
  });
});
