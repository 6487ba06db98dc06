/**
 * Inference pipeline over a loaded VisionLanguageModel: decoded images of one
 * kind in, answers out, with core's generation (greedy, beam, sampling,
 * streaming) driving the decoder.
 *
 *   rgba (any size)  → preprocess → x [H, W, 3]        resized to the kind's size
 *   stack            → images [B, H, W, 3]
 *   memory = model.encode(images, kind)                 [B, S, C], once per image
 *   prompt = <bos> prompt-words <sep>                   one row per image
 *   tokens = generate(decoder, prompt, {memory, ...})   until <eos> or maxNewTokens
 *
 * The image kind follows the task: OCR reads a text line (32×128), caption
 * and VQA read a scene (64×64); `kind` overrides it (for free-form prompts).
 *
 * ImageFeatureCache: a bounded LRU of encoder outputs keyed by a hash of the
 * RGBA bytes and the kind, so repeated questions about one image skip the
 * encoder. The cache owns its tensors; a call works on a clone (same data, its
 * own handle), so an entry evicted by a concurrent call is never read after
 * being disposed.
 *
 * Every tensor made here is disposed, also on error and when a stream is left
 * early; the model's weights and the cache's entries are not ours.
 *
 * Shapes: B=images in the call, S=memory tokens, C=encoder width.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  MobileMMError,
  generateStream,
  type FinishReason,
  type GenerateOptions,
  type GenerateResult,
  type TokenEvent,
} from '@mobile-mm/core';
import { preprocess } from '../image/preprocess.js';
import type { RgbaImage } from '../image/types.js';
import { IMAGE_SIZES, type ImageKind } from './config.js';
import type { Task, VisionLanguageModel } from './model.js';

/** The decoder prompt of the two fixed-prompt tasks; VQA's prompt is the question. */
export const TASK_PROMPTS: Readonly<Record<'caption' | 'ocr', string>> = Object.freeze({ caption: 'caption', ocr: 'ocr' });

/**
 * Most answer tokens per task: a 3-object caption is 29 word tokens, an OCR
 * line at most 14 characters (+ slack), a VQA answer one or two words.
 */
export const TASK_MAX_NEW_TOKENS: Readonly<Record<Task, number>> = Object.freeze({ caption: 40, ocr: 16, vqa: 4 });

/**
 * 'greedy', 'beam' and 'sample' run the decoder; 'ctc' (OCR only, models with
 * the CTC head) reads the line in one pass from the encoder's columns.
 */
export type Decoding = 'greedy' | 'beam' | 'sample' | 'ctc';
export const DECODINGS: readonly Decoding[] = ['greedy', 'beam', 'sample', 'ctc'];

/** The image kind a task reads. */
export function taskKind(task: Task): ImageKind {
  return task === 'ocr' ? 'text' : 'scene';
}

export interface AnswerOptions {
  /** Image kind to encode as. Default: taskKind(task). */
  kind?: ImageKind;
  /** Default TASK_MAX_NEW_TOKENS[task]; also capped by the decoder's maxLength. */
  maxNewTokens?: number;
  /** 'greedy' (default), 'beam' or 'sample'. */
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
}

/** One streamed token. */
export interface AnswerToken extends TokenEvent {
  /** The text this token adds to row `row`'s answer ('' for a special token). */
  text: string;
}

export interface AnswerTimings {
  /** Hashing (with a cache) and preprocess (composite, resize, to tensor). */
  preprocessMs: number;
  /** The vision encoder (0 when every image came from the cache). */
  encodeMs: number;
  /** Prefill and token generation. */
  decodeMs: number;
  totalMs: number;
}

export interface PipelineAnswer {
  /** The decoded answer, trimmed. */
  text: string;
  /** Generated token ids (stop token excluded). */
  tokens: number[];
  finishReason: FinishReason;
  /** greedy / sample: Σ log p of the tokens; beam: the length-penalised score. */
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

function badArgument(option: string, message: string): MobileMMError {
  return new MobileMMError('INVALID_ARGUMENT', `answer: ${option} ${message}`, { option });
}

/**
 * Bounded LRU of encoder outputs ([1, S, C] each), keyed by image hash and
 * kind. Owns its tensors: eviction, delete() and clear() dispose them.
 * capacity 16 holds 16 × 64 × 128 × 4 bytes = 512 KiB for the tiny model.
 */
export class ImageFeatureCache {
  private readonly entries = new Map<string, tf.Tensor3D>();
  hits = 0;
  misses = 0;
  evictions = 0;

  constructor(readonly capacity = 16) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new MobileMMError('INVALID_ARGUMENT', `ImageFeatureCache: capacity must be a positive integer, got ${String(capacity)}.`, {
        option: 'capacity',
      });
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** The cached tensor (cache-owned: clone it before any await), refreshed as most recent. */
  get(key: string): tf.Tensor3D | undefined {
    const t = this.entries.get(key);
    if (t === undefined || t.isDisposed) {
      if (t) this.entries.delete(key);
      this.misses++;
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, t);
    this.hits++;
    return t;
  }

