import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBackends, expectNoLeak, randn } from '@mobile-mm/core/test-utils';
import { ctcLoss, isMobileMMError } from '@mobile-mm/core';
import { VisionLanguageModel } from './model.js';
import { batchCtc, batchTokens, type TaskExample, type TrainBatch } from './batching.js';
import { MOBILE_MM_PRESETS, SCENE_CELL_CLASSES, scenePoolMatrix, tokenGrid } from './config.js';
import { readLinesCtc, smallModel } from './__fixtures__/small-model.js';

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
  const t = batchTokens(model, EXAMPLES);
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
  it('cellMemory: a scene memory is the encoder tokens then their 9 area-pooled cells (naive loop), text lines are unchanged', async () => {
    const base = smallModel(false, true);
    const model = new VisionLanguageModel({ ...structuredClone(base.config), cellMemory: true }, base.tokenizer);
    base.dispose();
    await expectNoLeak(async () => {
      const x = images(2, 64, 64, 7);
      const tokens = tf.tidy(() => model.encoder.forward(x, 'scene'));
      const memory = model.encode(x, 'scene');
      const [b, t, c] = tokens.shape;
      expect(memory.shape).toEqual([b, t + 9, c]);
      const [tv, mv] = [await tokens.data(), await memory.data()];
      const p = scenePoolMatrix(model.config.encoder);
      for (let i = 0; i < b; i++) {
        for (let j = 0; j < t * c; j++) expect(mv[i * (t + 9) * c + j]).toBeCloseTo(tv[i * t * c + j], 5);
        for (let q = 0; q < 9; q++)
          for (let d = 0; d < c; d++) {
            let want = 0;
            for (let j = 0; j < t; j++) want += p[q * t + j] * tv[(i * t + j) * c + d];
            expect(mv[(i * (t + 9) + t + q) * c + d]).toBeCloseTo(want, 4);
          }
      }
      const line = images(1, 32, 128, 8);
      const textMemory = model.encode(line, 'text');
      expect(textMemory.shape[1]).toBe(32);
      tf.dispose([x, tokens, memory, line, textMemory]);
    });
    expect(() => new VisionLanguageModel({ ...structuredClone(model.config), sceneCells: false }, model.tokenizer)).toThrowError(/cellMemory: needs sceneCells/);
    model.dispose();
  });

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
    const t = batchTokens(model, EXAMPLES);
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

  it('text lines as columns: 32 memory tokens, and the mixed-batch loss equals the sum of one-row losses', async () => {
    const model = VisionLanguageModel.fromPreset('tinyCols');
    const [r, c] = tokenGrid(model.config.encoder, 'text');
    expect([r, c]).toEqual([1, 32]);
    const batch = makeBatch(model, 8);
    // Reference: each row alone (weights kept), so every decoder call sees one memory kind.
    const t = batchTokens(model, EXAMPLES);
    const [b, l] = t.shape;
    const rowImages = [tf.slice(batch.groups[0].images, [0, 0, 0, 0], [1, 64, 64, 3]), tf.slice(batch.groups[0].images, [1, 0, 0, 0], [1, 64, 64, 3]), batch.groups[1].images];
    let want = 0;
    for (let i = 0; i < b; i++) {
      const one: TrainBatch = {
        groups: [{ kind: EXAMPLES[i].kind, images: rowImages[i] as tf.Tensor4D }],
        inputs: tf.tensor2d(t.inputs.slice(i * l, (i + 1) * l), [1, l], 'int32'),
        targets: tf.tensor2d(t.targets.slice(i * l, (i + 1) * l), [1, l], 'int32'),
        weights: tf.tensor2d(t.weights.slice(i * l, (i + 1) * l), [1, l], 'float32'),
      };
      const v = tf.tidy(() => model.loss(one, false));
      want += (await v.data())[0];
      tf.dispose([v, one.inputs, one.targets, one.weights]);
    }
    await expectNoLeak(async () => {
      const got = tf.tidy(() => model.loss(batch, false));
      expect((await got.data())[0]).toBeCloseTo(want, 4);
      got.dispose();
    });
    tf.dispose(rowImages.slice(0, 2));
    disposeBatch(batch);
    model.dispose();
  });
});

