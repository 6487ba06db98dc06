import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import type { LayerKV } from '../generation/types.js';
import { describeBackends, expectClose, expectNoLeak, randn } from '../test-utils/backends.js';
import {
  decoderBlock,
  expectCode,
  expectFiniteGrads,
  f64,
  fromRegisteredConfig,
  randomizeWeights,
  readWeights,
  tensorOf,
  tidyAny,
} from './__fixtures__/naive.js';
import { resolveBlockConfig, type TransformerBlockConfigInput } from './block-config.js';
import { TransformerDecoderBlock } from './transformer-decoder-block.js';

const [B, T, C, S, M] = [2, 8, 16, 6, 12]; // x: 256 elements; memory [2, 6, 12]

const CONFIGS: [string, TransformerBlockConfigInput][] = [
  ['cross-attention, layer norm + gelu', { dim: C, numHeads: 4, memoryDim: M }],
  ['cross-attention, rms + swiglu + rope', { dim: C, numHeads: 4, memoryDim: M, norm: 'rms', ff: 'swiglu', rope: true, useBias: false }],
  ['decoder-only, layer norm + swiglu + rope', { dim: C, numHeads: 2, ff: 'swiglu', rope: true }],
];

describeBackends('TransformerDecoderBlock', (env) => {
  const ATOL = env.backend === 'webgl' ? 1e-3 : 1e-4; // webgl: SwiftShader in CI

  for (const [label, input] of CONFIGS) {
    it(`${label}: matches the naive composition (self causal → cross → ff)`, async () => {
      await expectNoLeak(async () => {
        const cfg = resolveBlockConfig(input);
        const xs = randn(B * T * C, 121);
        const ms = randn(B * S * M, 122);
        const maskData = new Float64Array(B * S).fill(1).fill(0, B * S - 2);
        const [x, memory, mask] = [tensorOf(xs, [B, T, C]), tensorOf(ms, [B, S, M]), tensorOf(maskData, [B, S])];
        const block = new TransformerDecoderBlock({ config: input });
        tf.dispose(block.apply(cfg.memoryDim ? [x, memory] : x) as tf.Tensor);
        randomizeWeights(block.namedWeights(), 123);
        const w = await readWeights(block.namedWeights());
        for (const m of cfg.memoryDim ? [null, mask] : [null]) {
          const y = block.apply(cfg.memoryDim ? [x, memory] : x, { memoryPaddingMask: m }) as tf.Tensor;
          expect(y.shape).toEqual([B, T, C]);
          expectClose(await f64(y), decoderBlock(xs, B, T, w, cfg, ms, S, m ? maskData : null), ATOL);
          y.dispose();
        }
        tf.dispose([x, memory, mask]);
        block.dispose();
      });
    });

    it(`${label}: forward() with a KV cache, token by token, equals the full pass`, async () => {
      await expectNoLeak(async () => {
        const cfg = resolveBlockConfig(input);
        const x = tensorOf(randn(B * T * C, 124), [B, T, C]) as tf.Tensor3D;
        const memory = tensorOf(randn(B * S * M, 125), [B, S, M]) as tf.Tensor3D;
        const block = new TransformerDecoderBlock({ config: input });
        tf.dispose(block.apply(cfg.memoryDim ? [x, memory] : x) as tf.Tensor);
        randomizeWeights(block.namedWeights(), 126);
        const full = tf.tidy(() => block.forward(x, { memory }).output);
        let past: LayerKV | null = null;
        let crossKV: LayerKV | null = null;
        const outs: tf.Tensor[] = [];
        for (let i = 0; i < T; i++) {
          const out = tidyAny(() => {
            const xt = tf.slice(x, [0, i, 0], [B, 1, C]) as tf.Tensor3D;
            return block.forward(xt, { memory: crossKV ? null : memory, past, crossKV });
          });
          if (past) tf.dispose([past.key, past.value]);
          past = out.selfKV;
          if (cfg.memoryDim) {
            expect(out.crossKV).not.toBeNull();
            if (crossKV) expect(out.crossKV).toBe(crossKV); // reused, not recomputed
          } else {
            expect(out.crossKV).toBeNull();
          }
          crossKV = out.crossKV;
          outs.push(out.output);
        }
        const stepped = tf.concat(outs, 1);
        expectClose(await f64(stepped), await f64(full), ATOL);
        tf.dispose([x, memory, full, stepped, ...outs, past!.key, past!.value]);
        if (crossKV) tf.dispose([crossKV.key, crossKV.value]);
        block.dispose();
      });
    });
  }

  it('has finite gradients for every weight (self + cross attention, ff, norms)', async () => {
    await expectNoLeak(async () => {
      const x = tensorOf(randn(B * T * C, 127), [B, T, C]);
      const memory = tensorOf(randn(B * S * M, 128), [B, S, M]);
      const target = tensorOf(randn(B * T * C, 129), [B, T, C]);
      const block = new TransformerDecoderBlock({ config: CONFIGS[1][1] });
      tf.dispose(block.apply([x, memory]) as tf.Tensor);
      randomizeWeights(block.namedWeights(), 130);
      expect(block.trainableWeights.length).toBe(Object.keys(block.namedWeights()).length);
      await expectFiniteGrads(() => tf.sum(tf.mul(block.apply([x, memory]) as tf.Tensor, target)) as tf.Scalar, block.trainableWeights);
      tf.dispose([x, memory, target]);
      block.dispose();
    });
  });

  it('names weights stably; decoder-only has no cross-attention weights', () => {
    const withCross = new TransformerDecoderBlock({ config: CONFIGS[0][1] });
    const decoderOnly = new TransformerDecoderBlock({ config: { dim: C, numHeads: 4, useBias: false, norm: 'rms' } });
    withCross.build([null, null, C]);
    decoderOnly.build([null, null, C]);
    const names = Object.keys(withCross.namedWeights());
    expect(names).toContain('self_attn.q.kernel');
    expect(names).toContain('cross_attn.k.kernel');
    expect(names).toContain('cross_attn_norm.beta');
    expect(withCross.namedWeights()['cross_attn.k.kernel'].shape).toEqual([M, C]);
    expect(Object.keys(decoderOnly.namedWeights())).toEqual([
      'self_attn_norm.gamma',
      'self_attn.q.kernel', 'self_attn.k.kernel', 'self_attn.v.kernel', 'self_attn.out.kernel',
      'ff_norm.gamma',
      'ff.up.kernel', 'ff.down.kernel',
    ]); // prettier-ignore
    for (const w of [...withCross.weights, ...decoderOnly.weights]) w.dispose();
  });

  it('typed errors: missing memory, wrong memory width or batch', async () => {
    await expectNoLeak(() => {
      const block = new TransformerDecoderBlock({ config: CONFIGS[0][1] });
      const x = tf.ones([B, 4, C]);
      const memory = tf.ones([B, S, M]);
      tf.dispose(block.apply([x, memory]) as tf.Tensor);
      const wide = tf.ones([B, S, M + 1]);
      const otherBatch = tf.ones([B + 1, S, M]);
      expectCode(() => block.apply(x), 'INVALID_ARGUMENT', 'pass memory');
      expectCode(() => block.apply([x, wide]), 'INVALID_SHAPE', `expected last dim ${M}`);
      expectCode(() => block.apply([x, otherBatch]), 'INVALID_SHAPE', 'batch');
      tf.dispose([x, memory, wide, otherBatch]);
      block.dispose();
    });
  });

  it('round-trips through getConfig/fromConfig and gives the same output', async () => {
    await expectNoLeak(async () => {
      const x = tensorOf(randn(B * T * C, 131), [B, T, C]);
      const memory = tensorOf(randn(B * S * M, 132), [B, S, M]);
      const block = new TransformerDecoderBlock({ config: CONFIGS[1][1] });
      tf.dispose(block.apply([x, memory]) as tf.Tensor);
      const copy = fromRegisteredConfig<TransformerDecoderBlock>(block);
      expect(copy.config).toEqual(block.config);
      tf.dispose(copy.apply([x, memory]) as tf.Tensor);
      copy.setWeights(block.getWeights());
      const [a, b] = [block.apply([x, memory]), copy.apply([x, memory])] as tf.Tensor[];
      expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
      tf.dispose([x, memory, a, b]);
      block.dispose();
      copy.dispose();
    });
  });
});