  /** Takes ownership of `features`; evicts (and disposes) the least recently used entries over capacity. */
  set(key: string, features: tf.Tensor3D): void {
    const old = this.entries.get(key);
    if (old !== undefined && old !== features) old.dispose();
    this.entries.delete(key);
    this.entries.set(key, features);
    while (this.entries.size > this.capacity) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, tf.Tensor3D];
      this.entries.delete(oldestKey);
      oldest.dispose();
      this.evictions++;
    }
  }

  delete(key: string): boolean {
    const t = this.entries.get(key);
    if (t === undefined) return false;
    this.entries.delete(key);
    t.dispose();
    return true;
  }

  /** Disposes every entry. The cache stays usable. */
  clear(): void {
    for (const t of this.entries.values()) t.dispose();
    this.entries.clear();
  }

  /** Bytes held by the cached tensors (float32). */
  byteSize(): number {
    let n = 0;
    for (const t of this.entries.values()) n += 4 * t.size;
    return n;
  }
}

/**
 * Cache key of an image as `kind`: SHA-256 of the RGBA bytes where WebCrypto
 * is available (Node ≥ 19, browsers on secure origins), else a 64-bit
 * non-cryptographic hash (two multiply-xorshift lanes over 32-bit words).
 */
export async function imageKey(image: RgbaImage, kind: ImageKind): Promise<string> {
  const bytes = new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  const prefix = `${kind}:${image.width}x${image.height}:`;
  const subtle = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle;
  if (subtle) {
    const digest = new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
    let hex = '';
    for (const b of digest) hex += b.toString(16).padStart(2, '0');
    return `${prefix}sha256:${hex}`;
  }
  return `${prefix}h64:${hash64(bytes)}`;
}

