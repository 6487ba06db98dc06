/**
 * The tasks, and how an answer() call's options become core generate()
 * options: defaults per task, the image kind a task reads, validation with
 * typed errors naming the option.
 *
 *   caption    prompt "caption", a scene                 decoder
 *   ocr        prompt "ocr", a text line                 decoder, or the CTC head ('ctc')
 *   vqa        prompt = the question, a scene            decoder
 *   generate   prompt = anything; kind 'text' when the prompt is "ocr", else 'scene'
 */
import type * as tf from '@tensorflow/tfjs-core';
import { LANGUAGES, MobileMMError, isLanguage, type GenerateOptions, type Language, type TokenEvent } from '@mobile-mm/core';
import { IMAGE_SIZES, type ImageKind } from './config.js';
import type { ImageFeatureCache } from './feature-cache.js';
import type { VisionLanguageModel } from './model.js';

/** The tasks the model is trained on. */
export type TrainTask = 'caption' | 'ocr' | 'vqa';
/** What a caller can ask: the trained tasks, or a free prompt ('generate'). */
export type Task = TrainTask | 'generate';
export const TASKS: readonly Task[] = ['caption', 'ocr', 'vqa', 'generate'];

/** The decoder prompt of the two fixed-prompt tasks; VQA's and generate's prompt is the caller's. */
export const TASK_PROMPTS: Readonly<Record<'caption' | 'ocr', string>> = Object.freeze({ caption: 'caption', ocr: 'ocr' });

/**
 * Most answer tokens per task: a 3-object caption is 29 word tokens, an OCR
 * line at most 14 characters (+ slack), a VQA answer one to four words
 * (« arriba a la izquierda ») plus <eos>; a free prompt gets a caption's room.
 */
export const TASK_MAX_NEW_TOKENS: Readonly<Record<Task, number>> = Object.freeze({ caption: 40, ocr: 16, vqa: 6, generate: 40 });

/**
 * 'greedy', 'beam' and 'sample' run the decoder; 'ctc' (OCR only, models with
 * the CTC head) reads the line in one pass from the encoder's columns.
 */
export type Decoding = 'greedy' | 'beam' | 'sample' | 'ctc';
export const DECODINGS: readonly Decoding[] = ['greedy', 'beam', 'sample', 'ctc'];

/** The image kind a task reads; generate reads a text line when its prompt is "ocr". */
export function taskKind(task: Task, prompt?: string): ImageKind {
  if (task === 'generate') return prompt?.trim().toLowerCase() === TASK_PROMPTS.ocr ? 'text' : 'scene';
  return task === 'ocr' ? 'text' : 'scene';
}

export interface AnswerOptions {
  /** Image kind to encode as. Default: taskKind(task, prompt). */
  kind?: ImageKind;
  /** Default TASK_MAX_NEW_TOKENS[task]; also capped by the decoder's maxLength. */
  maxNewTokens?: number;
  /** 'greedy' (default), 'beam', 'sample' or 'ctc'. */
  decoding?: Decoding;
  /** beam: beams kept (default 3). */
  beamWidth?: number;
  /** beam: score = Σ log p / length^lengthPenalty (default 1). */
  lengthPenalty?: number;
  /** sample: temperature, top-k, top-p and seed, as in core's generate(). */
  temperature?: number;
  topK?: number;
  topP?: number;
  seed?: number;
  /** Reuse encoder outputs across calls (see ImageFeatureCache). */
  cache?: ImageFeatureCache | null;
  /** Called for each generated token (beam search: the best hypothesis's tokens, at the end). */
  onToken?: (event: AnswerToken) => void;
  /** Stops between tokens; the answer keeps the tokens so far (finishReason 'abort'). */
  signal?: AbortSignal;
  /** Answer language: a language the model's vocabulary has a tag for (v2); default 'en'. */
  lang?: Language;
}

/** One streamed token. */
export interface AnswerToken extends TokenEvent {
  /** The text this token adds to row `row`'s answer ('' for a special token). */
  text: string;
}

export function badArgument(option: string, message: string): MobileMMError {
  return new MobileMMError('INVALID_ARGUMENT', `answer: ${option} ${message}`, { option });
}

/** What answerStream needs to know about a call, validated: task, kind, token budget, decoding. */
export interface ResolvedCall {
  task: Task;
  kind: ImageKind;
  maxNewTokens: number;
  decoding: Decoding;
}

