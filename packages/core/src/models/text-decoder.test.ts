import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import type { KVCache } from '../generation/types.js';
import { decoderBlock, expectCode, f64, matmul, norm, sinusoid, sub, tensorOf, type F64 } from '../layers/__fixtures__/naive.js';
import { describeBackends, expectClose, expectNoLeak, randn, rng } from '../test-utils/backends.js';
import { DecoderKVCache } from './decoder-kv-cache.js';
import { TextDecoder } from './text-decoder.js';
import { type TextDecoderConfigInput, TEXT_DECODER_PRESETS, blockConfigOf, resolveTextDecoderConfig } from './text-decoder-config.js';

// logits [2, 8, 40] = 640 elements; hidden [2, 8, 16] = 256 (above webgl's 128-element CPU forwarding).
const [B, T, V, C, S, M] = [2, 8, 40, 16, 6, 12];
const BASE = { vocabSize: V, dim: C, numHeads: 4, numLayers: 2, maxLength: 16 };

const CONFIGS: [string, TextDecoderConfigInput][] = [
  ['decoder-only, learned positions, tied head', { ...BASE }],
  ['cross-attention, RoPE, rms + swiglu, untied, no bias', { ...BASE, memoryDim: M, positional: 'rope', norm: 'rms', ff: 'swiglu', tieEmbeddings: false, useBias: false }],
  ['cross-attention, sinusoidal positions, untied', { ...BASE, memoryDim: M, positional: 'sinusoidal', tieEmbeddings: false }],
];

function randomTokens(b: number, t: number, seed: number): Int32Array {
  const r = rng(seed);
  return Int32Array.from({ length: b * t }, () => Math.floor(r() * V));
}

/** Seeded random values in every weight (γ ≈ 1 ± 0.3, others N(0, 0.3)). */
function randomize(model: TextDecoder, seed: number): void {
  Object.entries(model.namedWeights()).forEach(([name, v], i) => {
    const values = randn(v.size, seed * 1000 + i, 0.3);
    if (name.endsWith('gamma')) for (let j = 0; j < v.size; j++) values[j] += 1;
    tf.tidy(() => {
      v.assign(tensorOf(values, v.shape));
    });
  });
}

async function readAll(model: TextDecoder): Promise<Record<string, F64>> {
  const out: Record<string, F64> = {};
  for (const [name, v] of Object.entries(model.namedWeights())) out[name] = await f64(v);
  return out;
}

/** Float64 reference of the whole model from its named weights. */
function naiveLogits(input: TextDecoderConfigInput, tokens: Int32Array, b: number, t: number, w: Record<string, F64>, memory: F64 | null): F64 {
  const cfg = resolveTextDecoderConfig(input);
  const c = cfg.dim;
  const emb = w['token_embedding.embeddings'];
  let x: F64 = new Float64Array(b * t * c);
  for (let i = 0; i < b * t; i++) {
    for (let j = 0; j < c; j++) {
      const p = i % t;
      const pos = cfg.positional === 'learned' ? w['position_embedding.embeddings'][p * c + j] : cfg.positional === 'sinusoidal' ? sinusoid(p, j, c) : 0;
      x[i * c + j] = emb[tokens[i] * c + j] + pos;
    }
  }
  for (let l = 0; l < cfg.numLayers; l++) x = decoderBlock(x, b, t, sub(w, `blocks.${l}`), blockConfigOf(cfg), memory, S);
  const h = norm(cfg.norm, x, c, sub(w, 'final_norm'), cfg.normEpsilon);
  if (!cfg.tieEmbeddings) return matmul(h, w['lm_head.kernel'], b * t, c, cfg.vocabSize);
  const embT = new Float64Array(c * cfg.vocabSize);
  for (let v = 0; v < cfg.vocabSize; v++) for (let j = 0; j < c; j++) embT[j * cfg.vocabSize + v] = emb[v * c + j];
  return matmul(h, embT, b * t, c, cfg.vocabSize);
}

