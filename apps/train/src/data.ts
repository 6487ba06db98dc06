/**
 * From SynthScenes task samples to a model batch: images grouped by kind
 * (scenes first, then text lines, as the model concatenates memory in that
 * order), RGB floats in [0,1], and the token tensors from batchTokens().
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TaskSample } from '@mobile-mm/synth';
import type { ImageKind, TaskExample, TrainBatch, VisionLanguageModel } from '@mobile-mm/vision';

export type TaskWeights = Partial<Record<'caption' | 'ocr' | 'vqa', number>>;

const kindOfTask = (t: TaskSample['task']): ImageKind => (t === 'ocr' ? 'text' : 'scene');

/** RGBA bytes → RGB float32 in [0,1], written into `out` at `offset`. */
export function rgbaToRgb01(data: Uint8ClampedArray | Uint8Array, out: Float32Array, offset: number): void {
  for (let i = 0, j = offset; i < data.length; i += 4, j += 3) {
    out[j] = data[i] / 255;
    out[j + 1] = data[i + 1] / 255;
    out[j + 2] = data[i + 2] / 255;
  }
}

/** Orders samples scenes-then-text; returns the order used. */
export function orderByKind(samples: TaskSample[]): TaskSample[] {
  return [...samples.filter((s) => kindOfTask(s.task) === 'scene'), ...samples.filter((s) => kindOfTask(s.task) === 'text')];
}

export function imagesTensor(samples: TaskSample[]): tf.Tensor4D {
  const { width: w, height: h } = samples[0].image;
  const buf = new Float32Array(samples.length * h * w * 3);
  samples.forEach((s, i) => rgbaToRgb01(s.image.data, buf, i * h * w * 3));
  return tf.tensor4d(buf, [samples.length, h, w, 3]);
}

export function toExamples(samples: TaskSample[]): TaskExample[] {
  return samples.map((s) => ({ task: s.task, kind: kindOfTask(s.task), prompt: s.prompt, answer: s.answer }));
}

/** A TrainBatch (caller disposes with disposeBatch). */
export function makeBatch(model: VisionLanguageModel, samples: TaskSample[], weights: TaskWeights = {}): TrainBatch {
  const ordered = orderByKind(samples);
  const groups: TrainBatch['groups'] = [];
  for (const kind of ['scene', 'text'] as const) {
    const rows = ordered.filter((s) => kindOfTask(s.task) === kind);
    if (rows.length) groups.push({ kind, images: imagesTensor(rows) });
  }
  const t = model.batchTokens(toExamples(ordered), weights);
  return {
    groups,
    inputs: tf.tensor2d(t.inputs, t.shape, 'int32'),
    targets: tf.tensor2d(t.targets, t.shape, 'int32'),
    weights: tf.tensor2d(t.weights, t.shape, 'float32'),
  };
}

export function disposeBatch(b: TrainBatch): void {
  tf.dispose([...b.groups.map((g) => g.images), b.inputs, b.targets, b.weights]);
}
