/**
 * answer() / answerStream(): the one inference path. Decoded images of one
 * kind in, answers out; the facade, the evaluation (`npm run eval`) and the
 * benchmarks all call it.
 *
 *   rgba (any size)  → preprocess → x [H, W, 3]        resized to the kind's size
 *   stack            → images [B, H, W, 3]
 *   memory = model.encode(images, kind)                 [B, S, C], once per image
 *   prompt = <bos> prompt-words <sep>                   one row per image
 *   tokens = generate(decoder, prompt, {memory, ...})   until <eos> or maxNewTokens
 *   (ctc)    chars  = model.ctcHead.read(memory)        OCR in one pass, no decoder
 *
 * With a feature cache, each image's memory row is looked up (and stored)
 * by image key; identical images in one call are encoded once. Without one,
 * the batch's memory goes to the decoder as it is.
 *
 * Every tensor made here is disposed, also on error and when a stream is left
 * early; the model's weights and the cache's entries are not ours.
 *
 * Shapes: B=images in the call, S=memory tokens, C=encoder width.
 */
import * as tf from '@tensorflow/tfjs-core';
import { generateStream, type FinishReason, type GenerateResult, type TokenEvent } from '@mobile-mm/core';
import { preprocess } from '../image/preprocess.js';
import type { RgbaImage } from '../image/types.js';
import { IMAGE_SIZES, type ImageKind } from './config.js';
import type { ImageFeatureCache } from './feature-cache.js';
import { imageKey } from './image-key.js';
import type { VisionLanguageModel } from './model.js';
import { badArgument, generationOptions, promptRows, resolveCall, type AnswerOptions, type AnswerToken, type Task } from './options.js';

export interface AnswerTimings {
  /** Hashing (with a cache) and preprocess (composite, resize, to tensor). */
  preprocessMs: number;
  /** The vision encoder (0 when every image came from the cache). */
  encodeMs: number;
  /** Prefill and token generation (or the CTC head's reading). */
  decodeMs: number;
  totalMs: number;
}

export interface PipelineAnswer {
  /** The decoded answer, trimmed. */
  text: string;
  /** Generated token ids (stop token excluded). */
  tokens: number[];
  finishReason: FinishReason;
  /** greedy / sample / ctc: Σ log p of the tokens; beam: the length-penalised score. */
  score: number;
  /** Whether this image's features were reused: from the cache, or from an identical image earlier in the same call. */
  cached: boolean;
}