/** Runs step() over `chunks` of tokens (sizes), returns the concatenated logits; disposes the cache. */
function stepThrough(model: TextDecoder, tokens: tf.Tensor2D, memory: tf.Tensor3D | null, chunks: number[]): tf.Tensor3D {
  let cache: KVCache | null = null;
  const outs: tf.Tensor3D[] = [];
  let start = 0;
  for (const n of chunks) {
    const piece = tf.slice(tokens, [0, start], [tokens.shape[0], n]) as tf.Tensor2D;
    // Memory only at the first step: later steps must reuse the cached cross-attention K/V.
    const out: { logits: tf.Tensor3D; cache: KVCache } = model.step(piece, cache, start === 0 ? memory : null);
    piece.dispose();
    cache = out.cache;
    expect(cache.length).toBe(start + n);
    outs.push(out.logits);
    start += n;
  }
  cache!.dispose();
  const all = tf.concat(outs, 1);
  tf.dispose(outs);
  return all;
}

describeBackends(
  'TextDecoder',
  (env) => {
  // vs float64. webgl: SwiftShader in CI, 1e-3; webgl-f16 (half-float textures, many phones):
  // every stored intermediate is rounded to 11 significant bits (rel. 4.9e-4) through two
  // blocks, measured worst error 0.017 on logits of size ~1, so 3e-2 absolute.
  const ATOL = env.name === 'webgl-f16' ? 3e-2 : env.backend === 'webgl' ? 1e-3 : 1e-4;
  // step() vs logits(): same backend, same ops in another order. cpu/wasm: 1e-4 (the contract);
  // webgl: 1e-3 (SwiftShader's float32 exp/rsqrt plus texture round trips); f16: 1e-2.
  const STEP_ATOL = ATOL;

  for (const [label, input] of CONFIGS) {
    const cross = input.memoryDim !== undefined;

    it(`${label}: logits() match the float64 reference`, async () => {
      await expectNoLeak(async () => {
        const tokData = randomTokens(B, T, 141);
        const memData = randn(B * S * M, 142);
        const tokens = tf.tensor2d(tokData, [B, T], 'int32');
        const memory = tensorOf(memData, [B, S, M]) as tf.Tensor3D;
        const model = new TextDecoder(input);
        randomize(model, 143);
        const logits = model.logits(tokens, memory);
        expect(logits.shape).toEqual([B, T, V]);
        expectClose(await f64(logits), naiveLogits(input, tokData, B, T, await readAll(model), cross ? memData : null), ATOL);
        tf.dispose([tokens, memory, logits]);
        model.dispose();
      });
    });

    it(`${label}: step() token by token and with prefills equals logits()`, async () => {
      await expectNoLeak(async () => {
        const tokens = tf.tensor2d(randomTokens(B, T, 144), [B, T], 'int32');
        const memory = tensorOf(randn(B * S * M, 145), [B, S, M]) as tf.Tensor3D;
        const model = new TextDecoder(input);
        randomize(model, 146);
        const full = model.logits(tokens, memory);
        const want = await f64(full);
        for (const chunks of [[1, 1, 1, 1, 1, 1, 1, 1], [3, 1, 1, 1, 1, 1], [5, 3], [8]]) {
          const stepped = stepThrough(model, tokens, memory, chunks);
          expectClose(await f64(stepped), want, STEP_ATOL, 0, `chunks ${chunks}`);
          stepped.dispose();
        }
        tf.dispose([tokens, memory, full]);
        model.dispose();
      });
    });
  }

  it('reorder() gathers cache rows for beam search (duplicate, drop, permute)', async () => {
    await expectNoLeak(async () => {
      const input = CONFIGS[1][1];
      const prefix = randomTokens(B, 4, 147);
      const next = randomTokens(3, 2, 148);
      const memData = randn(B * S * M, 149);
      const model = new TextDecoder(input);
      randomize(model, 150);
      const [prefixT, nextT, memory] = [tf.tensor2d(prefix, [B, 4], 'int32'), tf.tensor2d(next, [3, 2], 'int32'), tensorOf(memData, [B, S, M]) as tf.Tensor3D];
      const first = model.step(prefixT, null, memory);
      const rows = [1, 0, 1];
      const reordered = first.cache.reorder(rows);
      expect(reordered.batchSize).toBe(3);
      expect(reordered.length).toBe(4);
      expectCode(() => first.cache.reorder([0]), 'INVALID_ARGUMENT', 'consumed');
      const second = model.step(nextT, reordered, null);
      // Reference: full recomputation on the reordered sequences and memory.
      const full = new Int32Array(3 * 6);
      rows.forEach((r, i) => {
        full.set(prefix.slice(r * 4, r * 4 + 4), i * 6);
        full.set(next.slice(i * 2, i * 2 + 2), i * 6 + 4);
      });
      const fullT = tf.tensor2d(full, [3, 6], 'int32');
      const memRows = tf.tidy(() => tf.gather(memory, tf.tensor1d(rows, 'int32'))) as tf.Tensor3D;
      const want = tf.tidy(() => tf.slice(model.logits(fullT, memRows), [0, 4, 0], [3, 2, V]));
      expectClose(await f64(second.logits), await f64(want), STEP_ATOL);
      expectCode(() => second.cache.reorder([3]), 'INVALID_ARGUMENT', 'indices');
      expectCode(() => second.cache.reorder([]), 'INVALID_ARGUMENT', 'indices');
      tf.dispose([prefixT, nextT, memory, first.logits, second.logits, fullT, memRows, want]);
      second.cache.dispose();
      model.dispose();
    });
  });

  it('decoder-only ignores memory', async () => {
    await expectNoLeak(async () => {
      const model = new TextDecoder(CONFIGS[0][1]);
      const tokens = tf.tensor2d(randomTokens(B, T, 151), [B, T], 'int32');
      const memory = tensorOf(randn(B * S * M, 152), [B, S, M]) as tf.Tensor3D;
      const [a, b] = [model.logits(tokens, memory), model.logits(tokens)];
      expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
      tf.dispose([tokens, memory, a, b]);
      model.dispose();
    });
  });

  it('gradients exist and are finite for every weight, and a few Adam steps lower the loss', async () => {
    await expectNoLeak(async () => {
      const input = CONFIGS[1][1];
      const model = new TextDecoder({ ...input, dropout: 0.1 });
      const tokData = randomTokens(B, T, 153);
      const tokens = tf.tensor2d(tokData, [B, T], 'int32');
      const targets = tf.tidy(() => tf.oneHot(tf.tensor2d(randomTokens(B, T, 154), [B, T], 'int32'), V)) as tf.Tensor3D;
      const memory = tensorOf(randn(B * S * M, 155), [B, S, M]) as tf.Tensor3D;
      const loss = (training: boolean) => tf.losses.softmaxCrossEntropy(targets, model.logits(tokens, memory, { training })) as tf.Scalar;
      const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
      expect(vars.length).toBe(Object.keys(model.namedWeights()).length);
      const { value, grads } = tf.variableGrads(() => loss(true), vars);
      for (const v of vars) {
        const g = await grads[v.name].data();
        expect(g.every(Number.isFinite), v.name).toBe(true);
        expect(g.some((e) => e !== 0), v.name).toBe(true);
      }
      tf.dispose([value, ...Object.values(grads)]);
      const before = tf.tidy(() => loss(false));
      // Adam's default ε (1e-7) underflows to 0 in half floats and divides by zero: 1e-3 there.
      const opt = tf.train.adam(0.01, 0.9, 0.999, env.name === 'webgl-f16' ? 1e-3 : undefined);
      for (let i = 0; i < 5; i++) opt.minimize(() => loss(true), false, vars);
      const after = tf.tidy(() => loss(false));
      expect((await after.data())[0]).toBeLessThan((await before.data())[0]);
      opt.dispose();
      tf.dispose([tokens, targets, memory, before, after]);
      model.dispose();
    });
  });

  it('typed errors for bad tokens, lengths, memory and caches', async () => {
    await expectNoLeak(() => {
      const model = new TextDecoder(CONFIGS[1][1]); // cross-attention, maxLength 16
      const memory = tf.ones([B, S, M]) as tf.Tensor3D;
      const ok = tf.tensor2d(randomTokens(B, 4, 156), [B, 4], 'int32');
      const float = tf.ones([B, 4]) as tf.Tensor2D;
      const rank3 = tf.ones([B, 4, 1], 'int32');
      const long = tf.zeros([B, 17], 'int32') as tf.Tensor2D;
      const oneRow = tf.zeros([1, 1], 'int32') as tf.Tensor2D;
      expectCode(() => model.logits(float, memory), 'INVALID_DTYPE', 'int32');
      expectCode(() => model.logits(rank3 as never, memory), 'INVALID_SHAPE', 'expected rank 2');
      expectCode(() => model.logits(long, memory), 'INVALID_SHAPE', 'maxLength 16');
      expectCode(() => model.logits(ok), 'INVALID_ARGUMENT', 'memory');
      const { logits, cache } = model.step(ok, null, memory);
      expectCode(() => model.step(oneRow, cache), 'INVALID_SHAPE', 'batch');
      const thirteen = tf.zeros([B, 13], 'int32') as tf.Tensor2D;
      expectCode(() => model.step(thirteen, cache), 'INVALID_SHAPE', 'maxLength 16');
      const other = new TextDecoder({ ...CONFIGS[1][1], numLayers: 1 });
      expectCode(() => other.step(ok, cache, memory), 'INVALID_ARGUMENT', 'DecoderKVCache');
      const next = model.step(ok, cache); // consumes `cache`
      expectCode(() => model.step(ok, cache), 'INVALID_ARGUMENT', 'DecoderKVCache');
      tf.dispose([memory, ok, float, rank3, long, oneRow, thirteen, logits, next.logits]);
      next.cache.dispose();
      other.dispose();
      model.dispose();
    });
  });

  it('namedWeights has stable dotted names covering every trainable weight', () => {
    const model = new TextDecoder({ ...BASE, memoryDim: M, tieEmbeddings: false, numLayers: 1 });
    const names = Object.keys(model.namedWeights());
    expect(names.slice(0, 4)).toEqual([
      'token_embedding.embeddings',
      'position_embedding.embeddings',
      'blocks.0.self_attn_norm.gamma',
      'blocks.0.self_attn_norm.beta',
    ]);
    expect(names).toContain('blocks.0.self_attn.q.kernel');
    expect(names).toContain('blocks.0.cross_attn.v.bias');
    expect(names).toContain('blocks.0.ff.down.kernel');
    expect(names.slice(-3)).toEqual(['final_norm.gamma', 'final_norm.beta', 'lm_head.kernel']);
    expect(model.namedWeights()['lm_head.kernel'].shape).toEqual([C, V]);
    expect(new Set(Object.values(model.namedWeights()))).toEqual(new Set(model.getWeights()));
    model.dispose();
    const tied = new TextDecoder({ ...BASE, positional: 'rope' });
    expect(Object.keys(tied.namedWeights()).some((n) => n.startsWith('lm_head') || n.startsWith('position'))).toBe(false);
    tied.dispose();
  });
  },
  { f16: true },
);