describeBackends('VisionLanguageModel with the OCR CTC head', () => {
  it('adds the OCR share of the CTC loss (brute-force checked in core) to the cross-entropy, and the head gets a gradient', async () => {
    const model = VisionLanguageModel.fromPreset('tinyColsCtc');
    const batch = makeBatch(model, 9);
    const ctc = batchCtc(model, EXAMPLES)!;
    expect(ctc.labels).toEqual([model.ctcHead!.classes('AB 12')]);
    expect(ctc.weight).toBeCloseTo(1 / 3, 6);
    const chars = model.tokenizer.chars;
    expect(ctc.labels[0].map((c) => chars[c - 1]).join('')).toBe('AB 12');
    await expectNoLeak(async () => {
      const ce = tf.tidy(() => model.loss(batch, false));
      const joint = tf.tidy(() => model.loss({ ...batch, ctc }, false));
      const nll = tf.tidy(() => {
        const memory = model.encode(batch.groups[1].images, 'text');
        return tf.sum(ctcLoss(model.ctcHead!.forward(memory), ctc.labels));
      });
      const [a, b, n] = [(await ce.data())[0], (await joint.data())[0], (await nll.data())[0]];
      expect(b).toBeCloseTo(a + (ctc.weight * n) / (5 + 1), 4);
      const vars = Object.entries(model.namedWeights()).filter(([k]) => k.startsWith('ocr_ctc.'));
      expect(vars.length).toBe(2);
      const { value, grads } = tf.variableGrads(() => model.loss({ ...batch, ctc }), vars.map(([, v]) => v));
      for (const [, v] of vars) {
        const s = tf.tidy(() => tf.sum(tf.abs(grads[v.name])));
        expect((await s.data())[0]).toBeGreaterThan(0);
        s.dispose();
      }
      tf.dispose([ce, joint, nll, value, ...Object.values(grads)]);
      const lines = readLinesCtc(model, batch.groups[1].images);
      expect(lines.length).toBe(1);
      expect([...lines[0]].every((c) => chars.includes(c))).toBe(true);
    });
    expect(() => model.ctcHead!.classes('ab')).toThrowError(/accepted characters/);
    disposeBatch(batch);
    model.dispose();
  });
});

it('scenePoolMatrix equals sub-pixel counting of cell ∩ token areas (rows sum to 1)', () => {
  const e = MOBILE_MM_PRESETS.tiny.encoder;
  const p = scenePoolMatrix(e);
  const [rows, cols] = tokenGrid(e, 'scene');
  // 1/3-px samples: the 3×3 cell lines (multiples of 64/3 px) fall exactly between samples.
  const sub = 3;
  const n = 64 * sub;
  const want = new Float64Array(9 * rows * cols);
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) {
      const [py, px] = [(y + 0.5) / sub, (x + 0.5) / sub];
      const cell = Math.floor(py / (64 / 3)) * 3 + Math.floor(px / (64 / 3));
      const token = Math.floor(py / (64 / rows)) * cols + Math.floor(px / (64 / cols));
      want[cell * rows * cols + token] += 1 / (n * n / 9);
    }
  for (let i = 0; i < want.length; i++) expect(Math.abs(p[i] - want[i])).toBeLessThan(1e-6);
  for (let c = 0; c < 9; c++) expect(p.slice(c * rows * cols, (c + 1) * rows * cols).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
});

describeBackends('VisionLanguageModel with the scene-cell head', () => {
  it('adds weight × mean cell cross-entropy over area-pooled memory to the loss, no leaks', async () => {
    const model = VisionLanguageModel.fromPreset('tinyAux');
    const batch = makeBatch(model, 12);
    // Scene rows 0 and 1: a few occupied cells each.
    const labels = new Int32Array(18);
    labels[0] = 5;
    labels[4] = 24;
    labels[9 + 8] = 1;
    const cells = { labels, weight: 2 / 3 };
    const k = SCENE_CELL_CLASSES;
    await expectNoLeak(async () => {
      const base = tf.tidy(() => model.loss(batch, false));
      const joint = tf.tidy(() => model.loss({ ...batch, cells }, false));
      // Reference: pool the memory with plain loops, then the head.
      const memory = model.encode(batch.groups[0].images, 'scene');
      const [b, t, c] = memory.shape;
      const m = await memory.data();
      const p = scenePoolMatrix(model.config.encoder);
      const pooled = new Float32Array(b * 9 * c);
      for (let i = 0; i < b; i++) for (let q = 0; q < 9; q++) for (let j = 0; j < t; j++) for (let d = 0; d < c; d++) pooled[(i * 9 + q) * c + d] += p[q * t + j] * m[(i * t + j) * c + d];
      const x = tf.tensor3d(pooled, [b, 9, c]);
      const lp = tf.tidy(() => model.cellHead!.forward(x));
      const logp = await lp.data();
      let ce = 0;
      for (let r = 0; r < b * 9; r++) ce -= logp[r * k + labels[r]];
      ce /= b * 9;
      const [a, j] = [(await base.data())[0], (await joint.data())[0]];
      expect(j - a).toBeCloseTo((2 / 3) * ce, 3);
      tf.dispose([base, joint, memory, x, lp]);
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
  expect(() => new VisionLanguageModel({ ...preset, encoder: { ...preset.encoder, textTokens: 'rows' as 'grid' }, vocabSize: v })).toThrowError(/encoder.textTokens/);
  expect(() => new VisionLanguageModel({ ...preset, ocrCtc: true, vocabSize: v })).toThrowError(/ocrCtc/);
  // Nested kinds are named with their nesting, and list what is accepted.
  expect(() => new VisionLanguageModel({ ...preset, encoder: { ...preset.encoder, norm: 'batch' as 'layer' }, vocabSize: v })).toThrowError(/config\.encoder\.norm: must be one of 'layer', 'rms'/);
  expect(() => new VisionLanguageModel({ ...preset, decoder: { ...preset.decoder, ff: 'relu' as 'gelu' }, vocabSize: v })).toThrowError(/config\.decoder\.ff: must be one of 'gelu', 'swiglu'/);
  expect(() => new VisionLanguageModel({ ...preset, decoder: { ...preset.decoder, tieEmbeddings: 1 as unknown as boolean }, vocabSize: v })).toThrowError(/decoder\.tieEmbeddings/);
});
