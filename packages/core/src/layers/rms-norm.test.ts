import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBackends, expectClose, expectNoLeak, randn } from '../test-utils/backends.js';
import { expectCode, expectFiniteGrads, f64, fromRegisteredConfig, randomizeWeights, readWeights, rmsNorm, tensorOf } from './__fixtures__/naive.js';
import { RMSNorm } from './rms-norm.js';

const [B, T, C] = [2, 8, 16]; // 256 elements (> webgl's 128-element CPU forwarding)

describeBackends('RMSNorm', (env) => {
  const ATOL = env.backend === 'webgl' ? 1e-3 : 1e-4; // webgl: SwiftShader in CI

  it('matches a float64 reference', async () => {
    await expectNoLeak(async () => {
      const x = tensorOf(randn(B * T * C, 11, 2), [B, T, C]);
      const norm = new RMSNorm({ dim: C, epsilon: 1e-6 });
      tf.dispose(norm.apply(x) as tf.Tensor);
      randomizeWeights(norm.namedWeights(), 12);
      const w = await readWeights(norm.namedWeights());
      const y = norm.apply(x) as tf.Tensor;
      expectClose(await f64(y), rmsNorm(await f64(x), C, w.gamma, 1e-6), ATOL);
      tf.dispose([x, y]);
      norm.dispose();
    });
  });

  it('has finite gradients', async () => {
    await expectNoLeak(async () => {
      const x = tensorOf(randn(B * T * C, 13), [B, T, C]);
      const target = tensorOf(randn(B * T * C, 14), [B, T, C]);
      const norm = new RMSNorm({ dim: C });
      tf.dispose(norm.apply(x) as tf.Tensor);
      randomizeWeights(norm.namedWeights(), 15);
      await expectFiniteGrads(() => tf.sum(tf.mul(norm.apply(x) as tf.Tensor, target)) as tf.Scalar, norm.trainableWeights);
      tf.dispose([x, target]);
      norm.dispose();
    });
  });

  it('rejects a wrong last dim with INVALID_SHAPE', async () => {
    await expectNoLeak(() => {
      const norm = new RMSNorm({ dim: C });
      const x = tf.ones([2, C - 1]);
      expectCode(() => norm.apply(x), 'INVALID_SHAPE', `expected last dim ${C}`);
      x.dispose();
    });
  });

  it('round-trips through getConfig/fromConfig', () => {
    const norm = new RMSNorm({ dim: C, epsilon: 1e-5 });
    const copy = fromRegisteredConfig<RMSNorm>(norm);
    expect(copy).toBeInstanceOf(RMSNorm);
    expect(copy.getConfig()).toEqual(norm.getConfig());
  });
});

it('RMSNorm rejects bad config with INVALID_CONFIG', () => {
  expectCode(() => new RMSNorm({ dim: 2.5 }), 'INVALID_CONFIG', 'config.dim');
  expectCode(() => new RMSNorm({ dim: 4, epsilon: 0 }), 'INVALID_CONFIG', 'config.epsilon');
});