function hash64(bytes: Uint8Array): string {
  let h1 = 0xdeadbeef ^ bytes.length;
  let h2 = 0x41c6ce57 ^ bytes.length;
  const words = bytes.length >>> 2;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < words; i++) {
    const w = view.getUint32(4 * i, true);
    h1 = Math.imul(h1 ^ w, 2654435761);
    h2 = Math.imul(h2 ^ w, 1597334677);
  }
  for (let i = 4 * words; i < bytes.length; i++) {
    h1 = Math.imul(h1 ^ bytes[i], 2654435761);
    h2 = Math.imul(h2 ^ bytes[i], 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}

/** core generate() options for a decoding choice; only the options that apply to it are passed. */
function generationOptions(options: AnswerOptions, maxNewTokens: number, eosId: number, memory: tf.Tensor3D): GenerateOptions {
  const decoding = options.decoding ?? 'greedy';
  if (!DECODINGS.includes(decoding)) throw badArgument('decoding', `must be one of ${DECODINGS.join(', ')}, got ${JSON.stringify(decoding)}.`);
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

/** decoding 'ctc': OCR of text lines by a model with the CTC head, and no decoder-only options. */
function checkCtc(model: VisionLanguageModel, task: Task, kind: ImageKind, options: AnswerOptions): void {
  if (!model.ctcHead) throw badArgument('decoding', '"ctc" needs a model with the OCR CTC head (config.ocrCtc); accepted here: greedy, beam, sample.');
  if (task !== 'ocr' || kind !== 'text') throw badArgument('decoding', `"ctc" reads text lines (task ocr); got task ${task} on a ${kind} image.`);
  for (const k of ['beamWidth', 'lengthPenalty', 'temperature', 'topK', 'topP', 'seed'] as const) {
    if (options[k] !== undefined) throw badArgument(k, 'does not apply to decoding "ctc".');
  }
}

/** Prompt token rows, checked against the decoder's length (room for ≥ 1 answer token). */
function promptRows(model: VisionLanguageModel, task: Task, prompt: string | readonly string[] | undefined, n: number): number[][] {
  const given = prompt ?? (task === 'vqa' ? undefined : TASK_PROMPTS[task]);
  if (given === undefined) throw badArgument('prompt', 'is required for vqa (the question).');
  const texts = typeof given === 'string' ? new Array<string>(n).fill(given) : [...given];
  if (texts.length !== n || !texts.every((t) => typeof t === 'string')) {
    throw badArgument('prompt', `must be a string or one string per image (${n} images).`);
  }
  const max = model.decoder.maxLength;
  return texts.map((t, i) => {
    const row = model.promptTokens(t);
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

/** Runs answerStream to the end. */
export async function answer(
  model: VisionLanguageModel,
  images: RgbaImage | readonly RgbaImage[],
  task: Task,
  prompt?: string | readonly string[],
  options: AnswerOptions = {},
): Promise<AnswerResult> {
  const stream = answerStream(model, images, task, prompt, options);
  let step = await stream.next();
  while (!step.done) step = await stream.next();
  return step.value;
}

/**
 * Yields each generated token (with its text) and returns the AnswerResult.
 * `images` are decoded RGBA images of any size (see decodeImage); `prompt`
 * defaults to the task's (caption, ocr) and is required for vqa.
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
  if (!(task in TASK_MAX_NEW_TOKENS)) throw badArgument('task', `must be one of caption, ocr, vqa, got ${JSON.stringify(task)}.`);
  const kind = options.kind ?? taskKind(task);
  if (!(kind in IMAGE_SIZES)) throw badArgument('kind', `must be one of ${Object.keys(IMAGE_SIZES).join(', ')}, got ${JSON.stringify(kind)}.`);
  const maxNewTokens = options.maxNewTokens ?? TASK_MAX_NEW_TOKENS[task];
  if (options.decoding === 'ctc') checkCtc(model, task, kind, options);
  const rows = promptRows(model, task, prompt, list.length);
  const cache = options.cache ?? null;
  const [height, width] = IMAGE_SIZES[kind];

  const owned: tf.Tensor[] = [];
  let gen: AsyncGenerator<TokenEvent, GenerateResult> | null = null;
  try {
    // Preprocess: cache lookups, then the images still to encode.
    const rowFeatures = new Array<tf.Tensor3D | null>(list.length).fill(null); // [1, S, C] each, owned clones
    const cached = new Array<boolean>(list.length).fill(false);
    const keys: (string | null)[] = cache ? await Promise.all(list.map((img) => imageKey(img, kind))) : list.map(() => null);
    const toEncode: number[] = [];
    const firstOfKey = new Map<string, number>(); // duplicates within one call share one encoding
    list.forEach((_, i) => {
      const key = keys[i];
      if (key !== null) {
        const hit = cache!.get(key);
        if (hit) {
          rowFeatures[i] = tf.clone(hit);
          owned.push(rowFeatures[i]!);
          cached[i] = true;
          return;
        }
        if (firstOfKey.has(key)) return;
        firstOfKey.set(key, i);
      }
      toEncode.push(i);
    });
    const pixels = toEncode.map((i) => preprocess(list[i], { width, height })); // [H, W, 3] each
    owned.push(...pixels);
    const t1 = now();

    // Encode the misses in one batch; fill the cache.
    if (toEncode.length > 0) {
      const batch = tf.stack(pixels) as tf.Tensor4D; // [M, H, W, 3]
      owned.push(batch);
      const memory = model.encode(batch, kind); // [M, S, C]
      owned.push(memory);
      const [, s, c] = memory.shape;
      toEncode.forEach((i, j) => {
        const row = tf.slice(memory, [j, 0, 0], [1, s, c]) as tf.Tensor3D; // [1, S, C]
        rowFeatures[i] = row;
        owned.push(row);
        const key = keys[i];
        if (cache && key !== null) cache.set(key, tf.clone(row));
      });
      list.forEach((_, i) => {
        const key = keys[i];
        if (rowFeatures[i] === null && key !== null) {
          rowFeatures[i] = rowFeatures[firstOfKey.get(key)!];
          cached[i] = true;
        }
      });
    }
    const memory = rowFeatures.length === 1 ? rowFeatures[0]! : (tf.concat(rowFeatures as tf.Tensor3D[], 0) as tf.Tensor3D); // [B, S, C]
    if (memory !== rowFeatures[0]) owned.push(memory);
    const t2 = now();

    // Decode.
    const tokenizer = model.tokenizer;
    if (options.decoding === 'ctc') {
      const paths = model.ctcPaths(memory);
      for (let r = 0; r < paths.length; r++) {
        let text = '';
        for (let j = 0; j < paths[r].labels.length; j++) {
          const token = paths[r].labels[j];
          const piece = tokenizer.decode([token]);
          text += piece;
          const event: AnswerToken = { row: r, token, index: j, logProb: paths[r].logProbs[j], text: piece };
          options.onToken?.(event);
          yield event;
        }
      }
      const t3 = now();
      return {
        answers: paths.map((p, i) => ({ text: model.decodeAnswer(p.labels), tokens: p.labels, finishReason: 'stop' as FinishReason, score: p.score, cached: cached[i] })),
        kind,
        timings: { preprocessMs: t1 - t0, encodeMs: t2 - t1, decodeMs: t3 - t2, totalMs: t3 - t0 },
      };
    }
    const sofar = rows.map(() => [] as number[]);
    const texts = rows.map(() => '');
    gen = generateStream(model.decoder, rows, generationOptions(options, maxNewTokens, tokenizer.eosId, memory));
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
    const t3 = now();
    return {
      answers: rows.map((_, i) => ({
        text: model.decodeAnswer(result.tokens[i]),
        tokens: result.tokens[i],
        finishReason: result.finishReasons[i],
        score: result.scores[i],
        cached: cached[i],
      })),
      kind,
      timings: { preprocessMs: t1 - t0, encodeMs: t2 - t1, decodeMs: t3 - t2, totalMs: t3 - t0 },
    };
  } finally {
    // A consumer that leaves early: close core's stream first (it frees the KV cache).
    if (gen !== null) await gen.return(undefined as unknown as GenerateResult);
    tf.dispose(owned);
  }
}
