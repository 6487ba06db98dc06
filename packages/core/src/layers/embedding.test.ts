import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect, it } from 'vitest';
import { describeBackends, expectClose, expectNoLeak, randn, rng } from '../test-utils/backends.js';
import { expectCode, expectFiniteGrads, f64, fromRegisteredConfig, matmul, randomizeWeights, readWeights, tensorOf } from './__fixtures__/naive.js';
import { Embedding } from './embedding.js';

const [B, T, V, C] = [2, 8, 50, 16]; // output 256 elements

function randomIds(n: number, seed: number): Int32Array {
  const r = rng(seed);
  return Int32Array.from({ length: n }, () => Math.floor(r() * V));
}

describeBackends('Embedding', (env) => {
  const ATOL = env.backend === 'webgl' ? 1e-3 : 1e-4; // webgl: SwiftShader in CI

  it('looks up rows like a float64 gather', async () => {
    await expectNoLeak(async () => {
      const idsData = randomIds(B * T, 31);
      const ids = tf.tensor2d(idsData, [B, T], 'int32');
      const emb = new Embedding({ vocabSize: V, dim: C });
      tf.dispose(emb.apply(ids) as tf.Tensor);
      randomizeWeights(emb.namedWeights(), 32);
      const table = (await readWeights(emb.namedWeights())).embeddings;
      const want = new Float64Array(B * T * C);
      for (let i = 0; i < B * T; i++) for (let j = 0; j < C; j++) want[i * C + j] = table[idsData[i] * C + j];
      const y = emb.apply(ids) as tf.Tensor;
      expect(y.shape).toEqual([B, T, C]);
      expectClose(await f64(y), want, ATOL);
      tf.dispose([ids, y]);
      emb.dispose();
    });
  });

  it("matches tfjs-layers' embedding with the same table", async () => {
    await expectNoLeak(async () => {
      const ids = tf.tensor2d(randomIds(B * T, 33), [B, T], 'int32');
      const ours = new Embedding({ vocabSize: V, dim: C });
      const theirs = tfl.layers.embedding({ inputDim: V, outputDim: C });
      tf.dispose([ours.apply(ids), theirs.apply(ids)] as tf.Tensor[]);
      randomizeWeights(ours.namedWeights(), 34);
      theirs.setWeights(ours.getWeights());
      const [a, b] = [ours.apply(ids), theirs.apply(ids)] as tf.Tensor[];
      expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
      tf.dispose([ids, a, b]);
      ours.dispose();
      theirs.dispose();
    });
  });

  it('attend() is x · tableᵀ (tied LM head)', async () => {
    await expectNoLeak(async () => {
      const x = tensorOf(randn(B * T * C, 35), [B, T, C]);
      const emb = new Embedding({ vocabSize: V, dim: C });
      emb.build([null, null]);
      randomizeWeights(emb.namedWeights(), 36);
      const table = (await readWeights(emb.namedWeights())).embeddings;
      const tableT = new Float64Array(C * V);
      for (let v = 0; v < V; v++) for (let j = 0; j < C; j++) tableT[j * V + v] = table[v * C + j];
      const y = tf.tidy(() => emb.attend(x));
      expect(y.shape).toEqual([B, T, V]);
      expectClose(await f64(y), matmul(await f64(x), tableT, B * T, C, V), ATOL);
      tf.dispose([x, y]);
      emb.table.dispose();
    });
  });

  it('has a finite gradient for the table (gather → UnsortedSegmentSum)', async () => {
    // On wasm the kernel comes from backend/wasm-fixes.ts (setupBackend registers it).
    expect(tf.getKernel('UnsortedSegmentSum', tf.getBackend())).toBeDefined();
    await expectNoLeak(async () => {
      const ids = tf.tensor2d(randomIds(B * T, 37), [B, T], 'int32');
      const target = tensorOf(randn(B * T * C, 38), [B, T, C]);
      const emb = new Embedding({ vocabSize: V, dim: C });
      tf.dispose(emb.apply(ids) as tf.Tensor);
      await expectFiniteGrads(() => tf.sum(tf.mul(emb.apply(ids) as tf.Tensor, target)) as tf.Scalar, emb.trainableWeights);
      tf.dispose([ids, target]);
      emb.dispose();
    });
  });

  it('rejects float ids with INVALID_DTYPE', async () => {
    await expectNoLeak(() => {
      const emb = new Embedding({ vocabSize: V, dim: C });
      const ids = tf.tensor2d([[1, 2]], [1, 2], 'float32');
      expectCode(() => emb.apply(ids), 'INVALID_DTYPE', 'int32');
      ids.dispose();
      emb.dispose(); // built by the failed call
    });
  });

  it('round-trips through getConfig/fromConfig', () => {
    const emb = new Embedding({ vocabSize: V, dim: C, initStd: 0.1 });
    const copy = fromRegisteredConfig<Embedding>(emb);
    expect(copy).toBeInstanceOf(Embedding);
    expect(copy.getConfig()).toEqual(emb.getConfig());
    // Prefixed className: tfjs-layers' own Embedding stays registered under 'Embedding'.
    expect(tf.serialization.SerializationMap.getMap().classNameMap['Embedding'][0]).not.toBe(Embedding);
  });
});

it('Embedding rejects bad config with INVALID_CONFIG', () => {
  expectCode(() => new Embedding({ vocabSize: 0, dim: 4 }), 'INVALID_CONFIG', 'config.vocabSize');
  expectCode(() => new Embedding({ vocabSize: 4, dim: -1 }), 'INVALID_CONFIG', 'config.dim');
});
