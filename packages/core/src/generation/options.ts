/**
 * Options of generate() / generateStream(), their defaults, and the one
 * validation function. Every bad option fails before any tensor is made:
 *
 *   INVALID_ARGUMENT  a bad option value (details.option names it), an empty
 *                     prompt, a prompt longer than decoder.maxLength, an
 *                     option that does not apply to the chosen strategy
 *   INVALID_TOKEN     a prompt or stop token outside [0, vocabSize)
 *                     (details: row, index, token)
 *   INVALID_SHAPE     memory whose batch size differs from the prompt's
 */
import type * as tf from '@tensorflow/tfjs-core';
import { MobileMMError } from '../errors.js';
import type { CausalDecoder } from './types.js';

export type GenerationStrategy = 'greedy' | 'sample' | 'beam';
export type FinishReason = 'stop' | 'length' | 'abort';

/** One generated token, as streamed and passed to onToken. */
export interface TokenEvent {
  /** Prompt row the token belongs to. */
  row: number;
  token: number;
  /** Position among the row's new tokens (0 = first generated). */
  index: number;
  /** log p(token) under the model (raw logits, before temperature / top-k / top-p). */
  logProb: number;
}

export interface GenerateOptions {
  /** Most tokens to add to each prompt; generation also stops at decoder.maxLength. */
  maxNewTokens: number;
  /** 'greedy' (default): argmax; 'sample': temperature / top-k / top-p; 'beam': beam search. */
  strategy?: GenerationStrategy;
  /** Ids that end a sequence (eos, sep, ...). Default none. */
  stopTokens?: readonly number[];
  /** Keep the stop token at the end of the output tokens. Default false. */
  includeStopToken?: boolean;
  /** true (default): prefill the prompt in one step(), then one step() per token with the KV cache. false: logits() on the whole sequence each token. */
  useCache?: boolean;
  /** Encoder output [B, S, C] for cross-attention, passed to every decoder call (row b for prompt b). Not disposed. */
  memory?: tf.Tensor3D | null;

  /** sample: softmax temperature ≥ 0 (0 = greedy). Default 1. */
  temperature?: number;
  /** sample: keep only the k most likely tokens (k ≥ 1). Default: all. */
  topK?: number;
  /** sample: keep the smallest set of most likely tokens whose probability reaches p, p in (0, 1]. Default 1. */
  topP?: number;
  /** sample: PRNG seed (a safe integer); same seed, same tokens. Default: random, reported in the result. */
  seed?: number;

  /** beam: beams kept per prompt (≥ 1). Default 4. */
  beamWidth?: number;
  /** beam: hypotheses returned per prompt, 1..beamWidth. Default beamWidth. */
  numReturn?: number;
  /** beam: alpha in score = sum(log p) / length^alpha (length counts new tokens, stop token included). Default 1. */
  lengthPenalty?: number;

  /** Stops between tokens once aborted; the result keeps the tokens so far (finishReason 'abort'). */
  signal?: AbortSignal;
  /** Called for each token as it is chosen (beam search: for the best hypothesis, at the end). */
  onToken?: (event: TokenEvent) => void;
  /** greedy / sample: return the raw logits [V] of every generated position. Default false. */
  returnLogits?: boolean;
}

export interface ResolvedOptions {
  strategy: GenerationStrategy;
  /** maxNewTokens, further capped per prompt length by decoder.maxLength. */
  maxNewTokens: number;
  stopTokens: Set<number>;
  includeStopToken: boolean;
  useCache: boolean;
  memory: tf.Tensor3D | null;
  temperature: number;
  topK: number;
  topP: number;
  seed: number;
  beamWidth: number;
  numReturn: number;
  lengthPenalty: number;
  signal: AbortSignal | null;
  onToken: ((event: TokenEvent) => void) | null;
  returnLogits: boolean;
}

const STRATEGIES: readonly GenerationStrategy[] = ['greedy', 'sample', 'beam'];
const SAMPLE_ONLY = ['temperature', 'topK', 'topP', 'seed'] as const;
const BEAM_ONLY = ['beamWidth', 'numReturn', 'lengthPenalty'] as const;

function bad(option: string, message: string): MobileMMError {
  return new MobileMMError('INVALID_ARGUMENT', `generate: ${option} ${message}`, { option });
}

function checkInt(option: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in [${min}, ${max}]`;
    throw bad(option, `must be an integer ${range}, got ${String(v)}.`);
  }
  return v;
}

/** Prompts as rows; throws on an empty prompt or an out-of-vocabulary token. */
export function normalizePrompt(prompt: readonly number[] | readonly (readonly number[])[], decoder: CausalDecoder): number[][] {
  if (!Array.isArray(prompt) || prompt.length === 0) {
    throw bad('prompt', 'must be a non-empty array of token ids, or a non-empty array of such arrays.');
  }
  const rows = (Array.isArray(prompt[0]) ? prompt : [prompt]) as readonly (readonly number[])[];
  return rows.map((row, r) => {
    if (!Array.isArray(row) || row.length === 0) {
      throw bad('prompt', `row ${r} is empty; every prompt needs at least one token (e.g. bos).`);
    }
    if (row.length > decoder.maxLength) {
      throw bad('prompt', `row ${r} has ${row.length} tokens but the decoder's maxLength is ${decoder.maxLength}.`);
    }
    row.forEach((t, i) => {
      if (typeof t !== 'number' || !Number.isInteger(t) || t < 0 || t >= decoder.vocabSize) {
        throw new MobileMMError(
          'INVALID_TOKEN',
          `generate: prompt token ${String(t)} at row ${r}, index ${i} is outside the vocabulary [0, ${decoder.vocabSize}).`,
          { row: r, index: i, token: t },
        );
      }
    });
    return [...row];
  });
}

