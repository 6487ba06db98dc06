/**
 * `npm run eval -- --runtime onnx`: the ONNX export of the shipped INT2 model,
 * answered through onnxruntime-node by onnxPredictor, gives the same
 * predictions (and so the same scores) as the tfjs model through answer().
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { setupBackend } from '@mobile-mm/core/backend';
import { exportModel } from '@mobile-mm/export';
import { createRenderer, type Renderer } from '@mobile-mm/synth';
import { loadModel } from '@mobile-mm/vision';
import { evalSamples, predict, score } from './evaluate.js';
import { onnxPredictor } from './onnx-predictor.js';

const INT2 = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../packages/mobile-mm/models/tiny-int2');
let renderer: Renderer;
let dir: string;

beforeAll(async () => {
  await setupBackend('wasm');
  renderer = await createRenderer();
  dir = await mkdtemp(path.join(tmpdir(), 'mobile-mm-eval-onnx-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('the ONNX export of tiny-int2 predicts what the tfjs model predicts (caption, OCR by CTC and decoder, VQA)', async () => {
  const out = path.join(dir, 'onnx');
  await exportModel({ format: 'onnx', checkpoint: INT2, out });
  const samples = evalSamples(renderer, 'heldout', 4);
  const { model } = await loadModel(INT2);
  const ours = await predict(model, samples, 4);
  model.dispose();
  const onnx = await onnxPredictor(out, 1);
  expect(onnx.variant).toBe('onnx-int2');
  const theirs = await predict(onnx.predictor, samples, 4);
  await onnx.model.release();
  expect(theirs).toEqual(ours);
  expect(score(theirs, 'heldout', 0)).toEqual(score(ours, 'heldout', 0));
});
