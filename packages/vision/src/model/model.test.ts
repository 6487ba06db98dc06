import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBackends, expectNoLeak, randn } from '@mobile-mm/core/test-utils';
import { isMobileMMError } from '@mobile-mm/core';
import { VisionLanguageModel, type TaskExample, type TrainBatch } from './model.js';
import { MOBILE_MM_PRESETS, tokenGrid } from './config.js';

const tiny = () => VisionLanguageModel.fromPreset('tiny');

function images(n: number, h: number, w: number, seed: number): tf.Tensor4D {
  const v = randn(n * h * w * 3, seed, 0.3).map((x) => Math.min(1, Math.max(0, 0.5 + x)));
  return tf.tensor4d(Float32Array.from(v), [n, h, w, 3]);
}

const EXAMPLES: TaskExample[] = [
  { task: 'caption', kind: 'scene', prompt: 'caption', answer: 'a large red circle at the top left.' },
  { task: 'vqa', kind: 'scene', prompt: 'how many objects are there?', answer: '1' },
  { task: 'ocr', kind: 'text', prompt: 'ocr', answer: 'AB 12' },
];

function makeBatch(model: VisionLanguageModel, seed: number): TrainBatch {
  const t = model.batchTokens(EXAMPLES);
  return {
    groups: [
      { kind: 'scene', images: images(2, 64, 64, seed) },
      { kind: 'text', images: images(1, 32, 128, seed + 1) },
    ],
    inputs: tf.tensor2d(t.inputs, t.shape, 'int32'),
    targets: tf.tensor2d(t.targets, t.shape, 'int32'),
    weights: tf.tensor2d(t.weights, t.shape, 'float32'),
  };
}

const disposeBatch = (b: TrainBatch) => tf.dispose([...b.groups.map((g) => g.images), b.inputs, b.targets, b.weights]);

describeBackends('VisionLanguageModel', () => {
  it('encodes both image kinds to the same number of memory tokens', async () => {
    const model = tiny();
    await expectNoLeak(() => {
      const e = MOBILE_MM_PRESETS.tiny.encoder;
      for (const [kind, h, w] of [['scene', 64, 64], ['text', 32, 128]] as const) {
        const x = images(2, h, w, 3);
        const m = model.encode(x, kind);
        const [r, c] = tokenGrid(e, kind);
        expect(m.shape).toEqual([2, r * c, e.dim]);
        expect(r * c).toBe(64);
        tf.dispose([x, m]);
      }
    });
    model.dispose();
  });

  it('balances loss weights per task and masks prompt positions', () => {
    const model = tiny();
    const t = model.batchTokens(EXAMPLES);
    const [b, l] = t.shape;
    let total = 0;
    for (let i = 0; i < b; i++) {
      let row = 0;
      for (let j = 0; j < l; j++) row += t.weights[i * l + j];
      total += row;
      // each of the 3 tasks gets 1/3 of the weight (one example per task here)
      expect(row).toBeCloseTo(1 / 3, 6);
    }
    expect(total).toBeCloseTo(1, 6);
    // The first target of every row is a prompt token: weight 0.
    for (let i = 0; i < b; i++) expect(t.weights[i * l]).toBe(0);
    model.dispose();
  });

  it('loss is finite and every weight gets a gradient', async () => {
    const model = tiny();
    const batch = makeBatch(model, 5);
    await expectNoLeak(async () => {
      const vars = Object.values(model.namedWeights());
      const { value, grads } = tf.variableGrads(() => model.loss(batch), vars);
      const v = (await value.data())[0];
      // Untrained: close to ln(V) per token.
      expect(v).toBeGreaterThan(0.5 * Math.log(model.config.vocabSize));
      expect(v).toBeLessThan(2 * Math.log(model.config.vocabSize));
      for (const v of vars) {
        const g = grads[v.name];
        expect(g, v.name).toBeDefined();
        const s = tf.tidy(() => tf.sum(tf.abs(g)));
        const n = (await s.data())[0];
        s.dispose();
        expect(Number.isFinite(n), v.name).toBe(true);
      }
      tf.dispose([value, ...Object.values(grads)]);
    });
    disposeBatch(batch);
    model.dispose();
  });
});

it('rejects bad configs with a typed error naming the field', () => {
  const preset = structuredClone(MOBILE_MM_PRESETS.tiny);
  expect(() => new VisionLanguageModel({ ...preset, encoder: { ...preset.encoder, numHeads: 3 }, vocabSize: 89 })).toThrowError(/encoder.numHeads|vocabSize/);
  try {
    new VisionLanguageModel({ ...preset, encoder: { ...preset.encoder, patchSize: 5 }, vocabSize: tiny().config.vocabSize });
    expect.unreachable();
  } catch (e) {
    expect(isMobileMMError(e, 'INVALID_CONFIG')).toBe(true);
    expect((e as Error).message).toMatch(/encoder.patchSize/);
  }
  const v = tiny().config.vocabSize;
  expect(() => new VisionLanguageModel({ ...preset, encoder: { ...preset.encoder, positionInitStd: -1 }, vocabSize: v })).toThrowError(/encoder.positionInitStd/);
  expect(() => new VisionLanguageModel({ ...preset, encoder: { ...preset.encoder, memoryPositions: 'no' as unknown as boolean }, vocabSize: v })).toThrowError(/encoder.memoryPositions/);
});
