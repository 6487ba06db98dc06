/**
 * growVocabulary: a v1 model moved onto SceneTokenizer.v2() computes the same
 * logits on the old ids (all weights copied) and, on every new id, the mean
 * of the old ids' logits (the new embedding rows / head columns start at the
 * old ones' mean) — checked against the v1 model's logits in float64, on
 * random weights, tokens and memories, tied and untied heads.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { isMobileMMError } from '@mobile-mm/core';
import { setupBackend } from '@mobile-mm/core/backend';
import { VisionLanguageModel } from './model.js';
import { growVocabulary } from './grow-vocabulary.js';
import { SceneTokenizer } from './scene-tokenizer.js';
import { smallModel } from './__fixtures__/small-model.js';

beforeAll(async () => {
  await setupBackend('cpu');
});

function untied(): VisionLanguageModel {
  const m = smallModel();
  const c = structuredClone(m.config);
  m.dispose();
  return new VisionLanguageModel({ ...c, decoder: { ...c.decoder, tieEmbeddings: !(c.decoder.tieEmbeddings ?? true) } }, new SceneTokenizer());
}

for (const [label, make] of [['the preset head', () => smallModel()], ['the other head', untied]] as const) {
  it(`keeps the old ids' logits and starts each new id at their mean (${label})`, () => {
    const model = make();
    const before = tf.memory().numTensors;
    const grown = growVocabulary(model, SceneTokenizer.v2());
    const v0 = model.tokenizer.vocabSize;
    const v1 = grown.tokenizer.vocabSize;
    expect(v1).toBeGreaterThan(v0);
    const [b, l, s] = [3, 7, 5];
    const tokens = tf.tensor2d(Array.from({ length: b * l }, (_, i) => (i * 7919 + 13) % v0), [b, l], 'int32');
    const memory = tf.randomNormal([b, s, model.config.encoder.dim], 0, 1, 'float32', 7) as tf.Tensor3D;
    const [oldT, nowT] = [model.forward(tokens, memory), grown.forward(tokens, memory)];
    const [old, now] = [oldT.arraySync(), nowT.arraySync()];
    let worst = 0;
    for (let i = 0; i < b; i++) {
      for (let j = 0; j < l; j++) {
        let mean = 0;
        for (let v = 0; v < v0; v++) mean += old[i][j][v] / v0;
        for (let v = 0; v < v0; v++) worst = Math.max(worst, Math.abs(now[i][j][v] - old[i][j][v]));
        for (let v = v0; v < v1; v++) worst = Math.max(worst, Math.abs(now[i][j][v] - mean));
      }
    }
    expect(worst).toBeLessThan(1e-4); // float32 sums over C = 64
    tf.dispose([tokens, memory, oldT, nowT]);
    grown.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
}

it('refuses a tokenizer that does not extend the model vocabulary id for id', () => {
  const model = smallModel();
  const other = new SceneTokenizer(['zebra', ...model.tokenizer.words.slice(1)], model.tokenizer.chars, ['extra']);
  let err: unknown;
  try {
    growVocabulary(model, other);
  } catch (e) {
    err = e;
  }
  expect(isMobileMMError(err, 'INVALID_ARGUMENT')).toBe(true);
  expect((err as Error).message).toMatch(/does not keep the model's \d+ ids/);
  model.dispose();
});
