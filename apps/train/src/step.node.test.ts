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
import { VisionLanguageModel } from '@mobile-mm/vision';
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
