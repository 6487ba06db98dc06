/**
 * setupBackend('webgpu') in headless Chromium (the browser-webgpu vitest
 * project). Skips, naming the reason, where navigator.gpu gives no adapter.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeBackends, expectNoLeak, probeWebgpu, randn, WEBGPU_ENV } from '../test-utils/index.js';
import { availableBackends, webgpuAvailable } from './backends.js';
import { setupBackend } from './setup.js';

const GPU = await probeWebgpu();

describe.skipIf(!GPU.available)(`setupBackend webgpu${GPU.available ? '' : ` (skipped: ${GPU.reason})`}`, () => {
  it(`finds an adapter: ${GPU.reason}`, () => {
    console.info(`[webgpu] ${GPU.reason}`);
    expect(GPU.info).toBeDefined();
    expect(webgpuAvailable()).toBe(true);
    expect(availableBackends()[0]).toBe('webgpu');
  });

  describeBackends(
    'setupBackend',
    () => {
      it('activates the backend and computes a matmul on the GPU (≥ 1000 elements: no CPU forwarding)', async () => {
        expect(tf.getBackend()).toBe('webgpu');
        const [M, K, N] = [40, 64, 48];
        const av = randn(M * K, 1);
        const bv = randn(K * N, 2);
        const y = await expectNoLeak(async () => {
          const a = tf.tensor2d(Float32Array.from(av), [M, K]);
          const b = tf.tensor2d(Float32Array.from(bv), [K, N]);
          const c = tf.matMul(a, b);
          const out = await c.data();
          tf.dispose([a, b, c]);
          return out;
        });
        for (const [m, n] of [
          [0, 0],
          [M - 1, N - 1],
          [17, 29],
        ]) {
          let want = 0;
          let mag = 0;
          for (let k = 0; k < K; k++) {
            want += Math.fround(av[m * K + k]) * Math.fround(bv[k * N + n]);
            mag += Math.abs(av[m * K + k] * bv[k * N + n]);
          }
          expect(Math.abs(y[m * N + n] - want)).toBeLessThanOrEqual((K + 2) * 2 ** -24 * mag);
        }
      });
    },
    { envs: [WEBGPU_ENV] },
  );

  it("'auto' starts webgpu first", async () => {
    expect(await setupBackend('auto')).toBe('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
  });
});
