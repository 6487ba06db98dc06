import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBackends, expectClose, expectNoLeak, randn, rng } from '../test-utils/backends.js';
import {
  encoderBlock,
  expectCode,
  expectFiniteGrads,
  f64,
  fromRegisteredConfig,
  randomizeWeights,
  readWeights,
  tensorOf,
} from './__fixtures__/naive.js';
import { resolveBlockConfig, type TransformerBlockConfigInput } from './block-config.js';
import { TransformerEncoderBlock } from './transformer-encoder-block.js';

const [B, T, C] = [2, 8, 16]; // 256 elements

const CONFIGS: [string, TransformerBlockConfigInput][] = [
  ['layer norm + gelu', { dim: C, numHeads: 4 }],
  ['rms norm + swiglu + rope, no bias', { dim: C, numHeads: 2, norm: 'rms', ff: 'swiglu', rope: true, useBias: false, ffHiddenDim: 24 }],
];

describeBackends('TransformerEncoderBlock', (env) => {
  const ATOL = env.backend === 'webgl' ? 1e-3 : 1e-4; // webgl: SwiftShader in CI

  for (const [label, input] of CONFIGS) {
    it(`${label}: matches the naive composition x + attn(norm1(x)); x + ff(norm2(x))`, async () => {
      await expectNoLeak(async () => {
        const xs = randn(B * T * C, 101);
        const maskData = new Float64Array(B * T).fill(1).fill(0, B * T - 3); // row 1: last 3 tokens padding
        const [x, mask] = [tensorOf(xs, [B, T, C]), tensorOf(maskData, [B, T])];
        const block = new TransformerEncoderBlock({ config: input });
        tf.dispose(block.apply(x) as tf.Tensor);
        randomizeWeights(block.namedWeights(), 102);
        const w = await readWeights(block.namedWeights());
        const cfg = resolveBlockConfig(input);
        for (const m of [null, mask]) {
          const y = block.apply(x, { paddingMask: m }) as tf.Tensor;
          expect(y.shape).toEqual([B, T, C]);
          expectClose(await f64(y), encoderBlock(xs, B, T, w, cfg, m ? maskData : null), ATOL);
          y.dispose();
        }
        tf.dispose([x, mask]);
        block.dispose();
      });
    });
  }

  it('gradient w.r.t. x matches central finite differences of the float64 reference', async () => {
    await expectNoLeak(async () => {
      const [label, input] = CONFIGS[1];
      const cfg = resolveBlockConfig(input);
      const xs = randn(B * T * C, 103);
      const targetData = randn(B * T * C, 104);
      const [x, target] = [tensorOf(xs, [B, T, C]), tensorOf(targetData, [B, T, C])];
      const block = new TransformerEncoderBlock({ config: input });
      tf.dispose(block.apply(x) as tf.Tensor);
      randomizeWeights(block.namedWeights(), 105);
      const w = await readWeights(block.namedWeights());
      const gT = tf.tidy(() => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(block.apply(v) as tf.Tensor, target)))(x));
      const g = await f64(gT);
      gT.dispose();
      const loss = (v: Float64Array) => encoderBlock(v, B, T, w, cfg).reduce((acc, y, i) => acc + y * targetData[i], 0);
      const r = rng(106);
      const picks = Array.from({ length: 8 }, () => Math.floor(r() * xs.length));
      const eps = 1e-4;
      const numeric = picks.map((i) => {
        const [up, down] = [xs.slice(), xs.slice()];
        up[i] += eps;
        down[i] -= eps;
        return (loss(up) - loss(down)) / (2 * eps);
      });
      // float32 backprop vs float64 differences: relative 1e-3 (webgl 1e-2).
      const tol = env.backend === 'webgl' ? 1e-2 : 1e-3;
      expectClose(picks.map((i) => g[i]), numeric, tol, tol, `${label} dL/dx`);
      tf.dispose([x, target]);
      block.dispose();
    });
  });

  it('has finite gradients for every weight (attention + ff + norms)', async () => {
    await expectNoLeak(async () => {
      for (const [, input] of CONFIGS) {
        const x = tensorOf(randn(B * T * C, 107), [B, T, C]);
        const target = tensorOf(randn(B * T * C, 108), [B, T, C]);
        const block = new TransformerEncoderBlock({ config: input });
        tf.dispose(block.apply(x) as tf.Tensor);
        randomizeWeights(block.namedWeights(), 109);
        expect(block.trainableWeights.length).toBe(Object.keys(block.namedWeights()).length);
        await expectFiniteGrads(() => tf.sum(tf.mul(block.apply(x) as tf.Tensor, target)) as tf.Scalar, block.trainableWeights);
        tf.dispose([x, target]);
        block.dispose();
      }
    });
  });

  it('exposes all sublayer weights with stable names; dispose frees them', async () => {
    const before = tf.memory().numTensors;
    const block = new TransformerEncoderBlock({ config: CONFIGS[0][1] });
    const x = tf.ones([1, 4, C]);
    tf.dispose(block.apply(x) as tf.Tensor);
    x.dispose();
    expect(Object.keys(block.namedWeights())).toEqual([
      'attn_norm.gamma', 'attn_norm.beta',
      'attn.q.kernel', 'attn.q.bias', 'attn.k.kernel', 'attn.k.bias', 'attn.v.kernel', 'attn.v.bias', 'attn.out.kernel', 'attn.out.bias',
      'ff_norm.gamma', 'ff_norm.beta',
      'ff.up.kernel', 'ff.up.bias', 'ff.down.kernel', 'ff.down.bias',
    ]); // prettier-ignore
    expect(block.getWeights()).toHaveLength(16);
    expect(tf.memory().numTensors - before).toBe(16);
    block.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a wrong model width with INVALID_SHAPE', async () => {
    await expectNoLeak(() => {
      const block = new TransformerEncoderBlock({ config: { dim: C, numHeads: 4 } });
      const x = tf.ones([1, 4, C + 4]);
      expectCode(() => block.apply(x), 'INVALID_SHAPE', `expected last dim ${C}`);
      x.dispose();
    });
  });

  it('round-trips through getConfig/fromConfig and gives the same output', async () => {
    await expectNoLeak(async () => {
      const x = tensorOf(randn(B * T * C, 110), [B, T, C]);
      const block = new TransformerEncoderBlock({ config: CONFIGS[1][1] });
      tf.dispose(block.apply(x) as tf.Tensor);
      const copy = fromRegisteredConfig<TransformerEncoderBlock>(block);
      expect(copy.config).toEqual(block.config);
      tf.dispose(copy.apply(x) as tf.Tensor);
      copy.setWeights(block.getWeights());
      const [a, b] = [block.apply(x), copy.apply(x)] as tf.Tensor[];
      expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
      tf.dispose([x, a, b]);
      block.dispose();
      copy.dispose();
    });
  });
});