export function resolveCall(model: VisionLanguageModel, task: Task, prompt: string | readonly string[] | undefined, options: AnswerOptions): ResolvedCall {
  if (!TASKS.includes(task)) throw badArgument('task', `must be one of ${TASKS.join(', ')}, got ${JSON.stringify(task)}.`);
  const kind = options.kind ?? taskKind(task, typeof prompt === 'string' ? prompt : prompt?.[0]);
  if (!(kind in IMAGE_SIZES)) throw badArgument('kind', `must be one of ${Object.keys(IMAGE_SIZES).join(', ')}, got ${JSON.stringify(kind)}.`);
  if (options.lang !== undefined && !isLanguage(options.lang)) {
    throw badArgument('lang', `must be one of ${LANGUAGES.join(', ')}, got ${JSON.stringify(options.lang)}.`);
  }
  const decoding = options.decoding ?? 'greedy';
  if (!DECODINGS.includes(decoding)) throw badArgument('decoding', `must be one of ${DECODINGS.join(', ')}, got ${JSON.stringify(decoding)}.`);
  if (decoding === 'ctc') checkCtc(model, task, kind, options);
  return { task, kind, decoding, maxNewTokens: options.maxNewTokens ?? TASK_MAX_NEW_TOKENS[task] };
}

/** decoding 'ctc': OCR of text lines by a model with the CTC head, and no decoder-only options. */
function checkCtc(model: VisionLanguageModel, task: Task, kind: ImageKind, options: AnswerOptions): void {
  if (!model.ctcHead) throw badArgument('decoding', '"ctc" needs a model with the OCR CTC head (config.ocrCtc); accepted here: greedy, beam, sample.');
  if (task !== 'ocr' || kind !== 'text') throw badArgument('decoding', `"ctc" reads text lines (task ocr); got task ${task} on a ${kind} image.`);
  for (const k of ['beamWidth', 'lengthPenalty', 'temperature', 'topK', 'topP', 'seed'] as const) {
    if (options[k] !== undefined) throw badArgument(k, 'does not apply to decoding "ctc".');
  }
}

/** core generate() options for a decoder decoding; only the options that apply to it are passed. */
export function generationOptions(options: AnswerOptions, call: ResolvedCall, eosId: number, memory: tf.Tensor3D): GenerateOptions {
  const { decoding, maxNewTokens } = call;
  if (decoding === 'ctc') throw badArgument('decoding', '"ctc" does not run the decoder.');
  const base: GenerateOptions = { maxNewTokens, stopTokens: [eosId], memory, strategy: decoding };
  if (options.signal !== undefined) base.signal = options.signal;
  if (decoding === 'beam') {
    return { ...base, beamWidth: options.beamWidth ?? 3, numReturn: 1, ...(options.lengthPenalty !== undefined ? { lengthPenalty: options.lengthPenalty } : {}) };
  }
  for (const k of ['beamWidth', 'lengthPenalty'] as const) {
    if (options[k] !== undefined) throw badArgument(k, `applies to decoding "beam" only (decoding is "${decoding}").`);
  }
  if (decoding === 'sample') {
    const { temperature, topK, topP, seed } = options;
    return {
      ...base,
      ...(temperature !== undefined ? { temperature } : {}),
      ...(topK !== undefined ? { topK } : {}),
      ...(topP !== undefined ? { topP } : {}),
      ...(seed !== undefined ? { seed } : {}),
    };
  }
  for (const k of ['temperature', 'topK', 'topP', 'seed'] as const) {
    if (options[k] !== undefined) throw badArgument(k, `applies to decoding "sample" only (decoding is "${decoding}").`);
  }
  return base;
}

/** Prompt token rows, checked against the decoder's length (room for ≥ 1 answer token). */
export function promptRows(model: VisionLanguageModel, task: Task, prompt: string | readonly string[] | undefined, n: number, lang: Language = 'en'): number[][] {
  const given = prompt ?? (task === 'caption' || task === 'ocr' ? TASK_PROMPTS[task] : undefined);
  if (given === undefined) throw badArgument('prompt', `is required for ${task} (${task === 'vqa' ? 'the question' : 'the prompt'}).`);
  const texts = typeof given === 'string' ? new Array<string>(n).fill(given) : [...given];
  if (texts.length !== n || !texts.every((t) => typeof t === 'string')) {
    throw badArgument('prompt', `must be a string or one string per image (${n} images).`);
  }
  const max = model.decoder.maxLength;
  return texts.map((t, i) => {
    const row = model.promptTokens(t, lang);
    if (row.length >= max) {
      throw new MobileMMError(
        'PROMPT_TOO_LONG',
        `prompt ${i} is ${row.length} tokens with <bos> and <sep>; the decoder holds ${max} tokens in all, answer included, so at most ${max - 3} prompt words.`,
        { reason: 'tokens', tokens: row.length, maxTokens: max - 1, row: i },
      );
    }
    return row;
  });
}