/** Validates `options` against the decoder and the (normalised) prompts. */
export function resolveOptions(decoder: CausalDecoder, prompts: number[][], options: GenerateOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw bad('options', 'must be an object with at least maxNewTokens.');
  const strategy = options.strategy ?? 'greedy';
  if (!STRATEGIES.includes(strategy)) {
    throw bad('strategy', `must be one of ${STRATEGIES.join(', ')}, got ${JSON.stringify(strategy)}.`);
  }
  const given = options as unknown as Record<string, unknown>;
  for (const key of SAMPLE_ONLY) {
    if (strategy !== 'sample' && given[key] !== undefined) throw bad(key, `applies to strategy "sample" only (strategy is "${strategy}").`);
  }
  for (const key of BEAM_ONLY) {
    if (strategy !== 'beam' && given[key] !== undefined) throw bad(key, `applies to strategy "beam" only (strategy is "${strategy}").`);
  }
  const maxNewTokens = checkInt('maxNewTokens', options.maxNewTokens, 0);

  const stopTokens = new Set<number>();
  if (options.stopTokens !== undefined) {
    if (!Array.isArray(options.stopTokens)) throw bad('stopTokens', 'must be an array of token ids.');
    options.stopTokens.forEach((t, i) => {
      if (typeof t !== 'number' || !Number.isInteger(t) || t < 0 || t >= decoder.vocabSize) {
        throw new MobileMMError(
          'INVALID_TOKEN',
          `generate: stopTokens[${i}] = ${String(t)} is outside the vocabulary [0, ${decoder.vocabSize}).`,
          { option: 'stopTokens', index: i, token: t },
        );
      }
      stopTokens.add(t);
    });
  }

  const temperature = options.temperature ?? 1;
  if (typeof temperature !== 'number' || !Number.isFinite(temperature) || temperature < 0) {
    throw bad('temperature', `must be a finite number ≥ 0 (0 = greedy), got ${String(temperature)}.`);
  }
  const topK = options.topK === undefined ? decoder.vocabSize : checkInt('topK', options.topK, 1);
  const topP = options.topP ?? 1;
  if (typeof topP !== 'number' || !(topP > 0 && topP <= 1)) throw bad('topP', `must be in (0, 1], got ${String(topP)}.`);
  let seed: number;
  if (options.seed === undefined) {
    seed = Math.floor(Math.random() * 2 ** 32);
  } else {
    if (typeof options.seed !== 'number' || !Number.isSafeInteger(options.seed)) {
      throw bad('seed', `must be a safe integer, got ${String(options.seed)}.`);
    }
    seed = options.seed;
  }

  const beamWidth = options.beamWidth === undefined ? 4 : checkInt('beamWidth', options.beamWidth, 1);
  const numReturn = options.numReturn === undefined ? beamWidth : checkInt('numReturn', options.numReturn, 1, beamWidth);
  const lengthPenalty = options.lengthPenalty ?? 1;
  if (typeof lengthPenalty !== 'number' || !Number.isFinite(lengthPenalty)) {
    throw bad('lengthPenalty', `must be a finite number, got ${String(lengthPenalty)}.`);
  }

  const memory = options.memory ?? null;
  if (memory !== null) {
    if (typeof memory !== 'object' || !Array.isArray((memory as tf.Tensor).shape) || memory.shape.length !== 3) {
      throw new MobileMMError('INVALID_SHAPE', 'generate: memory must be a rank-3 tensor [B, S, C].', { option: 'memory' });
    }
    if (memory.shape[0] !== prompts.length) {
      throw new MobileMMError(
        'INVALID_SHAPE',
        `generate: memory has batch size ${memory.shape[0]} but there are ${prompts.length} prompt rows.`,
        { option: 'memory', memoryBatch: memory.shape[0], prompts: prompts.length },
      );
    }
  }
  const useCache = options.useCache ?? true;
  if (typeof useCache !== 'boolean') throw bad('useCache', `must be a boolean, got ${String(useCache)}.`);
  if (options.signal !== undefined && (typeof options.signal !== 'object' || options.signal === null || !('aborted' in options.signal))) {
    throw bad('signal', 'must be an AbortSignal.');
  }
  if (options.onToken !== undefined && typeof options.onToken !== 'function') throw bad('onToken', 'must be a function.');
  const returnLogits = options.returnLogits ?? false;
  if (returnLogits && strategy === 'beam') throw bad('returnLogits', 'is not available with strategy "beam".');

  return {
    strategy,
    maxNewTokens,
    stopTokens,
    includeStopToken: options.includeStopToken ?? false,
    useCache,
    memory,
    temperature,
    topK: Math.min(topK, decoder.vocabSize),
    topP,
    seed,
    beamWidth,
    numReturn,
    lengthPenalty,
    signal: options.signal ?? null,
    onToken: options.onToken ?? null,
    returnLogits,
  };
}

/** Checks the decoder object itself (so a wrong argument fails clearly). */
export function checkDecoder(decoder: CausalDecoder, useCache: boolean): void {
  if (typeof decoder !== 'object' || decoder === null) throw bad('decoder', 'must be a CausalDecoder.');
  checkInt('decoder.vocabSize', decoder.vocabSize, 1);
  checkInt('decoder.maxLength', decoder.maxLength, 1);
  if (typeof decoder.logits !== 'function') throw bad('decoder', 'must have a logits() method.');
  if (useCache && typeof decoder.step !== 'function') throw bad('decoder', 'must have a step() method when useCache is true.');
}
