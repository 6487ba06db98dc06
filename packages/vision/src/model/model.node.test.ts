/**
 * Real learning and checkpoint round trips on the wasm backend (Node):
 * a small model overfits a fixed batch of SynthScenes samples, and a saved
 * checkpoint reloads to identical logits.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isMobileMMError } from '@mobile-mm/core';
import { setupBackend } from '@mobile-mm/core/backend';
import { COLORS, SHAPES, SIZES, createRenderer, makeTaskSample, type TaskSample } from '@mobile-mm/synth';
import { VisionLanguageModel } from './model.js';
import { batchCtc, batchTokens, type TrainBatch } from './batching.js';
import { loadModel, saveModel } from './checkpoint.js';
import { greedyDecodeBatch } from './__fixtures__/greedy-reference.js';
import { readLinesCtc, smallModel } from './__fixtures__/small-model.js';

let samples: TaskSample[] = [];
let dir = '';

beforeAll(async () => {
  await setupBackend('wasm');
  const renderer = await createRenderer();
  samples = [
    makeTaskSample(renderer, 'val', 'caption', 0),
    makeTaskSample(renderer, 'val', 'vqa', 1),
    makeTaskSample(renderer, 'val', 'ocr', 2),
    makeTaskSample(renderer, 'val', 'ocr', 3),
  ];
  dir = await mkdtemp(path.join(os.tmpdir(), 'mobile-mm-vlm-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});


function batchOf(model: VisionLanguageModel): TrainBatch {
  const rgb = (s: TaskSample[]) => {
    const { width: w, height: h } = s[0].image;
    const buf = new Float32Array(s.length * h * w * 3);
    s.forEach((x, i) => {
      for (let p = 0; p < w * h; p++) for (let c = 0; c < 3; c++) buf[(i * w * h + p) * 3 + c] = x.image.data[p * 4 + c] / 255;
    });
    return tf.tensor4d(buf, [s.length, h, w, 3]);
  };
  const scenes = samples.filter((s) => s.task !== 'ocr');
  const texts = samples.filter((s) => s.task === 'ocr');
  const t = batchTokens(model, [...scenes, ...texts].map((s) => ({ task: s.task, kind: s.task === 'ocr' ? 'text' : 'scene', prompt: s.prompt, answer: s.answer })));
  return {
    groups: [
      { kind: 'scene', images: rgb(scenes) },
      { kind: 'text', images: rgb(texts) },
    ],
    inputs: tf.tensor2d(t.inputs, t.shape, 'int32'),
    targets: tf.tensor2d(t.targets, t.shape, 'int32'),
    weights: tf.tensor2d(t.weights, t.shape, 'float32'),
  };
}

/** 300 Adam steps (lr 3e-3) on one batch: the first and the last loss. */
async function overfit(model: VisionLanguageModel, batch: TrainBatch): Promise<{ first: number; last: number }> {
  const vars = Object.values(model.namedWeights());
  const opt = tf.train.adam(3e-3);
  let first = 0;
  let last = 0;
  for (let step = 0; step < 300; step++) {
    const cost = opt.minimize(() => model.loss(batch), true, vars) as tf.Scalar;
    last = (await cost.data())[0];
    if (step === 0) first = last;
    cost.dispose();
  }
  opt.dispose();
  return { first, last };
}

