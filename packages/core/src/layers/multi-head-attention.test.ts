import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import type { LayerKV } from '../generation/types.js';
import { describeBackends, expectClose, expectNoLeak, randn } from '../test-utils/backends.js';
import {
  attention,
  expectCode,
  expectFiniteGrads,
  f64,
  fromRegisteredConfig,
  randomizeWeights,
  readWeights,
  tensorOf,
  tidyAny,
  type NaiveAttentionOptions,
} from './__fixtures__/naive.js';
import { MultiHeadAttention, type MultiHeadAttentionArgs } from './multi-head-attention.js';

// x: [2, 8, 16] = 256 elements; scores [2, 4, 8, S] ≥ 384 (above webgl's 128-element CPU forwarding).
const [B, T, C, H] = [2, 8, 16, 4];
const [S, CKV] = [6, 12];

/** Padding mask [B, S]: row 0 keeps all, row 1 masks the last `pad` keys. */
function paddingMask(s: number, pad: number): Float64Array {
  const m = new Float64Array(B * s).fill(1);
  for (let j = s - pad; j < s; j++) m[s + j] = 0;
  return m;
}

describeBackends(
  'MultiHeadAttention',
  (env) => {
  // webgl: SwiftShader in CI, 1e-3. webgl-f16 (half-float textures, as on many phones): 1e-2
  // (half floats keep ~3 significant digits; measured max error stayed under 5e-3).
  const ATOL = env.name === 'webgl-f16' ? 1e-2 : env.backend === 'webgl' ? 1e-3 : 1e-4;

  /** Builds the layer, randomises its weights, runs `run`, compares with the naive reference. */
  async function check(
    args: MultiHeadAttentionArgs,
    inputs: { x: Float64Array; memory?: Float64Array; mask?: Float64Array },
    kwargs: { causal?: boolean },
    naive: Omit<NaiveAttentionOptions, 'b' | 'c' | 'h' | 'd' | 'ckv'>,
  ): Promise<void> {
    await expectNoLeak(async () => {
      const x = tensorOf(inputs.x, [B, naive.t, C]);
      const memory = inputs.memory ? tensorOf(inputs.memory, [B, naive.s, args.kvDim ?? C]) : null;
      const mask = inputs.mask ? tensorOf(inputs.mask, [B, naive.s]) : null;
      const attn = new MultiHeadAttention(args);
      const apply = () => attn.apply(memory ? [x, memory] : x, { ...kwargs, keyPaddingMask: mask }) as tf.Tensor;
      tf.dispose(apply());
      randomizeWeights(attn.namedWeights(), 81);
      const w = await readWeights(attn.namedWeights());
      const y = apply();
      expect(y.shape).toEqual([B, naive.t, C]);
      const want = attention(inputs.x, inputs.memory ?? inputs.x, w, {
        ...naive,
        b: B,
        c: C,
        ckv: args.kvDim ?? C,
        h: args.numHeads,
        d: args.headDim ?? C / args.numHeads,
        causal: kwargs.causal,
        mask: inputs.mask,
      });
      expectClose(await f64(y), want, ATOL);
      tf.dispose([x, memory, mask, y].filter((t): t is tf.Tensor => t !== null));
      attn.dispose();
    });
  }

  it('self-attention matches a float64 reference', async () => {
    await check({ dim: C, numHeads: H }, { x: randn(B * T * C, 82) }, {}, { t: T, s: T });
  });

  it('self-attention without biases and with headDim ≠ C/H', async () => {
    await check({ dim: C, numHeads: 2, headDim: 6, useBias: false }, { x: randn(B * T * C, 83) }, {}, { t: T, s: T });
  });

  it('cross-attention to a memory of another width and length', async () => {
    await check({ dim: C, numHeads: H, kvDim: CKV }, { x: randn(B * T * C, 84), memory: randn(B * S * CKV, 85) }, {}, { t: T, s: S });
  });

  it('causal mask: query i sees keys 0..i only', async () => {
    await check({ dim: C, numHeads: H }, { x: randn(B * T * C, 86) }, { causal: true }, { t: T, s: T });
  });

  it('key padding mask in self-attention (with causal)', async () => {
    await check({ dim: C, numHeads: H }, { x: randn(B * T * C, 87), mask: paddingMask(T, 3) }, { causal: true }, { t: T, s: T });
  });

  it('key padding mask in cross-attention', async () => {
    await check(
      { dim: C, numHeads: H, kvDim: CKV },
      { x: randn(B * T * C, 88), memory: randn(B * S * CKV, 89), mask: paddingMask(S, 2) },
      {},
      { t: T, s: S },
    );
  });

  it('RoPE on q and k (causal self-attention)', async () => {
    await check({ dim: C, numHeads: H, rope: true }, { x: randn(B * T * C, 90) }, { causal: true }, { t: T, s: T, rope: true });
  });

  for (const rope of [false, true]) {
    it(`KV cache: one token at a time (and a 3-token prefill) equals full causal attention${rope ? ' with RoPE' : ''}`, async () => {
      await expectNoLeak(async () => {
        const x = tensorOf(randn(B * T * C, 91), [B, T, C]);
        const attn = new MultiHeadAttention({ dim: C, numHeads: H, rope });
        tf.dispose(attn.apply(x) as tf.Tensor);
        randomizeWeights(attn.namedWeights(), 92);
        const full = tf.tidy(() => attn.selfAttend(x as tf.Tensor3D, { causal: true }).output);
        for (const chunks of [
          [1, 1, 1, 1, 1, 1, 1, 1],
          [3, 1, 4],
        ]) {
          let past: LayerKV | null = null;
          const outs: tf.Tensor[] = [];
          let start = 0;
          for (const n of chunks) {
            const xt = tf.slice(x, [0, start, 0], [B, n, C]) as tf.Tensor3D;
            const { output, kv } = tidyAny(() => attn.selfAttend(xt, { causal: true, past }));
            expect(kv.key.shape).toEqual([B, H, start + n, C / H]);
            tf.dispose(past ? [xt, past.key, past.value] : [xt]);
            past = kv;
            outs.push(output);
            start += n;
          }
          const stepped = tf.concat(outs, 1);
          expectClose(await f64(stepped), await f64(full), ATOL);
          tf.dispose([stepped, ...outs, past!.key, past!.value]);
        }
        tf.dispose([x, full]);
        attn.dispose();
      });
    });
  }

  it('has finite gradients for every projection and for x', async () => {
    await expectNoLeak(async () => {
      const x = tensorOf(randn(B * T * C, 93), [B, T, C]);
      const memory = tensorOf(randn(B * S * CKV, 94), [B, S, CKV]);
      const target = tensorOf(randn(B * T * C, 95), [B, T, C]);
      const attn = new MultiHeadAttention({ dim: C, numHeads: H, kvDim: CKV, rope: true });
      tf.dispose(attn.apply([x, memory]) as tf.Tensor);
      randomizeWeights(attn.namedWeights(), 96);
      await expectFiniteGrads(() => tf.sum(tf.mul(attn.apply([x, memory]) as tf.Tensor, target)) as tf.Scalar, attn.trainableWeights);
      expect(attn.trainableWeights).toHaveLength(8);
      const gx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(attn.apply([v, memory], { causal: true }) as tf.Tensor, target)))(x);
      expect((await gx.data()).every(Number.isFinite)).toBe(true);
      tf.dispose([x, memory, target, gx]);
      attn.dispose();
    });
  });

  it('rejects wrong ranks, widths and mask shapes with INVALID_SHAPE', async () => {
    await expectNoLeak(() => {
      const attn = new MultiHeadAttention({ dim: C, numHeads: H, kvDim: CKV });
      const x = tf.ones([B, T, C]);
      const memory = tf.ones([B, S, CKV]);
      tf.dispose(attn.apply([x, memory]) as tf.Tensor);
      const flat = tf.ones([T, C]);
      const wide = tf.ones([B, S, CKV + 1]);
      const otherBatch = tf.ones([B + 1, S, CKV]);
      const badMask = tf.ones([B, S + 1]);
      expectCode(() => attn.apply([flat, memory]), 'INVALID_SHAPE', 'expected rank 3');
      expectCode(() => attn.apply([x, wide]), 'INVALID_SHAPE', `expected last dim ${CKV}`);
      expectCode(() => attn.apply([x, otherBatch]), 'INVALID_SHAPE', 'batch');
      expectCode(() => attn.apply([x, memory], { keyPaddingMask: badMask }), 'INVALID_SHAPE', 'keyPaddingMask');
      tf.dispose([x, memory, flat, wide, otherBatch, badMask]);
      attn.dispose();
    });
  });

  it('round-trips through getConfig/fromConfig and gives the same output', async () => {
    await expectNoLeak(async () => {
      const x = tensorOf(randn(B * T * C, 97), [B, T, C]);
      const attn = new MultiHeadAttention({ dim: C, numHeads: H, rope: true, useBias: false, dropout: 0.1 });
      tf.dispose(attn.apply(x) as tf.Tensor);
      const copy = fromRegisteredConfig<MultiHeadAttention>(attn);
      expect(copy.getConfig()).toEqual(attn.getConfig());
      tf.dispose(copy.apply(x) as tf.Tensor);
      copy.setWeights(attn.getWeights());
      const [a, b] = [attn.apply(x, { causal: true }), copy.apply(x, { causal: true })] as tf.Tensor[];
      expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
      tf.dispose([x, a, b]);
      attn.dispose();
      copy.dispose();
    });
  });
  },
  { f16: true },
);

it('MultiHeadAttention rejects bad config with INVALID_CONFIG naming the field', () => {
  expectCode(() => new MultiHeadAttention({ dim: 10, numHeads: 4 }), 'INVALID_CONFIG', 'config.numHeads');
  expectCode(() => new MultiHeadAttention({ dim: 16, numHeads: 0 }), 'INVALID_CONFIG', 'config.numHeads');
  expectCode(() => new MultiHeadAttention({ dim: 16, numHeads: 4, dropout: -0.1 }), 'INVALID_CONFIG', 'config.dropout');
  expectCode(() => new MultiHeadAttention({ dim: 12, numHeads: 4, rope: true }), 'INVALID_CONFIG', 'config.headDim');
  expectCode(() => new MultiHeadAttention({ dim: 16, numHeads: 4, kvDim: 0 }), 'INVALID_CONFIG', 'config.kvDim');
});
