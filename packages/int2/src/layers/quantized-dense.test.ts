/**
 * QuantizedDense against the float Dense it replaces. With the same
 * dequantized weight the outputs agree to LAYER_TOL; against the original
 * float weights they agree within the quantization error (8-bit here).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, expect, it } from 'vitest';
import { expectClose, expectNoLeak, randn, type BackendEnv } from '@mobile-mm/core/test-utils';
import { isMobileMMError } from '@mobile-mm/core';
import { describeKernelBackends, isF16Env } from '../__fixtures__/kernel-backends.js';
import { dequantize } from '../ops.js';
import { registerInt2Kernels } from '../register.js';
import { QuantizedDense } from './quantized-dense.js';
import { quantizeLayers } from './quantize-layers.js';

const LAYER_TOL = 1e-4;

function randomise(model: tfl.LayersModel, seed: number): void {
  for (const layer of model.layers) {
    const ws = layer.getWeights();
    layer.setWeights(ws.map((w, i) => tf.tensor(Float32Array.from(randn(w.size, seed + i, 0.2)), w.shape)));
  }
}

describeKernelBackends(
  'QuantizedDense',
  (env: BackendEnv) => {
    const f16 = isF16Env(env);
    const tol = f16 ? 1e-2 : LAYER_TOL;
    beforeAll(() => registerInt2Kernels());

    for (const activation of ['linear', 'relu', 'gelu'] as const) {
      for (const rank of [2, 3]) {
        it(`fromDense matches activation(x·ŵ + b) (${activation}, rank ${rank})`, async () => {
          const [K, N] = [200, 77];
          const inputShape = rank === 2 ? [K] : [4, K];
          const dense = tfl.layers.dense({ units: N, activation, inputShape });
          const model = tfl.sequential({ layers: [dense] });
          randomise(model, 40);
          const q = QuantizedDense.fromDense(dense, { bits: 2, groupSize: 64 });
          const x = tf.tensor(Float32Array.from(randn(3 * inputShape.reduce((a, b) => a * b), 41, 1)), [3, ...inputShape]);
          await expectNoLeak(async () => {
            const y = q.apply(x) as tf.Tensor;
            expect(y.shape).toEqual([3, ...inputShape.slice(0, -1), N]);
            const wHat = dequantize(q.quantizedWeight!);
            const ref = tf.tidy(() => {
              const z = tf.add(tf.matMul(tf.reshape(x, [-1, K]), wHat), dense.getWeights()[1]);
              const a = activation === 'relu' ? tf.relu(z) : activation === 'gelu' ? (tfl.layers.activation({ activation: 'gelu' }).apply(z) as tf.Tensor) : z;
              return tf.reshape(a, y.shape);
            });
            const refV = await ref.data();
            expectClose(await y.data(), refV, tol * (1 + Math.max(...Array.from(refV, Math.abs))), 0, 'y');
            tf.dispose([y, wHat, ref]);
          });
          expect(q.getConfig()).toMatchObject({ units: N, activation, useBias: true, bits: 2, groupSize: 64 });
          x.dispose();
          q.dispose();
          model.dispose();
        });
      }
    }

    it('quantizeLayers swaps Dense layers (not skipped ones) and keeps predictions', async () => {
      const model = tfl.sequential({
        layers: [
          tfl.layers.dense({ units: 96, inputShape: [6, 128], activation: 'relu', name: 'fc1' }),
          tfl.layers.layerNormalization({ name: 'norm' }),
          tfl.layers.dense({ units: 64, activation: 'gelu', name: 'fc2' }),
          tfl.layers.dense({ units: 10, name: 'head' }),
        ],
      });
      randomise(model, 50);
      const x = tf.tensor3d(Float32Array.from(randn(2 * 6 * 128, 51, 1)), [2, 6, 128]);
      const yFloat = model.predict(x) as tf.Tensor;
      const yFloatV = await yFloat.data();
      const range = Math.max(...Array.from(yFloatV, Math.abs));

      const q8 = quantizeLayers(model, { bits: 8, groupSize: 32, skip: ['head'] });
      expect(q8.layers.map((l) => l.getClassName())).toEqual([
        'InputLayer',
        'QuantizedDense',
        'LayerNormalization',
        'QuantizedDense',
        'Dense',
      ]);
      const y8 = q8.predict(x) as tf.Tensor;
      // 8-bit, G 32: relative weight error ~0.5 %, so outputs agree to ~1 % of their range.
      expectClose(await y8.data(), yFloatV, (f16 ? 3e-2 : 1e-2) * range, 0, 'int8 model');

      const q2 = quantizeLayers(model, { bits: 2, skip: (l) => l.name === 'fc1' });
      expect(q2.layers.filter((l) => l.getClassName() === 'QuantizedDense').map((l) => l.name)).toEqual(['fc2', 'head']);
      const y2 = q2.predict(x) as tf.Tensor;
      const err = Math.sqrt((await tf.mean(tf.square(tf.sub(y2, yFloat))).data())[0]);
      const rms = Math.sqrt((await tf.mean(tf.square(yFloat)).data())[0]);
      expect(err / rms).toBeLessThan(0.7); // 2-bit: large but bounded error (weights RMSE ≈ 0.45σ)

      // The original model is untouched and still usable.
      const again = model.predict(x) as tf.Tensor;
      expect(await again.data()).toEqual(yFloatV);
      tf.dispose([x, yFloat, y8, y2, again]);
      q8.dispose();
      q2.dispose();
      model.dispose();
    });

    it('deserializes from a model JSON (weights then come from io.ts)', () => {
      const dense = tfl.layers.dense({ units: 40, inputShape: [64], activation: 'relu' });
      const model = tfl.sequential({ layers: [dense] });
      const qm = quantizeLayers(model, { bits: 4, groupSize: 32 });
      const json = qm.toJSON(null, false) as object;
      return tfl.models.modelFromJSON(json as never).then((restored) => {
        const layer = restored.layers[1] as QuantizedDense;
        expect(layer).toBeInstanceOf(QuantizedDense);
        expect(layer.getConfig()).toMatchObject({ units: 40, activation: 'relu', bits: 4, groupSize: 32 });
        let thrown: unknown;
        try {
          tf.tidy(() => restored.predict(tf.ones([1, 64])));
        } catch (e) {
          thrown = e;
        }
        expect(isMobileMMError(thrown, 'WEIGHTS_MISSING')).toBe(true);
        layer.setQuantizedWeight((qm.layers[1] as QuantizedDense).quantizedWeight!);
        restored.setWeights([qm.layers[1].getWeights()[0]]);
        const a = tf.tidy(() => restored.predict(tf.ones([1, 64])) as tf.Tensor);
        const b = tf.tidy(() => qm.predict(tf.ones([1, 64])) as tf.Tensor);
        expect(a.dataSync()).toEqual(b.dataSync());
        tf.dispose([a, b]);
        model.dispose();
      });
    });
  },
  { f16: true },
);
