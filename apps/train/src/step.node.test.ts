/**
 * A gradient shard on wasm: every parameter gets a gradient tensor in
 * parameter order, zeros for weights the shard does not reach (the scene
 * position table when a shard holds only OCR text lines), and the rest
 * matches tf.variableGrads computed directly.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { setupBackend } from '@mobile-mm/core/backend';
import { createRenderer, type Renderer } from '@mobile-mm/synth';
import { SceneTokenizer, VisionLanguageModel } from '@mobile-mm/vision';
import { drawSamples, paramList, shardGradients } from './step.js';
import { disposeBatch, makeBatch } from './data.js';

let renderer: Renderer;
beforeAll(async () => {
  await setupBackend('wasm');
  renderer = await createRenderer();
});

it('a text-only shard returns zeros for the scene positions and the direct gradients elsewhere', async () => {
  const model = VisionLanguageModel.fromPreset('tiny');
  const params = paramList(model);
  const samples = drawSamples(renderer, { start: 0, count: 2, mix: { ocr: 1 }, lossWeights: {} });
  expect(samples.every((s) => s.task === 'ocr')).toBe(true);
  const before = tf.memory().numTensors;
  const { loss, grads } = shardGradients(model, params, samples, {});
  expect(Number.isFinite(loss)).toBe(true);
  expect(grads).toHaveLength(params.length);

  const batch = makeBatch(model, samples, {});
  const direct = tf.variableGrads(() => model.loss(batch, true), params.map(([, v]) => v));
  for (let i = 0; i < params.length; i++) {
    const [name, v] = params[i];
    expect(grads[i].shape, name).toEqual(v.shape);
    const want = direct.grads[v.name];
    const got = await grads[i].data();
    if (name.includes('scene_pos')) {
      expect(want, name).toBeUndefined();
      expect(Array.from(got).every((x) => x === 0), name).toBe(true);
    } else {
      const w = await want.data();
      let maxDiff = 0;
      let maxAbs = 0;
      for (let j = 0; j < w.length; j++) {
        maxDiff = Math.max(maxDiff, Math.abs(w[j] - got[j]));
        maxAbs = Math.max(maxAbs, Math.abs(w[j]));
      }
      expect(maxDiff, name).toBeLessThanOrEqual(1e-5 * (1 + maxAbs)); // same computation, same backend
    }
  }
  tf.dispose([direct.value, ...Object.values(direct.grads), ...grads]);
  disposeBatch(batch);
  expect(tf.memory().numTensors).toBe(before);
  model.dispose();
});

it('--augment: draw j is augmented the same way on every call (any shard split), answers unchanged, pixels changed', () => {
  const plain = drawSamples(renderer, { start: 40, count: 6, mix: { caption: 1, ocr: 1, vqa: 1 }, lossWeights: {} });
  const a = drawSamples(renderer, { start: 40, count: 6, mix: { caption: 1, ocr: 1, vqa: 1 }, lossWeights: {}, augment: 0.6 });
  const b = [
    ...drawSamples(renderer, { start: 40, count: 2, mix: { caption: 1, ocr: 1, vqa: 1 }, lossWeights: {}, augment: 0.6 }),
    ...drawSamples(renderer, { start: 42, count: 4, mix: { caption: 1, ocr: 1, vqa: 1 }, lossWeights: {}, augment: 0.6 }),
  ];
  expect(a.map((s) => [s.task, s.prompt, s.answer])).toEqual(plain.map((s) => [s.task, s.prompt, s.answer]));
  for (let i = 0; i < a.length; i++) {
    expect(b[i].image.data).toEqual(a[i].image.data);
    expect([a[i].image.width, a[i].image.height]).toEqual([plain[i].image.width, plain[i].image.height]);
  }
  expect(a.some((s, i) => s.image.data.some((v, j) => v !== plain[i].image.data[j]))).toBe(true);
});

it('--languages: draws keep their tasks and images, caption/vqa rows get a language, and the v2 batch carries its tag after <bos>', () => {
  const mix = { caption: 1, ocr: 1, vqa: 1 };
  const plain = drawSamples(renderer, { start: 80, count: 12, mix, lossWeights: {} });
  const multi = drawSamples(renderer, { start: 80, count: 12, mix, lossWeights: {}, languages: { en: 1, es: 1, fr: 1, de: 1, ja: 1, zh: 1 } });
  expect(multi.map((s) => [s.task, s.index])).toEqual(plain.map((s) => [s.task, s.index]));
  for (let i = 0; i < multi.length; i++) expect(multi[i].image.data).toEqual(plain[i].image.data);
  expect(multi.filter((s) => s.task === 'ocr').every((s) => s.lang === 'en' && s.answer === plain[multi.indexOf(s)].answer)).toBe(true);
  expect(new Set(multi.filter((s) => s.task !== 'ocr').map((s) => s.lang)).size).toBeGreaterThan(1);
  const model = VisionLanguageModel.fromPreset('tiny', SceneTokenizer.v2());
  const batch = makeBatch(model, multi, {});
  const inputs = batch.inputs.arraySync() as number[][];
  const ordered = [...multi.filter((s) => s.task !== 'ocr'), ...multi.filter((s) => s.task === 'ocr')];
  ordered.forEach((s, r) => expect(inputs[r].slice(0, 2)).toEqual([model.tokenizer.bosId, model.tokenizer.languageId(s.lang)]));
  disposeBatch(batch);
  model.dispose();
});
