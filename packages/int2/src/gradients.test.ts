/**
 * Int2MatMul's gradient vs tf.grad of the float matmul with the dequantized
 * weight as a constant. Tolerance: GRAD_TOL·(1 + max |reference|).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, expect, it } from 'vitest';
import { expectClose, expectNoLeak, randn, type BackendEnv } from '@mobile-mm/core/test-utils';
import { describeKernelBackends, isF16Env } from './__fixtures__/kernel-backends.js';
import { dequantize, quantize, quantizedMatMul } from './ops.js';
import { registerInt2Kernels } from './register.js';
import { QuantizedDense } from './layers/quantized-dense.js';

const GRAD_TOL = 1e-4;

describeKernelBackends(
  'Int2MatMul gradient',
  (env: BackendEnv) => {
    const tol = isF16Env(env) ? 2e-2 : GRAD_TOL;
    beforeAll(() => registerInt2Kernels());

    for (const bits of [2, 4, 8] as const) {
      it(`dx and dbias match the float matmul on ŵ (bits ${bits}, K 200, N 77, M 5)`, async () => {
        const [M, K, N] = [5, 200, 77];
        const w = tf.tensor2d(Float32Array.from(randn(K * N, 21, 0.1)), [K, N]);
        const q = quantize(w, { bits, groupSize: 64 });
        const wHat = dequantize(q);
        const x = tf.tensor2d(Float32Array.from(randn(M * K, 22, 1)), [M, K]);
        const b = tf.tensor1d(Float32Array.from(randn(N, 23, 1)));
        const dy = tf.tensor2d(Float32Array.from(randn(M * N, 24, 1)), [M, N]);
        await expectNoLeak(async () => {
          const [gx, gb] = tf.grads((xx: tf.Tensor, bb: tf.Tensor) =>
            tf.sum(tf.mul(quantizedMatMul(xx as tf.Tensor2D, q, bb as tf.Tensor1D), dy)),
          )([x, b]);
          const [rx, rb] = tf.grads((xx: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(tf.add(tf.matMul(xx, wHat), bb), dy)))([
            x,
            b,
          ]);
          const rxv = await rx.data();
          const scale = 1 + Math.max(...Array.from(rxv, Math.abs));
          expectClose(await gx.data(), rxv, tol * scale, 0, 'dx');
          expectClose(await gb.data(), await rb.data(), tol * scale, 0, 'dbias');
          tf.dispose([gx, gb, rx, rb]);
        });
        tf.dispose([w, wHat, x, b, dy]);
        q.dispose();
      });
    }

    it('a frozen QuantizedDense lets the layers before it train', async () => {
      const [K, N] = [128, 32];
      const dense = tfl.layers.dense({ units: N, inputShape: [K], useBias: true });
      tfl.sequential({ layers: [dense] }); // builds the Dense
      const frozen = QuantizedDense.fromDense(dense, { bits: 2, groupSize: 64 });
      frozen.trainable = false;
      const model = tfl.sequential({
        layers: [tfl.layers.dense({ units: K, inputShape: [16], activation: 'relu' }), frozen],
      });
      // epsilon 1e-3: Adam's default 1e-7 underflows on f16 textures and gives NaN even for a float model.
      model.compile({ optimizer: tf.train.adam(0.01, 0.9, 0.999, 1e-3), loss: 'meanSquaredError' });
      const xs = tf.tensor2d(Float32Array.from(randn(64 * 16, 31, 1)), [64, 16]);
      const ys = tf.tensor2d(Float32Array.from(randn(64 * N, 32, 0.5)), [64, N]);
      const codesBefore = await frozen.quantizedWeight!.codes.data();
      const history = await model.fit(xs, ys, { epochs: 15, batchSize: 64, verbose: 0 });
      const loss = history.history.loss as number[];
      expect(loss[loss.length - 1]).toBeLessThan(loss[0] * 0.9);
      expect(await frozen.quantizedWeight!.codes.data()).toEqual(codesBefore);
      expect(model.trainableWeights.length).toBe(2); // first Dense kernel + bias only
      tf.dispose([xs, ys]);
      model.dispose();
      dense.dispose();
    });
  },
  { f16: true },
);
