/**
 * generate() and generateStream(): token generation over any CausalDecoder.
 *
 *   const r = await generate(decoder, [bos, ...promptIds], { maxNewTokens: 40, stopTokens: [eos] });
 *   r.tokens[0]                                   // new tokens of prompt 0
 *
 *   for await (const t of generateStream(decoder, prompt, { maxNewTokens: 40, strategy: 'sample', seed: 1 }))
 *     render(t.token);
 *
 *   await generate(decoder, prompt, { maxNewTokens: 40, strategy: 'beam', beamWidth: 4 });  // r.beams[0]: n-best
 *
 * A prompt is one row of ids or an array of rows. Rows of different lengths
 * are decoded in groups of equal length (the decoder contract has no padding
 * mask), with identical results to decoding them one by one.
 *
 * Every tensor made here is disposed, also on error, abort, or a consumer
 * leaving the stream early; `memory` and the decoder's weights are the
 * caller's. See options.ts for the options and the errors they raise.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beamSearch, type Hypothesis } from './beam-search.js';
import {
  checkDecoder,
  normalizePrompt,
  resolveOptions,
  type FinishReason,
  type GenerateOptions,
  type ResolvedOptions,
  type TokenEvent,
} from './options.js';
import { sampleLoop, type RowOutput } from './sample-loop.js';
import type { CausalDecoder } from './types.js';

export interface GenerateResult {
  /** New tokens per prompt row (prompt excluded; stop token excluded unless includeStopToken). Beam: the best hypothesis. */
  tokens: number[][];
  finishReasons: FinishReason[];
  /** greedy / sample: sum of token log-probs; beam: the length-penalised score of the best hypothesis. */
  scores: number[];
  /** log p of each returned token under the model (raw logits). */
  tokenLogProbs: number[][];
  /** beam: up to numReturn hypotheses per row, best first. */
  beams?: Hypothesis[][];
  /** returnLogits: the raw logits [V] at each generated position, per row. */
  logits?: Float32Array[][];
  /** sample: the seed used (pass it back to reproduce a run without an explicit seed). */
  seed?: number;
}

/** Runs generation to the end; see generateStream for the token-by-token form. */
export async function generate(
  decoder: CausalDecoder,
  prompt: readonly number[] | readonly (readonly number[])[],
  options: GenerateOptions,
): Promise<GenerateResult> {
  const stream = generateStream(decoder, prompt, options);
  let step = await stream.next();
  while (!step.done) step = await stream.next();
  return step.value;
}

/**
 * Yields tokens as they are chosen (beam search: the best hypothesis's
 * tokens once the search ends) and returns the GenerateResult. Options are
 * validated here, before the first `next()`. Leaving a `for await` early
 * frees everything.
 */
export function generateStream(
  decoder: CausalDecoder,
  prompt: readonly number[] | readonly (readonly number[])[],
  options: GenerateOptions,
): AsyncGenerator<TokenEvent, GenerateResult> {
  checkDecoder(decoder, options?.useCache ?? true);
  const prompts = normalizePrompt(prompt, decoder);
  const opts = resolveOptions(decoder, prompts, options);
  return run(decoder, prompts, opts);
}

async function* run(decoder: CausalDecoder, prompts: number[][], opts: ResolvedOptions): AsyncGenerator<TokenEvent, GenerateResult> {
  const n = prompts.length;
  const result: GenerateResult = {
    tokens: new Array(n),
    finishReasons: new Array(n),
    scores: new Array(n),
    tokenLogProbs: new Array(n),
    ...(opts.strategy === 'beam' ? { beams: new Array<Hypothesis[]>(n) } : {}),
    ...(opts.returnLogits ? { logits: new Array<Float32Array[]>(n) } : {}),
    ...(opts.strategy === 'sample' ? { seed: opts.seed } : {}),
  };

  for (const rowIds of groupByLength(prompts)) {
    const groupPrompts = rowIds.map((r) => prompts[r]);
    const whole = rowIds.length === n; // then rowIds is 0..n-1 in order
    const memory =
      opts.memory === null || whole
        ? opts.memory
        : (tf.tidy(() => tf.gather(opts.memory!, tf.tensor1d(rowIds, 'int32'))) as tf.Tensor3D); // [g, S, C]
    try {
      if (opts.strategy === 'beam') {
        const hyps = await beamSearch(decoder, groupPrompts, memory, opts);
        for (let i = 0; i < rowIds.length; i++) {
          const r = rowIds[i];
          const best = hyps[i][0];
          result.beams![r] = hyps[i];
          result.tokens[r] = best.tokens;
          result.finishReasons[r] = best.finishReason;
          result.scores[r] = best.score;
          result.tokenLogProbs[r] = best.tokenLogProbs;
        }
        for (let i = 0; i < rowIds.length; i++) {
          const best = hyps[i][0];
          for (let k = 0; k < best.tokens.length; k++) {
            const event: TokenEvent = { row: rowIds[i], token: best.tokens[k], index: k, logProb: best.tokenLogProbs[k] };
            opts.onToken?.(event);
            yield event;
          }
        }
      } else {
        const outputs: RowOutput[] = yield* sampleLoop(decoder, groupPrompts, rowIds, memory, opts);
        outputs.forEach((o, i) => {
          const r = rowIds[i];
          result.tokens[r] = o.tokens;
          result.finishReasons[r] = o.finishReason;
          result.scores[r] = o.logProb;
          result.tokenLogProbs[r] = o.tokenLogProbs;
          if (result.logits) result.logits[r] = o.logits ?? [];
        });
      }
    } finally {
      if (memory !== opts.memory) memory?.dispose();
    }
  }
  return result;
}

/** Row indices grouped by prompt length, groups in order of first appearance. */
function groupByLength(prompts: number[][]): number[][] {
  const groups = new Map<number, number[]>();
  prompts.forEach((p, i) => {
    const g = groups.get(p.length);
    if (g) g.push(i);
    else groups.set(p.length, [i]);
  });
  return [...groups.values()];
}