export interface AnswerResult {
  /** One per image, in input order. */
  answers: PipelineAnswer[];
  kind: ImageKind;
  timings: AnswerTimings;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** Runs a stream to its end and returns its result. */
export async function drain<T, R>(stream: AsyncGenerator<T, R>): Promise<R> {
  let step = await stream.next();
  while (!step.done) step = await stream.next();
  return step.value;
}

/** Runs answerStream to the end. */
export function answer(
  model: VisionLanguageModel,
  images: RgbaImage | readonly RgbaImage[],
  task: Task,
  prompt?: string | readonly string[],
  options: AnswerOptions = {},
): Promise<AnswerResult> {
  return drain(answerStream(model, images, task, prompt, options));
}

/** Memory [B, S, C] of the images, from the cache where it has them; `owned` collects what the caller frees. */
async function encodeImages(
  model: VisionLanguageModel,
  list: readonly RgbaImage[],
  kind: ImageKind,
  cache: ImageFeatureCache | null,
  owned: tf.Tensor[],
): Promise<{ memory: tf.Tensor3D; cached: boolean[]; preprocessEnd: number }> {
  const [height, width] = IMAGE_SIZES[kind];
  const pixels = (rows: readonly RgbaImage[]) => {
    const x = rows.map((img) => preprocess(img, { width, height })); // [H, W, 3] each
    owned.push(...x);
    const batch = tf.stack(x) as tf.Tensor4D; // [M, H, W, 3]
    owned.push(batch);
    return batch;
  };
  if (cache === null) {
    const batch = pixels(list);
    const preprocessEnd = now();
    const memory = model.encode(batch, kind); // [B, S, C]
    owned.push(memory);
    return { memory, cached: list.map(() => false), preprocessEnd };
  }

  // Cache lookups; identical images within the call share one encoding.
  const keys = await Promise.all(list.map((img) => imageKey(img, kind)));
  const rows = new Array<tf.Tensor3D | null>(list.length).fill(null); // [1, S, C] each, owned clones
  const cached = new Array<boolean>(list.length).fill(false);
  const firstOfKey = new Map<string, number>();
  const toEncode: number[] = [];
  keys.forEach((key, i) => {
    const hit = cache.get(key);
    if (hit) {
      rows[i] = tf.clone(hit);
      owned.push(rows[i]!);
      cached[i] = true;
    } else if (firstOfKey.has(key)) {
      cached[i] = true;
    } else {
      firstOfKey.set(key, i);
      toEncode.push(i);
    }
  });
  const batch = toEncode.length > 0 ? pixels(toEncode.map((i) => list[i])) : null;
  const preprocessEnd = now();
  if (batch !== null) {
    const fresh = model.encode(batch, kind); // [M, S, C]
    owned.push(fresh);
    const [, s, c] = fresh.shape;
    toEncode.forEach((i, j) => {
      rows[i] = tf.slice(fresh, [j, 0, 0], [1, s, c]) as tf.Tensor3D; // [1, S, C]
      owned.push(rows[i]!);
      cache.set(keys[i], tf.clone(rows[i]!));
    });
  }
  keys.forEach((key, i) => (rows[i] ??= rows[firstOfKey.get(key)!]));
  const memory = rows.length === 1 ? rows[0]! : (tf.concat(rows as tf.Tensor3D[], 0) as tf.Tensor3D); // [B, S, C]
  if (rows.length > 1) owned.push(memory);
  return { memory, cached, preprocessEnd };
}

/**
 * Yields each generated token (with its text) and returns the AnswerResult.
 * `images` are decoded RGBA images of any size (see decodeImage); `prompt`
 * defaults to the task's (caption, ocr) and is required for vqa and generate.
 */
export async function* answerStream(
  model: VisionLanguageModel,
  images: RgbaImage | readonly RgbaImage[],
  task: Task,
  prompt?: string | readonly string[],
  options: AnswerOptions = {},
): AsyncGenerator<AnswerToken, AnswerResult> {
  const t0 = now();
  const list: readonly RgbaImage[] = Array.isArray(images) ? (images as readonly RgbaImage[]) : [images as RgbaImage];
  if (list.length === 0) throw badArgument('images', 'must hold at least one image.');
  const call = resolveCall(model, task, prompt, options);
  const rows = promptRows(model, task, prompt, list.length, options.lang);
  const tokenizer = model.tokenizer;

  const owned: tf.Tensor[] = [];
  let gen: AsyncGenerator<TokenEvent, GenerateResult> | null = null;
  try {
    const { memory, cached, preprocessEnd: t1 } = await encodeImages(model, list, call.kind, options.cache ?? null, owned);
    const t2 = now();
    const timings = (t3: number): AnswerTimings => ({ preprocessMs: t1 - t0, encodeMs: t2 - t1, decodeMs: t3 - t2, totalMs: t3 - t0 });

    if (call.decoding === 'ctc') {
      const readings = model.ctcHead!.read(memory);
      const answers: PipelineAnswer[] = [];
      for (const [r, reading] of readings.entries()) {
        const tokens = tokenizer.encodeChars(reading.chars.join(''));
        for (const [j, ch] of reading.chars.entries()) {
          const event: AnswerToken = { row: r, token: tokens[j], index: j, logProb: reading.logProbs[j], text: ch };
          options.onToken?.(event);
          yield event;
        }
        answers.push({ text: reading.text, tokens, finishReason: 'stop', score: reading.score, cached: cached[r] });
      }
      return { answers, kind: call.kind, timings: timings(now()) };
    }

    const sofar = rows.map(() => [] as number[]);
    const texts = rows.map(() => '');
    gen = generateStream(model.decoder, rows, generationOptions(options, call, tokenizer.eosId, memory));
    let step = await gen.next();
    while (!step.done) {
      const e = step.value;
      sofar[e.row].push(e.token);
      const text = tokenizer.decode(sofar[e.row]);
      const event: AnswerToken = { ...e, text: text.slice(texts[e.row].length) };
      texts[e.row] = text;
      options.onToken?.(event);
      yield event;
      step = await gen.next();
    }
    const result = step.value;
    return {
      answers: rows.map((_, i) => ({
        text: model.decodeAnswer(result.tokens[i]),
        tokens: result.tokens[i],
        finishReason: result.finishReasons[i],
        score: result.scores[i],
        cached: cached[i],
      })),
      kind: call.kind,
      timings: timings(now()),
    };
  } finally {
    // A consumer that leaves early: close core's stream first (it frees the KV cache).
    if (gen !== null) await gen.return(undefined as unknown as GenerateResult);
    tf.dispose(owned);
  }
}
