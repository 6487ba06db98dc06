/** registerWebglKernels, webglLayout, and the Int2MatMul gradient running on webgl (through Int2Unpack). */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import { expect, it, vi } from 'vitest';
import { describeBackends, expectClose, randn } from '@mobile-mm/core/test-utils';
import { Int2MatMul, Int2Pack, Int2Unpack, type QuantAttrs } from '../kernel-names.js';
import { numGroups } from '../format.js';
import { canonicalToLayout, dequantizeReference, quantizeReference, roundToFloat16 } from '../reference.js';
import { registerWebglKernels, webglKernelConfigs, webglLayout } from './index.js';
import { expectTexturePrecision, gpuValues, isHalfEnv, WEBGL_ENVS } from './__fixtures__/webgl-test-utils.js';
import '@mobile-mm/core/gradients'; // training: every op gradient (tfjs-core alone registers none in Node)

describeBackends(
  'webgl kernels',
  (env) => {
    const half = isHalfEnv(env);

    it('registers the three kernels for webgl, idempotently', () => {
      expect(webglKernelConfigs.map((k) => [k.kernelName, k.backendName])).toEqual([
        [Int2Pack, 'webgl'],
        [Int2Unpack, 'webgl'],
        [Int2MatMul, 'webgl'],
      ]);
      const warn = vi.spyOn(console, 'warn');
      registerWebglKernels();
      registerWebglKernels();
      expect(warn).not.toHaveBeenCalled();
      warn.mockRestore();
      for (const name of [Int2Pack, Int2Unpack, Int2MatMul]) expect(tf.getKernel(name, 'webgl')).toBeDefined();
      expect(tf.getGradient(Int2MatMul)).toBeDefined();
    });

    it(`names the layout the textures hold (${half ? 'webgl-f16' : 'webgl-fp32'})`, () => {
      expectTexturePrecision(env);
      expect(webglLayout()).toBe(half ? 'webgl-f16' : 'webgl-fp32');
    });

    it('differentiates Int2MatMul with respect to x: dx = dy · ŵᵀ', () => {
      registerWebglKernels();
      const [M, K, N, bits, groupSize] = [4, 96, 160, 2, 32] as const;
      const w = Float32Array.from(randn(K * N, 21), (v) => (half ? roundToFloat16(v) : v));
      const q = quantizeReference(w, K, N, { bits, groupSize, scaleDtype: half ? 'float16' : 'float32' });
      const layout = webglLayout();
      const codes32 = canonicalToLayout(q.codes, K, N, bits, groupSize, layout);
      const codes = tf.tensor2d(codes32, [N, codes32.length / N], 'int32');
      const scales = tf.tensor2d(q.scales, [N, numGroups(K, groupSize)]);
      const mins = tf.tensor2d(q.mins, [N, numGroups(K, groupSize)]);
      const x = tf.tensor2d(Float32Array.from(randn(M * K, 22)), [M, K]);
      const attrs: QuantAttrs = { bits, groupSize, inDim: K, outDim: N, layout };
      const f = (xi: Tensor): Tensor =>
        tf.sum(
          tf.engine().runKernel(Int2MatMul, { x: xi, codes, scales, mins }, attrs as unknown as NamedAttrMap) as Tensor
        );
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
      // float32: N-term sums; float16: ŵ and dx are stored as float16 (2^-11 relative each).
      expectClose(gpuValues(dx), want, (half ? 2 ** -9 : 2 ** -20) * N * scale, 0, 'dx');
      tf.dispose([dx, codes, scales, mins, x]);
    });
  },
  { envs: WEBGL_ENVS }
);