it('TextDecoder config: defaults, presets, and INVALID_CONFIG naming the field', () => {
  const cfg = resolveTextDecoderConfig({ vocabSize: 100 });
  expect(cfg).toMatchObject({ dim: 256, numHeads: 4, headDim: 64, ffHiddenDim: 1024, positional: 'learned', memoryDim: null, tieEmbeddings: true, dropout: 0 });
  expect(resolveTextDecoderConfig({ ...TEXT_DECODER_PRESETS.smallLlama, vocabSize: 100 })).toMatchObject({ norm: 'rms', ffHiddenDim: 683 });
  const bad = (c: object) => () => resolveTextDecoderConfig(c as TextDecoderConfigInput);
  expectCode(bad({}), 'INVALID_CONFIG', 'config.vocabSize');
  expectCode(bad({ vocabSize: 10, numLayers: 0 }), 'INVALID_CONFIG', 'config.numLayers');
  expectCode(bad({ vocabSize: 10, numLayer: 2 }), 'INVALID_CONFIG', 'config.numLayer');
  expectCode(bad({ vocabSize: 10, positional: 'alibi' }), 'INVALID_CONFIG', 'config.positional');
  expectCode(bad({ vocabSize: 10, dim: 30, numHeads: 4 }), 'INVALID_CONFIG', 'config.numHeads');
  expectCode(bad({ vocabSize: 10, tieEmbeddings: 1 }), 'INVALID_CONFIG', 'config.tieEmbeddings');
  expectCode(bad({ vocabSize: 10, memoryDim: 0 }), 'INVALID_CONFIG', 'config.memoryDim');
  expectCode(bad({ vocabSize: 10, maxLength: -1 }), 'INVALID_CONFIG', 'config.maxLength');
  expectCode(() => new DecoderKVCache([], 0), 'INVALID_ARGUMENT', 'at least one layer');
});
