import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBackends, expectClose, expectNoLeak, randn } from '../test-utils/backends.js';
import { expectCode, f64, fromRegisteredConfig, ropeVector, tensorOf } from './__fixtures__/naive.js';
import { RotaryEmbedding } from './rotary-embedding.js';

const [B, H, T, D] = [2, 2, 8, 8]; // 256 elements

describeBackends('RotaryEmbedding', (env) => {
  const ATOL = env.backend === 'webgl' ? 1e-3 : 1e-4; // webgl: SwiftShader in CI

  for (const offset of [0, 11]) {
    it(`rotates each head vector by its position (offset ${offset})`, async () => {
      await expectNoLeak(async () => {
        const x = tensorOf(randn(B * H * T * D, 71), [B, H, T, D]);
        const rope = new RotaryEmbedding({ headDim: D });
        const xs = await f64(x);
        const want = new Float64Array(xs.length);
        for (let row = 0; row < B * H * T; row++) {
          want.set(ropeVector(xs.slice(row * D, (row + 1) * D), offset + (row % T)), row * D);
        }
        const y = rope.apply(x, { offset }) as tf.Tensor;
        expectClose(await f64(y), want, ATOL);
        tf.dispose([x, y]);
      });
    });
  }

  it('keeps norms and makes q·k depend only on the position difference', async () => {
    await expectNoLeak(async () => {
      const q = tensorOf(randn(B * H * T * D, 72), [B, H, T, D]);
      const rope = new RotaryEmbedding({ headDim: D });
      const [a, b] = [rope.apply(q, { offset: 3 }), rope.apply(q, { offset: 40 })] as tf.Tensor[];
      // Same content at shifted positions: all pairwise dot products agree.
      const [ga, gb] = tf.tidy(() => [tf.matMul(a, a, false, true), tf.matMul(b, b, false, true)]);
      expectClose(await ga.data(), await gb.data(), ATOL * 10);
      tf.dispose([q, a, b, ga, gb]);
    });
  });

  it('rejects a wrong head size with INVALID_SHAPE', async () => {
    await expectNoLeak(() => {
      const x = tf.ones([1, 1, 2, D + 2]);
      expectCode(() => new RotaryEmbedding({ headDim: D }).apply(x), 'INVALID_SHAPE', `expected last dim ${D}`);
      x.dispose();
    });
  });

  it('round-trips through getConfig/fromConfig', () => {
    const rope = new RotaryEmbedding({ headDim: D, base: 500000 });
    const copy = fromRegisteredConfig<RotaryEmbedding>(rope);
    expect(copy).toBeInstanceOf(RotaryEmbedding);
    expect(copy.getConfig()).toEqual(rope.getConfig());
  });
});

it('RotaryEmbedding rejects an odd head size with INVALID_CONFIG', () => {
  expectCode(() => new RotaryEmbedding({ headDim: 7 }), 'INVALID_CONFIG', 'config.headDim');
});
