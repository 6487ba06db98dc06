/**
 * Greedy decoding and sampling: one token per row per step, rows decoded
 * together. A row that hits a stop token is finished; it keeps being fed its
 * last token (its outputs ignored) until every row is done, so the batch
 * shape never changes and the KV cache needs no reordering.
 */
import { DecodeSession, yieldToEventLoop } from './decode-session.js';
import type { FinishReason, ResolvedOptions, TokenEvent } from './options.js';
import { argmax, createRandom, logSoftmax, rowSeed, sampleToken, type Random } from './sampling.js';
import type { CausalDecoder } from './types.js';

/** What one prompt row produced. */
export interface RowOutput {
  tokens: number[];
  tokenLogProbs: number[];
  /** Sum of tokenLogProbs (stop token included even when not returned). */
  logProb: number;
  finishReason: FinishReason;
  logits?: Float32Array[];
}

/**
 * Decodes `prompts` (all of one length). rowIds are the rows' indices in the
 * caller's batch (for events and PRNG streams); memory has one row per prompt.
 * Yields each kept token; returns one RowOutput per prompt.
 */
export async function* sampleLoop(
  decoder: CausalDecoder,
  prompts: number[][],
  rowIds: number[],
  memory: ResolvedOptions['memory'],
  opts: ResolvedOptions,
): AsyncGenerator<TokenEvent, RowOutput[]> {
  const B = prompts.length;
  const maxNew = Math.min(opts.maxNewTokens, decoder.maxLength - prompts[0].length);
  const identity = prompts.map((_, i) => i);
  const randoms: Random[] = rowIds.map((r) => createRandom(rowSeed(opts.seed, r)));
  const out: RowOutput[] = prompts.map(() => ({
    tokens: [],
    tokenLogProbs: [],
    logProb: 0,
    finishReason: 'length',
    ...(opts.returnLogits ? { logits: [] } : {}),
  }));
  if (opts.signal?.aborted) {
    out.forEach((o) => (o.finishReason = 'abort'));
    return out;
  }
  if (maxNew <= 0) return out;

  const done = new Array<boolean>(B).fill(false);
  const session = new DecodeSession(decoder, memory, opts.useCache);
  try {
    let logits = await session.prefill(prompts, identity);
    const last = prompts.map((p) => p[p.length - 1]);
    for (let step = 0; ; step++) {
      if (opts.signal?.aborted) {
        done.forEach((d, b) => d || (out[b].finishReason = 'abort'));
        break;
      }
      for (let b = 0; b < B; b++) {
        if (done[b]) continue;
        const row = logits[b];
        const token =
          opts.strategy === 'greedy'
            ? argmax(row)
            : sampleToken(row, { temperature: opts.temperature, topK: opts.topK, topP: opts.topP }, randoms[b]);
        const logProb = logSoftmax(row)[token];
        const o = out[b];
        o.logProb += logProb;
        o.logits?.push(row);
        last[b] = token;
        const stop = opts.stopTokens.has(token);
        if (stop) {
          done[b] = true;
          o.finishReason = 'stop';
        }
        if (!stop || opts.includeStopToken) {
          o.tokens.push(token);
          o.tokenLogProbs.push(logProb);
          const event: TokenEvent = { row: rowIds[b], token, index: o.tokens.length - 1, logProb };
          opts.onToken?.(event);
          yield event;
        }
      }
      if (done.every(Boolean) || step + 1 >= maxNew) break;
      if (opts.signal) await yieldToEventLoop(); // let a timer or UI event abort us
      if (opts.signal?.aborted) {
        done.forEach((d, b) => d || (out[b].finishReason = 'abort'));
        break;
      }
      logits = await session.extend(last, null, identity);
    }
  } finally {
    session.dispose();
  }
  return out;
}
