/**
 * Endless training data: task samples drawn with a task mix, in batches.
 *
 * Draw j (j = start, start+1, ...) picks its task with the PRNG of
 * (split, j, SALT.stream) weighted by `mix`, then uses image 2j (caption,
 * vqa) or 2j + 1 (ocr) of the split. Draw j is therefore the same on every
 * run with the same mix and curriculum, no image is used twice in one stream,
 * and a run resumes exactly by passing `start` = draws already consumed.
 * With `languages`, draw j's language comes from the PRNG of (split, j,
 * SALT.language), so adding languages never changes which tasks and images
 * are drawn.
 */
import { MobileMMError } from '@mobile-mm/core';
import { LANGUAGES, type Language } from './languages.js';
import type { Renderer } from './render.js';
import { checkIndex, checkSplit, sampleRng, SALT, type Split } from './rng.js';
import { renderSample, sampleSpec, sharedRenderer, TASKS, toTaskSample, type Task, type TaskSample } from './sample.js';
import { resolveLimits, type SampleLimits } from './scene.js';

export type TaskMix = Partial<Record<Task, number>>;

export interface StreamProgress {
  /** Batches yielded before this one by this stream (0-based). */
  batch: number;
  /** Absolute draw number j. */
  draw: number;
}

export interface StreamOptions {
  /** Default 'train'. */
  split?: Split;
  /** Default 32. */
  batchSize?: number;
  /** Relative task weights; default {caption: 1, ocr: 1, vqa: 1}. Missing tasks get 0. */
  mix?: TaskMix;
  /** Tightens the sample ranges as training goes (e.g. 1 object first, then 3). */
  curriculum?: (progress: StreamProgress) => SampleLimits | undefined;
  /** First draw number; default 0. */
  start?: number;
  /** Default: the shared renderer for this environment. */
  renderer?: Renderer;
  /** Relative language weights for caption and vqa draws (v2); default {en: 1}. */
  languages?: Partial<Record<Language, number>>;
}

interface Resolved {
  split: Split;
  batchSize: number;
  weights: number[];
  langWeights: number[];
  curriculum?: StreamOptions['curriculum'];
  start: number;
}

function resolve(options: StreamOptions): Resolved {
  const split = options.split ?? 'train';
  checkSplit(split);
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new MobileMMError('INVALID_CONFIG', `batchSize: got ${batchSize}; accepted: an integer ≥ 1`, { field: 'batchSize' });
  }
  const mix = options.mix ?? { caption: 1, ocr: 1, vqa: 1 };
  for (const key of Object.keys(mix)) {
    if (!(TASKS as readonly string[]).includes(key)) {
      throw new MobileMMError('INVALID_CONFIG', `mix.${key}: unknown task; accepted: ${TASKS.join(', ')}`, { field: `mix.${key}` });
    }
  }
  const weights = TASKS.map((t) => mix[t] ?? 0);
  if (!weights.every((w) => Number.isFinite(w) && w >= 0) || !weights.some((w) => w > 0)) {
    throw new MobileMMError('INVALID_CONFIG', `mix: got ${JSON.stringify(mix)}; accepted: finite weights ≥ 0, at least one > 0`, { field: 'mix' });
  }
  const start = options.start ?? 0;
  checkIndex(start, 'start');
  const languages = options.languages ?? { en: 1 };
  for (const key of Object.keys(languages)) {
    if (!(LANGUAGES as readonly string[]).includes(key)) {
      throw new MobileMMError('INVALID_CONFIG', `languages.${key}: unknown language; accepted: ${LANGUAGES.join(', ')}`, { field: `languages.${key}` });
    }
  }
  const langWeights = LANGUAGES.map((l) => languages[l] ?? 0);
  if (!langWeights.every((w) => Number.isFinite(w) && w >= 0) || !langWeights.some((w) => w > 0)) {
    throw new MobileMMError('INVALID_CONFIG', `languages: got ${JSON.stringify(languages)}; accepted: finite weights ≥ 0, at least one > 0`, { field: 'languages' });
  }
  return { split, batchSize, weights, langWeights, curriculum: options.curriculum, start };
}

/** Language of draw j (English when only English has weight: no draw is made then). */
export function drawLanguage(split: Split, j: number, weights: readonly number[]): Language {
  const only = weights.filter((w) => w > 0).length === 1;
  return only ? LANGUAGES[weights.findIndex((w) => w > 0)] : LANGUAGES[sampleRng(split, j, SALT.language).weighted(weights)];
}

/** Task of draw j. */
export function drawTask(split: Split, j: number, weights: readonly number[]): Task {
  return TASKS[sampleRng(split, j, SALT.stream).weighted(weights)];
}

function draw(renderer: Renderer, r: Resolved, j: number, limits: SampleLimits | undefined): TaskSample {
  const task = drawTask(r.split, j, r.weights);
  const index = task === 'ocr' ? 2 * j + 1 : 2 * j;
  return toTaskSample(renderSample(renderer, sampleSpec(r.split, index, limits)), task, task === 'ocr' ? 'en' : drawLanguage(r.split, j, r.langWeights));
}

function limitsAt(r: Resolved, batch: number, j: number): SampleLimits | undefined {
  const limits = r.curriculum?.({ batch, draw: j });
  if (limits !== undefined) resolveLimits(limits); // validate early, naming the field
  return limits;
}

/** Endless task samples, one at a time (synchronous once a renderer exists). */
export function* taskSamples(renderer: Renderer, options: Omit<StreamOptions, 'renderer'> = {}): Generator<TaskSample, never> {
  const r = resolve(options);
  for (let j = r.start; ; j++) {
    const batch = Math.floor((j - r.start) / r.batchSize);
    yield draw(renderer, r, j, limitsAt(r, batch, j));
  }
}

/** Endless batches of `batchSize` task samples; the curriculum is asked once per batch. */
export async function* taskBatches(options: StreamOptions = {}): AsyncGenerator<TaskSample[], never> {
  const r = resolve(options);
  const renderer = options.renderer ?? (await sharedRenderer());
  for (let batch = 0, j = r.start; ; batch++) {
    const limits = limitsAt(r, batch, j);
    const out: TaskSample[] = [];
    for (let i = 0; i < r.batchSize; i++, j++) out.push(draw(renderer, r, j, limits));
    yield out;
  }
}
