/**
 * Packed checkpoints on wasm (Node): save → load gives the same logits, the
 * loaded model holds no float copy of a packed kernel, the file holds the
 * int2 format's codes/scales/mins, and broken files fail with typed errors.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isMobileMMError, parseSafetensors } from '@mobile-mm/core';
import { setupBackend } from '@mobile-mm/core/backend';
import { randn } from '@mobile-mm/core/test-utils';
import { registerInt2Kernels } from '@mobile-mm/int2';
import { VisionLanguageModel } from './model.js';
import { kernelName, linearKernelNames, loadModel, saveModel } from './checkpoint.js';
import { quantizeModel } from './quantize.js';
import { smallModel } from './__fixtures__/small-model.js';

let dir = '';
beforeAll(async () => {
  await setupBackend('wasm');
  registerInt2Kernels();
  dir = await mkdtemp(path.join(os.tmpdir(), 'mobile-mm-packed-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});


function logits(m: VisionLanguageModel): tf.Tensor {
  return tf.tidy(() => {
    const img = tf.tensor4d(Float32Array.from(randn(32 * 128 * 3, 5, 0.3)).map((x) => Math.min(1, Math.max(0, 0.5 + x))), [1, 32, 128, 3]);
    const ids = tf.tensor2d([m.tokenizer.bosId, 4, 6, 8], [1, 4], 'int32');
    return m.decoder.logits(ids, m.encode(img, 'text'));
  });
}

it('saves a packed model and reloads it with identical logits and no float copy of packed kernels', async () => {
  const model = smallModel();
  const q = quantizeModel(model, { bits: 2, method: 'mse' });
  const a = logits(model);
  const av = await a.data();
  a.dispose();
  await saveModel(model, dir, { note: 'packed' }, { quantization: q, floatDType: 'F16' });

  const file = parseSafetensors(new Uint8Array(await readFile(path.join(dir, 'model.safetensors'))));
  expect(file.metadata.format).toBe('mobile-mm-qgroup');
  expect(file.metadata.model_format).toBe('mobile-mm-vlm');
  for (const n of q.kernels) {
    expect(file.tensors.get(`${n}.codes`)?.dtype).toBe('U8');
    expect(file.tensors.get(`${n}.scales`)?.dtype).toBe('F16');
    expect(file.tensors.has(n)).toBe(false);
  }

  const before = tf.memory().numTensors;
  const { model: loaded, config, quantization } = await loadModel(dir);
  expect(config.note).toBe('packed');
  expect(quantization?.kernels).toEqual(linearKernelNames(model));
  expect([...loaded.packed().keys()].map(kernelName).sort()).toEqual(q.kernels);
  for (const n of q.kernels) expect(loaded.namedWeights()[n]).toBeUndefined();
  // Float weights were stored as F16: the logits agree to f16 rounding of norms/embeddings/biases.
  const b = logits(loaded);
  const bv = await b.data();
  const range = Math.max(...Array.from(av, Math.abs));
  for (let i = 0; i < av.length; i++) expect(Math.abs(av[i] - bv[i])).toBeLessThan(1e-2 * range);
  b.dispose();
  loaded.dispose();
  expect(tf.memory().numTensors, 'tensors left after load + dispose').toBe(before);
  model.dispose();
});

it('rejects a packed checkpoint whose config lists a kernel the file lacks, naming it', async () => {
  const model = smallModel();
  const q = quantizeModel(model, { bits: 2 });
  await saveModel(model, dir, {}, { quantization: q });
  const cfg = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8'));
  cfg.quantization.kernels.push('decoder.blocks.0.ff.gate.kernel');
  await writeFile(path.join(dir, 'config.json'), JSON.stringify(cfg));
  const before = tf.memory().numTensors;
  await expect(loadModel(dir)).rejects.toSatisfy((e: unknown) => isMobileMMError(e, 'WEIGHTS_MISSING') && /ff\.gate\.kernel/.test((e as Error).message));
  cfg.quantization = { kernels: 'all' };
  await writeFile(path.join(dir, 'config.json'), JSON.stringify(cfg));
  await expect(loadModel(dir)).rejects.toSatisfy((e: unknown) => isMobileMMError(e, 'INVALID_CONFIG'));
  expect(tf.memory().numTensors, 'nothing left behind by failed loads').toBe(before);
  model.dispose();
});

it('refuses to save packed kernels without their quantization record', async () => {
  const model = smallModel();
  quantizeModel(model, { bits: 2 });
  await expect(saveModel(model, dir)).rejects.toSatisfy((e: unknown) => isMobileMMError(e, 'INVALID_ARGUMENT'));
  model.dispose();
});