it('overfits a fixed batch of the three tasks to near-zero loss on wasm, and greedy decoding then reproduces the answers', async () => {
  const model = smallModel();
  const batch = batchOf(model);
  // Measured: loss 3.9 → < 0.01 in ~250 steps (≈10 s on one core).
  const { first, last } = await overfit(model, batch);
  expect(first).toBeGreaterThan(2);
  expect(last).toBeLessThan(0.05);

  // The memorised answers come back through the KV-cache decoder.
  for (const s of samples) {
    const kind = s.task === 'ocr' ? 'text' : 'scene';
    const g = batch.groups.find((x) => x.kind === kind)!;
    const row = samples.filter((x) => (x.task === 'ocr') === (kind === 'text')).indexOf(s);
    const img = tf.slice(g.images, [row, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
    const memory = model.encode(img, kind);
    const [ids] = greedyDecodeBatch(model.decoder, memory, [model.promptTokens(s.prompt)], { maxNewTokens: 40, eosId: model.tokenizer.eosId });
    expect(model.decodeAnswer(ids)).toBe(s.answer);
    tf.dispose([img, memory]);
  }
  tf.dispose([...batch.groups.map((g) => g.images), batch.inputs, batch.targets, batch.weights]);
  model.dispose();
});

it('with the auxiliary heads: overfits the batch (cross-entropy + CTC + cells), the CTC head then reads both lines exactly, and a save/load round trip keeps the heads', async () => {
  const model = smallModel(false, true);
  const base = batchOf(model);
  const ordered = [...samples.filter((s) => s.task !== 'ocr'), ...samples.filter((s) => s.task === 'ocr')];
  const examples = ordered.map((s) => ({ task: s.task, kind: (s.task === 'ocr' ? 'text' : 'scene') as 'text' | 'scene', prompt: s.prompt, answer: s.answer }));
  const labels = new Int32Array(9 * 2);
  ordered.slice(0, 2).forEach((s, i) => {
    for (const o of s.objects!) labels[i * 9 + o.cell] = 1 + (SHAPES.indexOf(o.shape) * COLORS.length + COLORS.indexOf(o.color)) * SIZES.length + SIZES.indexOf(o.size);
  });
  const batch: TrainBatch = { ...base, ctc: batchCtc(model, examples), cells: { labels, weight: 2 / 3 } };
  const { first, last } = await overfit(model, batch);
  expect(first).toBeGreaterThan(3);
  expect(last).toBeLessThan(0.1);
  const texts = batch.groups.find((g) => g.kind === 'text')!.images;
  expect(readLinesCtc(model, texts)).toEqual(ordered.slice(2).map((s) => s.answer));

  await saveModel(model, dir, {});
  const { model: loaded } = await loadModel(dir);
  expect(Object.keys(loaded.namedWeights()).filter((k) => /^(ocr_ctc|scene_cells)\./.test(k)).sort()).toEqual(['ocr_ctc.bias', 'ocr_ctc.kernel', 'scene_cells.bias', 'scene_cells.kernel']);
  const a = tf.tidy(() => model.loss(batch, false));
  const b = tf.tidy(() => loaded.loss(batch, false));
  expect((await b.data())[0]).toBe((await a.data())[0]);
  expect(readLinesCtc(loaded, texts)).toEqual(ordered.slice(2).map((s) => s.answer));
  tf.dispose([a, b]);
  loaded.dispose();
  tf.dispose([...base.groups.map((g) => g.images), base.inputs, base.targets, base.weights]);
  model.dispose();
});

it('saves and reloads a checkpoint with identical logits, and rejects a mismatched one naming the tensor', async () => {
  const model = smallModel();
  const batch = batchOf(model);
  const before = tf.memory().numTensors;
  const a = tf.tidy(() => model.loss(batch, false));
  await saveModel(model, dir, { note: 'test' });
  const { model: loaded, config } = await loadModel(dir);
  expect(config.note).toBe('test');
  const b = tf.tidy(() => loaded.loss(batch, false));
  expect((await b.data())[0]).toBe((await a.data())[0]);
  const ma = model.encode(batch.groups[0].images, 'scene');
  const mb = loaded.encode(batch.groups[0].images, 'scene');
  expect(Array.from(await mb.data())).toEqual(Array.from(await ma.data()));
  tf.dispose([a, b, ma, mb]);
  loaded.dispose();
  expect(tf.memory().numTensors, "tensors left after reload + dispose").toBe(before);

  // A config that describes a different model than the weights → typed error naming a tensor.
  const cfg = { model: { ...model.config, decoder: { ...model.config.decoder, dim: 32 } } };
  await writeFile(path.join(dir, 'config.json'), JSON.stringify(cfg));
  await expect(loadModel(dir)).rejects.toSatisfy(
    (e: unknown) => isMobileMMError(e, 'WEIGHTS_MISMATCH') && /decoder\./.test((e as Error).message),
  );
  tf.dispose([...batch.groups.map((g) => g.images), batch.inputs, batch.targets, batch.weights]);
  model.dispose();
});

it('loads the same model from its three files in hand (bytes, as a browser download gives them) as from the folder', async () => {
  const model = smallModel();
  const batch = batchOf(model);
  const sub = path.join(dir, 'in-hand');
  await saveModel(model, sub);
  const before = tf.memory().numTensors;
  const read = (f: string) => readFile(path.join(sub, f)).then((b) => new Uint8Array(b));
  const files = { config: await read('config.json'), tokenizer: await read('tokenizer.json'), weights: await read('model.safetensors') };
  const { model: fromBytes, quantization } = await loadModel(files);
  expect(quantization).toBeNull();
  const a = tf.tidy(() => model.loss(batch, false));
  const b = tf.tidy(() => fromBytes.loss(batch, false));
  expect((await b.data())[0]).toBe((await a.data())[0]);
  tf.dispose([a, b]);
  fromBytes.dispose();
  expect(tf.memory().numTensors).toBe(before);
  // Damaged bytes fail as a damaged folder does.
  await expect(loadModel({ ...files, weights: files.weights.subarray(0, 100) })).rejects.toSatisfy((e: unknown) => isMobileMMError(e, 'SAFETENSORS_CORRUPT'));
  tf.dispose([...batch.groups.map((g) => g.images), batch.inputs, batch.targets, batch.weights]);
  model.dispose();
});

it('a missing checkpoint folder fails with FILE_NOT_FOUND', async () => {
  await expect(loadModel(path.join(dir, 'nope'))).rejects.toSatisfy((e: unknown) => isMobileMMError(e, 'FILE_NOT_FOUND'));
});
