/**
 * One data-parallel shard of a training step, shared by the main thread and
 * the worker threads: draw samples [start, start+count) of the training
 * stream, build the batch, and return the loss and the gradients in the
 * model's parameter order.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@mobile-mm/core/gradients'; // training: every op gradient (tfjs-core alone registers none in Node)
import type { Language } from '@mobile-mm/core';
import { Rng, SPLIT_TAGS, augment, taskSamples, type Renderer, type SampleLimits, type TaskSample } from '@mobile-mm/synth';
import type { VisionLanguageModel } from '@mobile-mm/vision';
import { disposeBatch, makeBatch, type TaskWeights } from './data.js';

export interface ShardRequest {
  start: number;
  count: number;
  mix: TaskWeights;
  lossWeights: TaskWeights;
  limits?: SampleLimits;
  /** Probability of each image augmentation (0 or absent: none). */
  augment?: number;
  /** Caption/VQA language mix (absent: English). */
  languages?: Partial<Record<Language, number>>;
}

/** Salt of the augmentation draws ('AUGM'): draw j's augmentation is fixed by j, on every thread. */
const AUGMENT_SALT = 0x4155474d;

export function drawSamples(renderer: Renderer, r: ShardRequest): TaskSample[] {
  const gen = taskSamples(renderer, {
    split: 'train',
    start: r.start,
    batchSize: r.count,
    mix: r.mix,
    curriculum: r.limits ? () => r.limits : undefined,
    ...(r.languages ? { languages: r.languages } : {}),
  });
  const out: TaskSample[] = [];
  for (let i = 0; i < r.count; i++) {
    const s = gen.next().value;
    const p = r.augment ?? 0;
    out.push(p > 0 ? { ...s, image: augment(s.image, new Rng(SPLIT_TAGS.train, r.start + i, AUGMENT_SALT), { p }).image } : s);
  }
  return out;
}

/** Parameters in a fixed order (sorted names) so shards agree without sending names. */
export function paramList(model: VisionLanguageModel): Array<[string, tf.Variable]> {
  return Object.entries(model.namedWeights()).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Loss and gradients of one shard; gradient tensors are returned (caller disposes). */
export function shardGradients(model: VisionLanguageModel, params: Array<[string, tf.Variable]>, samples: TaskSample[], lossWeights: TaskWeights) {
  const batch = makeBatch(model, samples, lossWeights);
  try {
    const vars = params.map(([, v]) => v);
    const { value, grads } = tf.variableGrads(() => model.loss(batch, true), vars);
    const loss = value.dataSync()[0];
    value.dispose();
    // A weight the shard does not reach (e.g. the scene positions in a text-only shard) gets zeros.
    return { loss, grads: params.map(([, v]) => grads[v.name] ?? tf.zerosLike(v)) };
  } finally {
    disposeBatch(batch);
  }
}