it('block config validation throws INVALID_CONFIG naming the field', () => {
  const make = (config: object) => () => new TransformerEncoderBlock({ config: config as TransformerBlockConfigInput });
  expectCode(make({ dim: 0, numHeads: 1 }), 'INVALID_CONFIG', 'config.dim');
  expectCode(make({ dim: 16, numHeads: 3 }), 'INVALID_CONFIG', 'config.numHeads');
  expectCode(make({ dim: 16, numHeads: 4, norm: 'batch' }), 'INVALID_CONFIG', 'config.norm');
  expectCode(make({ dim: 16, numHeads: 4, ff: 'relu' }), 'INVALID_CONFIG', 'config.ff');
  expectCode(make({ dim: 16, numHeads: 4, dropout: 1.5 }), 'INVALID_CONFIG', 'config.dropout');
  expectCode(make({ dim: 16, numHeads: 4, ffHiddenDim: -1 }), 'INVALID_CONFIG', 'config.ffHiddenDim');
  expectCode(make({ dim: 12, numHeads: 4, rope: true }), 'INVALID_CONFIG', 'config.headDim');
  expectCode(make({ dim: 16, numHeads: 4, rope: 'yes' }), 'INVALID_CONFIG', 'config.rope');
  expectCode(make({ dim: 16, numHeads: 4, normEpsilon: 0 }), 'INVALID_CONFIG', 'config.normEpsilon');
  expectCode(make({ dim: 16, numHeads: 4, memoryDim: 2.5 }), 'INVALID_CONFIG', 'config.memoryDim');
  expect(resolveBlockConfig({ dim: 24, numHeads: 4, ff: 'swiglu' })).toMatchObject({ headDim: 6, ffHiddenDim: 64, dropout: 0 });
});
