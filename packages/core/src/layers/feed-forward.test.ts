import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBackends, expectClose, expectNoLeak, randn } from '../test-utils/backends.js';
import {
  expectCode,
  expectFiniteGrads,
  f64,
  feedForward,
  fromRegisteredConfig,
  randomizeWeights,
  readWeights,
  tensorOf,
} from './__fixtures__/naive.js';
import { FeedForward, type FeedForwardKind } from './feed-forward.js';

const [B, T, C, F] = [2, 8, 16, 32]; // x: 256 elements, hidden: 512

describeBackends('FeedForward', (env) => {
  const ATOL = env.backend === 'webgl' ? 1e-3 : 1e-4; // webgl: SwiftShader in CI

  for (const kind of ['gelu', 'swiglu'] as FeedForwardKind[]) {
    for (const useBias of [true, false]) {
      it(`${kind}${useBias ? '' : ' without bias'} matches a float64 reference`, async () => {
        await expectNoLeak(async () => {
          const x = tensorOf(randn(B * T * C, 21), [B, T, C]);
          const ff = new FeedForward({ dim: C, hiddenDim: F, kind, useBias });
          tf.dispose(ff.apply(x) as tf.Tensor);
          randomizeWeights(ff.namedWeights(), 22);
          const w = await readWeights(ff.namedWeights());
          expect(Object.keys(w).sort()).toEqual(
            [...(kind === 'swiglu' ? ['gate.kernel'] : []), 'up.kernel', 'down.kernel']
              .flatMap((k) => (useBias ? [k, k.replace('kernel', 'bias')] : [k]))
              .sort(),
          );
          const y = ff.apply(x) as tf.Tensor;
          expect(y.shape).toEqual([B, T, C]);
          expectClose(await f64(y), feedForward(await f64(x), B * T, C, F, w, kind), ATOL);
          tf.dispose([x, y]);
          ff.dispose();
        });
      });
    }

    it(`${kind} has finite gradients for every weight`, async () => {
      await expectNoLeak(async () => {
        const x = tensorOf(randn(B * T * C, 23), [B, T, C]);
        const target = tensorOf(randn(B * T * C, 24), [B, T, C]);
        const ff = new FeedForward({ dim: C, hiddenDim: F, kind });
        tf.dispose(ff.apply(x) as tf.Tensor);
        randomizeWeights(ff.namedWeights(), 25);
        await expectFiniteGrads(() => tf.sum(tf.mul(ff.apply(x) as tf.Tensor, target)) as tf.Scalar, ff.trainableWeights);
        tf.dispose([x, target]);
        ff.dispose();
      });
    });
  }

  it('dropout is active only while training', async () => {
    await expectNoLeak(async () => {
      const x = tensorOf(randn(B * T * C, 26), [B, T, C]);
      const ff = new FeedForward({ dim: C, hiddenDim: F, dropout: 0.5 });
      const [a, b, c] = [ff.apply(x), ff.apply(x), ff.apply(x, { training: true })] as tf.Tensor[];
      expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, c))));
      expect((await diff.data())[0]).toBeGreaterThan(1e-3);
      tf.dispose([x, a, b, c, diff]);
      ff.dispose();
    });
  });

  it('rejects a wrong last dim with INVALID_SHAPE', async () => {
    await expectNoLeak(() => {
      const ff = new FeedForward({ dim: C, hiddenDim: F });
      const x = tf.ones([2, 4, C * 2]);
      expectCode(() => ff.apply(x), 'INVALID_SHAPE', 'expected last dim');
      x.dispose();
    });
  });

  it('round-trips through getConfig/fromConfig and gives the same output', async () => {
    await expectNoLeak(async () => {
      const x = tensorOf(randn(B * T * C, 27), [B, T, C]);
      const ff = new FeedForward({ dim: C, hiddenDim: F, kind: 'swiglu', useBias: false });
      tf.dispose(ff.apply(x) as tf.Tensor);
      const copy = fromRegisteredConfig<FeedForward>(ff);
      expect(copy.getConfig()).toEqual(ff.getConfig());
      tf.dispose(copy.apply(x) as tf.Tensor);
      copy.setWeights(ff.getWeights());
      const [a, b] = [ff.apply(x), copy.apply(x)] as tf.Tensor[];
      expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
      tf.dispose([x, a, b]);
      ff.dispose();
      copy.dispose();
    });
  });
});

it('FeedForward rejects bad config with INVALID_CONFIG', () => {
  expectCode(() => new FeedForward({ dim: 4, hiddenDim: 0 }), 'INVALID_CONFIG', 'config.hiddenDim');
  expectCode(() => new FeedForward({ dim: 4, hiddenDim: 8, kind: 'relu' as never }), 'INVALID_CONFIG', 'config.kind');
  expectCode(() => new FeedForward({ dim: 4, hiddenDim: 8, dropout: 1 }), 'INVALID_CONFIG', 'config.dropout');
});
