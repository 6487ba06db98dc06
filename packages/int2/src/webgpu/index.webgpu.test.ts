/** registerWebgpuKernels, and the Int2MatMul gradient running on webgpu (through Int2Unpack). Skips without an adapter. */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import { describe, expect, it, vi } from 'vitest';
import { describeBackends, expectClose, randn } from '@mobile-mm/core/test-utils';
import { Int2MatMul, Int2Pack, Int2Unpack, type QuantAttrs } from '../kernel-names.js';
import { numGroups } from '../format.js';
import { canonicalToLayout, dequantizeReference, quantizeReference } from '../reference.js';
import { registerWebgpuKernels, webgpuKernelConfigs } from './index.js';
import { GPU, GPU_NOTE, WEBGPU_ENVS } from './__fixtures__/webgpu-test-utils.js';
import '@mobile-mm/core/gradients'; // every op gradient

describe.skipIf(!GPU.available)(`webgpu kernels${GPU_NOTE}`, () => {
  describeBackends(
    'webgpu kernels',
    () => {
      it('registers Int2Unpack and Int2MatMul for webgpu, idempotently (no Int2Pack: see index.ts)', () => {
        expect(webgpuKernelConfigs.map((k) => [k.kernelName, k.backendName])).toEqual([
          [Int2Unpack, 'webgpu'],
          [Int2MatMul, 'webgpu'],
        ]);
        const warn = vi.spyOn(console, 'warn');
        registerWebgpuKernels();
        registerWebgpuKernels();
        expect(warn).not.toHaveBeenCalled();
        warn.mockRestore();
        for (const name of [Int2Unpack, Int2MatMul]) expect(tf.getKernel(name, 'webgpu')).toBeDefined();
        expect(tf.getKernel(Int2Pack, 'webgpu')).toBeUndefined();
        expect(tf.getGradient(Int2MatMul)).toBeDefined();
      });

      it('differentiates Int2MatMul with respect to x: dx = dy · ŵᵀ', async () => {
        registerWebgpuKernels();
        const [M, K, N, bits, groupSize] = [4, 96, 160, 2, 32] as const;
        const q = quantizeReference(Float32Array.from(randn(K * N, 21)), K, N, { bits, groupSize, scaleDtype: 'float32' });
        const codes32 = canonicalToLayout(q.codes, K, N, bits, groupSize, 'bytes');
        const codes = tf.tensor2d(codes32, [N, codes32.length / N], 'int32');
        const scales = tf.tensor2d(q.scales, [N, numGroups(K, groupSize)]);
        const mins = tf.tensor2d(q.mins, [N, numGroups(K, groupSize)]);
        const x = tf.tensor2d(Float32Array.from(randn(M * K, 22)), [M, K]);
        const attrs: QuantAttrs = { bits, groupSize, inDim: K, outDim: N, layout: 'bytes' };
        const f = (xi: Tensor): Tensor =>
          tf.sum(tf.engine().runKernel(Int2MatMul, { x: xi, codes, scales, mins }, attrs as unknown as NamedAttrMap) as Tensor);
        const dx = tf.grad(f)(x);
        expect(dx.shape).toEqual([M, K]);
        // dy = 1: dx[m, k] = Σ_n ŵ[k, n]
        const wq = dequantizeReference(q, K, N, { bits, groupSize });
        const want = new Float64Array(M * K);
        let scale = 0;
        for (let k = 0; k < K; k++) {
          let s = 0;
          for (let n = 0; n < N; n++) {
            s += wq[k * N + n];
            scale = Math.max(scale, Math.abs(wq[k * N + n]));
          }
          for (let m = 0; m < M; m++) want[m * K + k] = s;
        }
        expectClose(await dx.data(), want, 2 ** -20 * N * scale, 0, 'dx'); // N-term float32 sums
        tf.dispose([dx, codes, scales, mins, x]);
      });
    },
    { envs: WEBGPU_ENVS },
  );
});
