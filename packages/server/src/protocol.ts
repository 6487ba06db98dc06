/**
 * Messages between the server (main thread) and a replica (worker thread).
 *
 *   main → worker   { type: 'run', id, job, abort }     abort: a SharedArrayBuffer(4), set to 1 by the main thread
 *   worker → main   { type: 'ready', model, health }    once, after create() and the probe call
 *                   { type: 'token', id, text, index }  per generated token (streaming)
 *                   { type: 'done', id, result }
 *                   { type: 'error', id, error }        a MobileMMError as { code, message, details }
 *                   { type: 'stats', stats }            answer to { type: 'stats' }
 *                   { type: 'fatal', error }            create() or the probe failed
 *
 * The abort flag is shared memory because the model's decode loop does not
 * return to the worker's event loop between tokens: a posted 'abort'
 * message would be read only after the call. The worker reads the flag in
 * its per-token callback and aborts the call's AbortSignal there.
 */
import type { CallResult, LocalText } from 'mobile-mm';

export type JobTask = 'caption' | 'ocr' | 'vqa';

export interface Job {
  task: JobTask;
  /** PNG or JPEG bytes. */
  image: Uint8Array;
  /** The VQA question. */
  question?: string;
  /** Stop after this many tokens (finishReason then 'length'). */
  maxTokens?: number;
  /** Sampling (OpenAI's temperature > 0, top_p, seed): then generate() with decoding 'sample'. */
  sampling?: { temperature?: number; topP?: number; seed?: number };
  /** Send each token back as it comes. */
  stream: boolean;
}

/** When the first and the last token came, in ms from the start of the call in the worker (null: no token). */
export interface TokenTimes {
  firstMs: number | null;
  lastMs: number | null;
}

export interface ReplicaInit {
  index: number;
  /** MobileMultiModalLLM.create() options (backend, variant, profile, modelDir, …). */
  modelOptions: Record<string, unknown>;
}

export interface WireError {
  code: string;
  /** English: the main thread writes it again in each request's language from `text`. */
  message: string;
  /** The catalogue key and values, when the error was made from one. */
  text?: LocalText;
  details?: Record<string, unknown>;
}

export interface ReplicaStats {
  numTensors: number;
  numBytes: number;
  /** This worker's V8 heap. */
  heapUsed: number;
  /** ArrayBuffers of this worker (the wasm heap among them). */
  arrayBuffers: number;
  calls: number;
  errors: number;
}

export interface ModelInfo {
  /** The model folder's name, e.g. "tiny-int2": the id in /v1/models. */
  name: string;
  backend: string;
  variant: string;
  profile: string;
  parameters: number;
}

export type ToWorker = { type: 'run'; id: number; job: Job; abort: SharedArrayBuffer } | { type: 'stats' };

export type FromWorker =
  | { type: 'ready'; model: ModelInfo; stats: ReplicaStats }
  | { type: 'token'; id: number; text: string; index: number }
  | { type: 'done'; id: number; result: CallResult; promptTokens: number; tokenTimes: TokenTimes }
  | { type: 'error'; id: number; error: WireError }
  | { type: 'stats'; stats: ReplicaStats }
  | { type: 'fatal'; error: WireError };
