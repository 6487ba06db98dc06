/**
 * Gradient worker: holds a replica of the model, receives the current
 * weights and a shard of draw numbers, and answers with loss + gradients.
 * One per extra core (tfjs-wasm is single-threaded in Node).
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@mobile-mm/core/backend';
import { createRenderer } from '@mobile-mm/synth';
import { SceneTokenizer, VisionLanguageModel, type VisionLanguageConfig } from '@mobile-mm/vision';
import { attachFakeQuant } from '@mobile-mm/vision/quantize';
import { paramList, drawSamples, shardGradients, type ShardRequest } from './step.js';

const { config, tokenizer, backend, qat } = workerData as {
  config: VisionLanguageConfig;
  tokenizer: unknown;
  backend: 'wasm' | 'cpu';
  qat: { bits: 0 | 2 | 4 | 8; groupSize: number };
};
await setupBackend(backend);
const renderer = await createRenderer();
const model = new VisionLanguageModel(config, SceneTokenizer.fromJSON(tokenizer));
if (qat.bits) attachFakeQuant(model, { bits: qat.bits, groupSize: qat.groupSize });
const params = paramList(model);

parentPort!.on('message', (msg: { weights: Float32Array[]; shard: ShardRequest }) => {
  try {
    params.forEach(([, v], i) => {
      const t = tf.tensor(msg.weights[i], v.shape);
      v.assign(t);
      t.dispose();
    });
    const samples = drawSamples(renderer, msg.shard);
    const { loss, grads } = shardGradients(model, params, samples, msg.shard.lossWeights);
    const arrays = grads.map((g) => g.dataSync() as Float32Array);
    tf.dispose(grads);
    parentPort!.postMessage({ loss, grads: arrays }, arrays.map((a) => a.buffer as ArrayBuffer));
  } catch (e) {
    parentPort!.postMessage({ error: (e as Error).stack ?? String(e) });
  }
});
parentPort!.postMessage({ ready: true });
