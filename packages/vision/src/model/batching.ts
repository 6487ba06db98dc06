/**
 * From examples to the token side of a training batch:
 *
 *   seq     = <bos> prompt <sep> answer <eos>       prompt words; answer words (characters for OCR)
 *   inputs  = seq[:-1], targets = seq[1:]           [B, L] int32, padded with <pad>
 *   weights = share(task) / answer tokens of task   [B, L] on answer positions, 0 elsewhere; Σ = 1
 *
 * Each task's answer tokens share the task's loss weight w_task/Σw (taskShare),
 * so a batch's mix of long captions and one-word answers does not decide how
 * much each task counts; the auxiliary terms (CTC for OCR rows, cells for
 * scene rows) get the share of the tasks they belong to.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { MobileMMError, type Language } from '@mobile-mm/core';
import type { ImageKind } from './config.js';
import type { VisionLanguageModel } from './model.js';
import type { TrainTask } from './options.js';

/** One training/eval example before batching. */
export interface TaskExample {
  task: TrainTask;
  kind: ImageKind;
  /** The decoder prompt: 'caption', 'ocr' or the question. */
  prompt: string;
  answer: string;
  /** Prompt and answer language (v2 vocabularies; default 'en'). */
  lang?: Language;
}

/** A batch ready for model.loss(): rows ordered as in `groups`. */
export interface TrainBatch {
  /** One image tensor per kind present, [Bk, H, W, 3] in [0,1]; rows in batch order. */
  groups: Array<{ kind: ImageKind; images: tf.Tensor4D }>;
  /** int32 [B, L]: seq[:-1]. */
  inputs: tf.Tensor2D;
  /** int32 [B, L]: seq[1:]. */
  targets: tf.Tensor2D;
  /** float32 [B, L]: loss weight per target (0 off the answer; per-task balanced; sums to 1). */
  weights: tf.Tensor2D;
  /** CTC targets of the text-line rows, in batch order (models with ocrCtc; see batchCtc). */
  ctc?: { labels: number[][]; weight: number };
  /**
   * Scene-cell targets of the scene rows, in batch order (models with
   * sceneCells): 9 classes per scene, row by row (0 empty, else
   * 1 + (shape·4 + colour)·2 + size), and the term's weight.
   */
  cells?: { labels: Int32Array; weight: number };
}

/**
 * The loss share of `tasks` in a batch of `examples`: Σ w over those tasks
 * present / Σ w over all tasks present (absent weights count 1).
 */
export function taskShare(examples: readonly TaskExample[], taskWeights: Partial<Record<TrainTask, number>>, tasks: readonly TrainTask[]): number {
  const present = [...new Set(examples.map((e) => e.task))];
  const w = (t: TrainTask) => taskWeights[t] ?? 1;
  return present.filter((t) => tasks.includes(t)).reduce((s, t) => s + w(t), 0) / present.reduce((s, t) => s + w(t), 0);
}

/**
 * The token side of a batch. Rows must already be grouped by kind (the
 * caller stacks images in the same order).
 */
export function batchTokens(model: VisionLanguageModel, examples: TaskExample[], taskWeights: Partial<Record<TrainTask, number>> = {}) {
  const pad = model.tokenizer.padId;
  const prompts = examples.map((e) => model.promptTokens(e.prompt, e.lang));
  const seqs = examples.map((e, i) => [...prompts[i], ...model.answerTokens(e.task, e.answer)]);
  const len = Math.max(...seqs.map((s) => s.length)) - 1;
  if (len + 1 > model.config.decoder.maxLength) {
    throw new MobileMMError('INVALID_ARGUMENT', `A training sequence has ${len + 1} tokens; decoder.maxLength is ${model.config.decoder.maxLength}.`);
  }
  const b = examples.length;
  const inputs = new Int32Array(b * len);
  const targets = new Int32Array(b * len);
  const weights = new Float32Array(b * len);
  const answerStart = prompts.map((p) => p.length - 1); // target index of each row's first answer token
  const tokensPerTask = new Map<TrainTask, number>();
  examples.forEach((e, i) => tokensPerTask.set(e.task, (tokensPerTask.get(e.task) ?? 0) + seqs[i].length - 1 - answerStart[i]));
  seqs.forEach((s, i) => {
    const e = examples[i];
    const w = taskShare(examples, taskWeights, [e.task]) / tokensPerTask.get(e.task)!;
    for (let j = 0; j < len; j++) {
      inputs[i * len + j] = j < s.length - 1 ? s[j] : pad;
      targets[i * len + j] = j + 1 < s.length ? s[j + 1] : pad;
      weights[i * len + j] = j >= answerStart[i] && j + 1 < s.length ? w : 0;
    }
  });
  return { inputs, targets, weights, shape: [b, len] as [number, number] };
}

/**
 * CTC targets for the OCR rows of `examples` (in order) and the CTC term's
 * weight, the OCR task's loss share. Undefined without an OCR row or a CTC head.
 */
export function batchCtc(model: VisionLanguageModel, examples: TaskExample[], taskWeights: Partial<Record<TrainTask, number>> = {}): TrainBatch['ctc'] | undefined {
  const ocr = examples.filter((e) => e.task === 'ocr');
  if (!model.ctcHead || ocr.length === 0) return undefined;
  return { labels: ocr.map((e) => model.ctcHead!.classes(e.answer)), weight: taskShare(examples, taskWeights, ['ocr']) };
}
