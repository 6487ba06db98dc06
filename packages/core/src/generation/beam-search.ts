/**
 * Beam search with a length penalty, for a batch of prompts of one length.
 *
 *   score(hypothesis) = sum of log p(token) / length^alpha
 *
 * length counts the new tokens, the stop token included. Each step, every
 * live beam of a prompt is extended by every token; candidates are ranked by
 * their summed log-prob. A candidate ending in a stop token becomes a
 * finished hypothesis (all of them are considered, not just the top ones);
 * the best `beamWidth` other candidates become the next live beams. At
 * maxNewTokens the live beams finish with reason 'length'.
 *
 * A prompt stops early once it holds `numReturn` finished hypotheses and no
 * live beam can still beat the worst of them. The bound is exact: log-probs
 * are ≤ 0, so a beam with sum S can at best reach S / maxLen^alpha
 * (alpha ≥ 0) or S / (len+1)^alpha (alpha < 0). Early stopping therefore
 * never changes the result, only the work.
 *
 * With beamWidth ≥ (V-1)^maxNewTokens nothing is ever pruned and the result
 * is the exact best over all sequences (the tests check this).
 */
import { DecodeSession, yieldToEventLoop } from './decode-session.js';
import type { FinishReason, ResolvedOptions } from './options.js';
import { logSoftmax } from './sampling.js';
import type { CausalDecoder } from './types.js';

export interface Hypothesis {
  /** New tokens (stop token excluded unless includeStopToken). */
  tokens: number[];
  /** Length-penalised score, the ranking key. */
  score: number;
  /** Sum of log-probs of all new tokens (stop token included). */
  logProb: number;
  tokenLogProbs: number[];
  finishReason: FinishReason;
}

interface Beam {
  tokens: number[];
  tokenLogProbs: number[];
  sum: number;
  /** Row of this beam in the last decoder call. */
  row: number;
  /** Prompt index within the batch. */
  item: number;
}

/** Returns, per prompt, up to numReturn hypotheses, best first. */
export async function beamSearch(
  decoder: CausalDecoder,
  prompts: number[][],
  memory: ResolvedOptions['memory'],
  opts: ResolvedOptions,
): Promise<Hypothesis[][]> {
  const B = prompts.length;
  const W = opts.beamWidth;
  const N = opts.numReturn;
  const alpha = opts.lengthPenalty;
  const maxNew = Math.min(opts.maxNewTokens, decoder.maxLength - prompts[0].length);
  const finished: Hypothesis[][] = prompts.map(() => []);

  const finish = (beam: Beam, token: number | null, logProb: number, reason: FinishReason): void => {
    const tokens = [...beam.tokens];
    const tokenLogProbs = [...beam.tokenLogProbs];
    const sum = beam.sum + logProb;
    const length = beam.tokens.length + (token === null ? 0 : 1);
    if (token !== null && (reason !== 'stop' || opts.includeStopToken)) {
      tokens.push(token);
      tokenLogProbs.push(logProb);
    }
    const score = length === 0 ? 0 : sum / length ** alpha;
    const list = finished[beam.item];
    if (list.length >= N && score <= list[list.length - 1].score) return;
    let at = list.length;
    while (at > 0 && list[at - 1].score < score) at--; // after equal scores: first found wins
    list.splice(at, 0, { tokens, score, logProb: sum, tokenLogProbs, finishReason: reason });
    if (list.length > N) list.pop();
  };

  let live: Beam[] = prompts.map((_, b) => ({ tokens: [], tokenLogProbs: [], sum: 0, row: b, item: b }));
  if (opts.signal?.aborted || maxNew <= 0) {
    live.forEach((beam) => finish(beam, null, 0, opts.signal?.aborted ? 'abort' : 'length'));
    return finished;
  }

  const session = new DecodeSession(decoder, memory, opts.useCache);
  try {
    let logits = await session.prefill(
      prompts,
      prompts.map((_, i) => i),
    );
    for (let len = 1; ; len++) {
      if (opts.signal?.aborted) {
        live.forEach((beam) => finish(beam, null, 0, 'abort'));
        break;
      }
      const next: Beam[] = [];
      for (let item = 0; item < B; item++) {
        const beams = live.filter((beam) => beam.item === item);
        if (beams.length === 0) continue;
        const candidates: { beam: Beam; token: number; logProb: number; sum: number }[] = [];
        for (const beam of beams) {
          const lsm = logSoftmax(logits[beam.row]);
          for (let token = 0; token < lsm.length; token++) {
            candidates.push({ beam, token, logProb: lsm[token], sum: beam.sum + lsm[token] });
          }
        }
        candidates.sort((a, b) => b.sum - a.sum); // stable: ties keep beam, then token order
        const kept: Beam[] = [];
        for (const c of candidates) {
          if (opts.stopTokens.has(c.token)) {
            finish(c.beam, c.token, c.logProb, 'stop');
          } else if (kept.length < W) {
            kept.push({
              tokens: [...c.beam.tokens, c.token],
              tokenLogProbs: [...c.beam.tokenLogProbs, c.logProb],
              sum: c.sum,
              row: c.beam.row, // parent row until renumbered below
              item,
            });
          }
        }
        if (len >= maxNew) {
          kept.forEach((beam) => finish(beam, null, 0, 'length'));
        } else if (kept.length > 0 && !canImprove(finished[item], kept, len, maxNew, alpha, N)) {
          // Early stop: no live beam can enter the top N any more.
        } else {
          next.push(...kept);
        }
      }
      if (next.length === 0) break;
      if (opts.signal) await yieldToEventLoop(); // let a timer or UI event abort us
      if (opts.signal?.aborted) {
        next.forEach((beam) => finish(beam, null, 0, 'abort'));
        break;
      }
      const parents = next.map((beam) => beam.row);
      next.forEach((beam, i) => (beam.row = i));
      live = next;
      logits = await session.extend(
        next.map((beam) => beam.tokens[beam.tokens.length - 1]),
        parents,
        next.map((beam) => beam.item),
      );
    }
  } finally {
    session.dispose();
  }
  return finished;
}

/** Whether some live beam (length len) could still beat the worst of a full top-N list. */
function canImprove(list: Hypothesis[], live: Beam[], len: number, maxNew: number, alpha: number, n: number): boolean {
  if (list.length < n) return true;
  const best = Math.max(...live.map((b) => b.sum)); // ≤ 0
  const bound = best / (alpha >= 0 ? maxNew : len + 1) ** alpha;
  return bound > list[list.length - 1].score;
}
