/**
 * QuantizedTensor storage on every backend (no kernels needed): the codes of
 * each layout survive the backend's storage exactly (webgl keeps int32 in
 * float textures: < 2^24 with fp32, < 2^11 with f16), and layouts convert.
 */
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBackends, expectNoLeak, randn, type BackendEnv } from '@mobile-mm/core/test-utils';
import { SUPPORTED_BITS } from './format.js';
import { quantizeReference } from './reference.js';
import { backendLayout, QuantizedTensor } from './quantized-tensor.js';
import { isF16Env, withRealF16 } from './__fixtures__/kernel-backends.js';

/** Whether the backend's storage rounds 2049 (needs 12 significand bits) like float16 does. */
async function storesF16(): Promise<boolean> {
  const y = tf.tidy(() => tf.add(tf.fill([256], 2049), tf.zeros([256]))); // ≥128 elements: runs on the GPU
  const v = (await y.data())[0];
  y.dispose();
  return v !== 2049;
}

describeBackends(
  'QuantizedTensor storage',
  withRealF16((env: BackendEnv) => {
    for (const bits of SUPPORTED_BITS) {
      it(`fromCanonical → toCanonical is exact in the backend layout and after toLayout (bits ${bits})`, async () => {
        await expectNoLeak(async () => {
          const [K, N] = [200, 77];
          const ref = quantizeReference(Float32Array.from(randn(K * N, bits, 1)), K, N, {
            bits,
            groupSize: 64,
            scaleDtype: 'float16', // exact in f16 textures too
          });
          const c = { ...ref, inDim: K, outDim: N, bits, groupSize: 64, scaleDtype: 'float16' as const };
          const q = QuantizedTensor.fromCanonical(c);
          expect(q.layout).toBe(backendLayout());
          if (env.backend !== 'webgl') expect(q.layout).toBe('bytes');
          else expect(q.layout).toBe((await storesF16()) ? 'webgl-f16' : 'webgl-fp32');
          expect(await q.toCanonical()).toEqual(c);
          const storable = q.layout === 'webgl-f16' ? ['webgl-f16'] : ['webgl-f16', 'webgl-fp32'];
          for (const layout of env.backend === 'webgl' ? storable : ['webgl-fp32', 'webgl-f16', 'bytes']) {
            q.toLayout(layout as never);
            expect(q.layout).toBe(layout);
            expect((await q.toCanonical()).codes).toEqual(ref.codes);
          }
          q.dispose();
          expect(q.isDisposed).toBe(true);
          q.dispose(); // idempotent
        });
      });
    }

    if (isF16Env(env)) {
      it('the forced-f16 env really stores float16 (else webgl-f16 is never exercised)', async () => {
        expect(await storesF16()).toBe(true);
      });
    }

    it('rejects canonical arrays of the wrong size, naming the array', () => {
      const ref = quantizeReference(new Float32Array(64 * 3).fill(1), 64, 3, { bits: 2, groupSize: 32, scaleDtype: 'float32' });
      const c = { ...ref, inDim: 64, outDim: 3, bits: 2 as const, groupSize: 32, scaleDtype: 'float32' as const };
      expect(() => QuantizedTensor.fromCanonical({ ...c, mins: new Float32Array(5) })).toThrow(/mins has 5 elements/);
      expect(() => QuantizedTensor.fromCanonical({ ...c, codes: new Uint8Array(7) })).toThrow(/codes has 7 elements/);
    });
  }),
  { f16: true },
);
