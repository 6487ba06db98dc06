/**
 * From SynthScenes task samples to a model batch: images grouped by kind
 * (scenes first, then text lines, as the model concatenates memory in that
 * order), RGB floats in [0,1], and the token tensors from batchTokens().
 */
import * as tf from '@tensorflow/tfjs-core';
import { COLORS, SHAPES, SIZES, type TaskSample } from '@mobile-mm/synth';
import { SCENE_CELL_CLASSES, SCENE_GRID, batchCtc, batchTokens, taskShare, type ImageKind, type TaskExample, type TrainBatch, type VisionLanguageModel } from '@mobile-mm/vision';

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
  return samples.map((s) => ({ task: s.task, kind: kindOfTask(s.task), prompt: s.prompt, answer: s.answer, lang: s.lang }));
}

/**
 * Scene-cell classes of scene samples (rows in order, 9 cells row by row):
 * 0 = empty, else 1 + (shape·|colours| + colour)·|sizes| + size.
 */
export function cellLabels(samples: TaskSample[]): Int32Array {
  if (1 + SHAPES.length * COLORS.length * SIZES.length !== SCENE_CELL_CLASSES) throw new Error('cellLabels: the synth vocabulary and SCENE_CELL_CLASSES disagree');
  const cells = SCENE_GRID * SCENE_GRID;
  const out = new Int32Array(samples.length * cells);
  samples.forEach((s, i) => {
    if (!s.objects) throw new Error(`cellLabels: ${s.task} sample ${s.index} carries no scene objects`);
    for (const o of s.objects) out[i * cells + o.cell] = 1 + (SHAPES.indexOf(o.shape) * COLORS.length + COLORS.indexOf(o.color)) * SIZES.length + SIZES.indexOf(o.size);
  });
  return out;
}

/** A TrainBatch (caller disposes with disposeBatch). */
export function makeBatch(model: VisionLanguageModel, samples: TaskSample[], weights: TaskWeights = {}): TrainBatch {
  const ordered = orderByKind(samples);
  const groups: TrainBatch['groups'] = [];
  for (const kind of ['scene', 'text'] as const) {
    const rows = ordered.filter((s) => kindOfTask(s.task) === kind);
    if (rows.length) groups.push({ kind, images: imagesTensor(rows) });
  }
  const examples = toExamples(ordered);
  const t = batchTokens(model, examples, weights);
  const scenes = ordered.filter((s) => kindOfTask(s.task) === 'scene');
  return {
    ctc: batchCtc(model, examples, weights),
    // The cell term carries the scene tasks' share of the loss, like the CTC term the OCR share.
    ...(model.cellHead && scenes.length > 0 ? { cells: { labels: cellLabels(scenes), weight: taskShare(examples, weights, ['caption', 'vqa']) } } : {}),
    groups,
    inputs: tf.tensor2d(t.inputs, t.shape, 'int32'),
    targets: tf.tensor2d(t.targets, t.shape, 'int32'),
    weights: tf.tensor2d(t.weights, t.shape, 'float32'),
  };
}

export function disposeBatch(b: TrainBatch): void {
  tf.dispose([...b.groups.map((g) => g.images), b.inputs, b.targets, b.weights]);
}
