import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBackends, expectClose, expectNoLeak, randn } from '../test-utils/backends.js';
import { expectCode, f64, fromRegisteredConfig, sinusoid, tensorOf } from './__fixtures__/naive.js';
import { SinusoidalPositionalEncoding } from './sinusoidal-positional-encoding.js';

const [B, T, C, L] = [2, 8, 18, 64]; // x: 288 elements; C even

describeBackends('SinusoidalPositionalEncoding', (env) => {
  const ATOL = env.backend === 'webgl' ? 1e-3 : 1e-4; // webgl: SwiftShader in CI

  for (const [offset, dim] of [
    [0, C],
    [37, C],
    [3, C + 1],
  ]) {
    it(`adds sin/cos of position (offset ${offset}, dim ${dim})`, async () => {
      await expectNoLeak(async () => {
        const x = tensorOf(randn(B * T * dim, 61), [B, T, dim]);
        const pe = new SinusoidalPositionalEncoding({ maxLength: L, dim });
        const xs = await f64(x);
        const want = xs.map((v, i) => v + sinusoid(offset + (Math.floor(i / dim) % T), i % dim, dim));
        const y = pe.apply(x, { offset }) as tf.Tensor;
        expectClose(await f64(y), want, ATOL);
        expect(pe.getWeights()).toHaveLength(0);
        tf.dispose([x, y]);
      });
    });
  }

  it('passes gradients through to x', async () => {
    await expectNoLeak(async () => {
      const x = tensorOf(randn(B * T * C, 62), [B, T, C]);
      const pe = new SinusoidalPositionalEncoding({ maxLength: L, dim: C });
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.square(pe.apply(v) as tf.Tensor)))(x);
      const y = pe.apply(x) as tf.Tensor;
      expectClose(await f64(g), (await f64(y)).map((v) => 2 * v), ATOL * 4);
      tf.dispose([x, g, y]);
    });
  });

  it('rejects positions past maxLength with INVALID_SHAPE', async () => {
    await expectNoLeak(() => {
      const x = tf.ones([1, 4, C]);
      const pe = new SinusoidalPositionalEncoding({ maxLength: 5, dim: C });
      expectCode(() => pe.apply(x, { offset: 2 }), 'INVALID_SHAPE', 'maxLength 5');
      x.dispose();
    });
  });

  it('round-trips through getConfig/fromConfig', () => {
    const pe = new SinusoidalPositionalEncoding({ maxLength: L, dim: C, base: 500 });
    const copy = fromRegisteredConfig<SinusoidalPositionalEncoding>(pe);
    expect(copy).toBeInstanceOf(SinusoidalPositionalEncoding);
    expect(copy.getConfig()).toEqual(pe.getConfig());
  });
});

it('SinusoidalPositionalEncoding rejects bad config with INVALID_CONFIG', () => {
  expectCode(() => new SinusoidalPositionalEncoding({ maxLength: 4, dim: 0 }), 'INVALID_CONFIG', 'config.dim');
  expectCode(() => new SinusoidalPositionalEncoding({ maxLength: 4, dim: 4, base: -2 }), 'INVALID_CONFIG', 'config.base');
});
