import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect, it } from 'vitest';
import { describeBackends, expectClose, expectNoLeak, randn } from '../test-utils/backends.js';
import { expectCode, expectFiniteGrads, f64, fromRegisteredConfig, layerNorm, randomizeWeights, readWeights, tensorOf } from './__fixtures__/naive.js';
import { LayerNorm } from './layer-norm.js';

// B=2, T=8, C=16: 256 elements, above webgl's 128-element CPU forwarding.
const [B, T, C] = [2, 8, 16];

describeBackends('LayerNorm', (env) => {
  // webgl runs on SwiftShader in CI: fp32 but with its own rsqrt/exp; 1e-3 there.
  const ATOL = env.backend === 'webgl' ? 1e-3 : 1e-4;

  it('matches a float64 reference', async () => {
    await expectNoLeak(async () => {
      const x = tensorOf(randn(B * T * C, 1, 2), [B, T, C]);
      const norm = new LayerNorm({ dim: C, epsilon: 1e-5 });
      tf.dispose(norm.apply(x) as tf.Tensor);
      randomizeWeights(norm.namedWeights(), 2);
      const w = await readWeights(norm.namedWeights());
      const y = norm.apply(x) as tf.Tensor;
      expect(y.shape).toEqual([B, T, C]);
      expectClose(await f64(y), layerNorm(await f64(x), C, w.gamma, w.beta, 1e-5), ATOL);
      tf.dispose([x, y]);
      norm.dispose();
    });
  });

  it("matches tfjs-layers' layerNormalization with the same gamma/beta", async () => {
    await expectNoLeak(async () => {
      const x = tensorOf(randn(B * T * C, 3, 1.5), [B, T, C]);
      const ours = new LayerNorm({ dim: C, epsilon: 1e-3 });
      const theirs = tfl.layers.layerNormalization({ epsilon: 1e-3 });
      tf.dispose([ours.apply(x), theirs.apply(x)] as tf.Tensor[]);
      randomizeWeights(ours.namedWeights(), 4);
      theirs.setWeights(ours.getWeights()); // [gamma, beta] in both
      const [a, b] = [ours.apply(x) as tf.Tensor, theirs.apply(x) as tf.Tensor];
      expectClose(await f64(a), await f64(b), ATOL);
      tf.dispose([x, a, b]);
      ours.dispose();
      theirs.dispose();
    });
  });

  it('without center/scale has no weights and only normalises', async () => {
    await expectNoLeak(async () => {
      const x = tensorOf(randn(B * T * C, 5), [B, T, C]);
      const norm = new LayerNorm({ dim: C, center: false, scale: false });
      const y = norm.apply(x) as tf.Tensor;
      expect(norm.getWeights()).toHaveLength(0);
      expectClose(await f64(y), layerNorm(await f64(x), C, null, null, 1e-5), ATOL);
      tf.dispose([x, y]);
      norm.dispose();
    });
  });

  it('has finite gradients for x, gamma and beta', async () => {
    await expectNoLeak(async () => {
      const x = tensorOf(randn(B * T * C, 6), [B, T, C]);
      const norm = new LayerNorm({ dim: C });
      tf.dispose(norm.apply(x) as tf.Tensor);
      randomizeWeights(norm.namedWeights(), 7);
      const target = tensorOf(randn(B * T * C, 8), [B, T, C]);
      await expectFiniteGrads(() => tf.sum(tf.mul(norm.apply(x) as tf.Tensor, target)) as tf.Scalar, norm.trainableWeights);
      expect(norm.trainableWeights).toHaveLength(2);
      tf.dispose([x, target]);
      norm.dispose();
    });
  });

  it('rejects a wrong last dim with INVALID_SHAPE', async () => {
    await expectNoLeak(() => {
      const norm = new LayerNorm({ dim: C });
      const x = tf.zeros([2, 3, C + 1]);
      expectCode(() => norm.apply(x), 'INVALID_SHAPE', 'expected last dim 16');
      x.dispose();
    });
  });

  it('round-trips through getConfig/fromConfig', () => {
    const norm = new LayerNorm({ dim: C, epsilon: 1e-6, center: false, name: 'ln' });
    const copy = fromRegisteredConfig<LayerNorm>(norm);
    expect(copy).toBeInstanceOf(LayerNorm);
    expect(copy.getConfig()).toEqual(norm.getConfig());
  });
});

it('LayerNorm rejects bad config with INVALID_CONFIG naming the field', () => {
  expectCode(() => new LayerNorm({ dim: 0 }), 'INVALID_CONFIG', 'config.dim');
  expectCode(() => new LayerNorm({ dim: 4, epsilon: -1 }), 'INVALID_CONFIG', 'config.epsilon');
});
