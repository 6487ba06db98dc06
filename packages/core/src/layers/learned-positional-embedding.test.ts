import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBackends, expectClose, expectNoLeak, randn } from '../test-utils/backends.js';
import { expectCode, expectFiniteGrads, f64, fromRegisteredConfig, randomizeWeights, readWeights, tensorOf } from './__fixtures__/naive.js';
import { LearnedPositionalEmbedding } from './learned-positional-embedding.js';

const [B, T, C, L] = [2, 8, 16, 20]; // x: 256 elements

describeBackends('LearnedPositionalEmbedding', (env) => {
  const ATOL = env.backend === 'webgl' ? 1e-3 : 1e-4; // webgl: SwiftShader in CI

  for (const offset of [0, 5]) {
    it(`adds rows offset..offset+T of the table (offset ${offset})`, async () => {
      await expectNoLeak(async () => {
        const x = tensorOf(randn(B * T * C, 41), [B, T, C]);
        const pos = new LearnedPositionalEmbedding({ maxLength: L, dim: C });
        tf.dispose(pos.apply(x) as tf.Tensor);
        randomizeWeights(pos.namedWeights(), 42);
        const table = (await readWeights(pos.namedWeights())).embeddings;
        const xs = await f64(x);
        const want = xs.map((v, i) => v + table[(offset + (Math.floor(i / C) % T)) * C + (i % C)]);
        const y = pos.apply(x, { offset }) as tf.Tensor;
        expectClose(await f64(y), want, ATOL);
        tf.dispose([x, y]);
        pos.dispose();
      });
    });
  }

  it('has a finite gradient for the table', async () => {
    await expectNoLeak(async () => {
      const x = tensorOf(randn(B * T * C, 43), [B, T, C]);
      const target = tensorOf(randn(B * T * C, 44), [B, T, C]);
      const pos = new LearnedPositionalEmbedding({ maxLength: T, dim: C });
      tf.dispose(pos.apply(x) as tf.Tensor);
      await expectFiniteGrads(() => tf.sum(tf.mul(pos.apply(x) as tf.Tensor, target)) as tf.Scalar, pos.trainableWeights);
      tf.dispose([x, target]);
      pos.dispose();
    });
  });

  it('rejects positions past maxLength and wrong ranks with INVALID_SHAPE', async () => {
    await expectNoLeak(() => {
      const x = tf.ones([1, 4, C]);
      const flat = tf.ones([4, C]);
      const pos = new LearnedPositionalEmbedding({ maxLength: 6, dim: C });
      tf.dispose(pos.apply(x) as tf.Tensor);
      expectCode(() => pos.apply(x, { offset: 3 }), 'INVALID_SHAPE', 'maxLength 6');
      expectCode(() => pos.apply(flat), 'INVALID_SHAPE', 'expected rank 3');
      tf.dispose([x, flat]);
      pos.dispose();
    });
  });

  it('round-trips through getConfig/fromConfig', () => {
    const pos = new LearnedPositionalEmbedding({ maxLength: L, dim: C, initStd: 0.05 });
    const copy = fromRegisteredConfig<LearnedPositionalEmbedding>(pos);
    expect(copy).toBeInstanceOf(LearnedPositionalEmbedding);
    expect(copy.getConfig()).toEqual(pos.getConfig());
  });
});

it('LearnedPositionalEmbedding rejects bad config with INVALID_CONFIG', () => {
  expectCode(() => new LearnedPositionalEmbedding({ maxLength: 0, dim: 4 }), 'INVALID_CONFIG', 'config.maxLength');
  expectCode(() => new LearnedPositionalEmbedding({ maxLength: 4, dim: 4, initStd: 0 }), 'INVALID_CONFIG', 'config.initStd');
});
