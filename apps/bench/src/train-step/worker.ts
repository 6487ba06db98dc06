/**
 * Gradient worker of the 'wasm-fixed-2t' variant: a replica of the
 * TrainStepModel on wasm with the core's fixes in a worker thread (tfjs-wasm
 * runs one thread per JS thread in Node, so a second thread is the second
 * core). Each message carries the current weights and one shard of the
 * batch; the answer is the shard's mean loss and its gradients in
 * ParamStore order, transferred, not copied.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmFixes, setupBackend } from '@mobile-mm/core/backend';
import '@mobile-mm/core/gradients'; // training: every op gradient (tfjs-core alone registers none in Node)
import { TrainStepModel, type TrainStepModelConfig } from './model.js';

export interface ShardMessage {
  weights: Float32Array[];
  /** Shard rows: src [b,S], tgt and labels [b,T], int32, row-major. */
  src: Int32Array;
  tgt: Int32Array;
  labels: Int32Array;
  rows: number;
}
export type ShardAnswer = { loss: number; grads: Float32Array[] } | { error: string };

const { config } = workerData as { config: TrainStepModelConfig };
await setupBackend('wasm');
registerWasmFixes();
const model = new TrainStepModel(config);
const vars = model.params.vars;

parentPort!.on('message', (m: ShardMessage) => {
  try {
    vars.forEach((v, i) => {
      const t = tf.tensor(m.weights[i], v.shape);
      v.assign(t);
      t.dispose();
    });
    const src = tf.tensor2d(m.src, [m.rows, config.sourceLength], 'int32');
    const tgt = tf.tensor2d(m.tgt, [m.rows, config.targetLength], 'int32');
    const labels = tf.tensor2d(m.labels, [m.rows, config.targetLength], 'int32');
    const { value, grads } = tf.variableGrads(() => model.loss(src, tgt, labels), vars);
    const loss = value.dataSync()[0];
    const arrays = vars.map((v) => grads[v.name].dataSync() as Float32Array);
    tf.dispose([value, src, tgt, labels, ...Object.values(grads)]);
    parentPort!.postMessage({ loss, grads: arrays } satisfies ShardAnswer, arrays.map((a) => a.buffer as ArrayBuffer));
  } catch (e) {
    parentPort!.postMessage({ error: (e as Error).stack ?? String(e) } satisfies ShardAnswer);
  }
});
parentPort!.postMessage({ ready: true });
