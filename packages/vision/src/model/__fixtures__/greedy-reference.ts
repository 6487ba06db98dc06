/**
 * Batched greedy decoding with the KV cache, for rows that share a prompt
 * length (evaluation groups rows by prompt length, so no padding is needed).
 *
 *   prefill: step(prompt [B, P])  → logits of the last prompt position
 *   loop:    step(next [B, 1])    → one token per row until every row has <eos>
 */
import * as tf from '@tensorflow/tfjs-core';
import { MobileMMError, type CausalDecoder, type KVCache } from '@mobile-mm/core';

export interface GreedyOptions {
  maxNewTokens: number;
  eosId: number;
}

/** prompts: B rows of equal length; memory [B, S, C]. Returns the new tokens of each row (eos excluded). */
export function greedyDecodeBatch(decoder: CausalDecoder, memory: tf.Tensor3D, prompts: number[][], opts: GreedyOptions): number[][] {
  const b = prompts.length;
  const p = prompts[0]?.length ?? 0;
  if (b === 0 || p === 0 || prompts.some((r) => r.length !== p) || memory.shape[0] !== b) {
    throw new MobileMMError('INVALID_ARGUMENT', `greedyDecodeBatch: need ≥1 rows of one non-zero prompt length and memory batch ${b}.`);
  }
  const maxNew = Math.min(opts.maxNewTokens, decoder.maxLength - p);
  const out: number[][] = prompts.map(() => []);
  const done = new Array<boolean>(b).fill(false);
  let cache: KVCache | null = null;
  let input = tf.tensor2d(prompts.flat(), [b, p], 'int32');
  try {
    for (let t = 0; t < maxNew; t++) {
      const stepOut: { logits: tf.Tensor3D; cache: KVCache } = decoder.step(input, cache, memory);
      cache = stepOut.cache;
      const next = tf.tidy(() => {
        const last = tf.squeeze(tf.slice(stepOut.logits, [0, stepOut.logits.shape[1] - 1, 0], [b, 1, -1]), [1]); // [B, V]
        return tf.argMax(last, -1); // [B]
      });
      stepOut.logits.dispose();
      const ids = next.dataSync();
      next.dispose();
      input.dispose();
      for (let i = 0; i < b; i++) {
        if (done[i]) continue;
        if (ids[i] === opts.eosId) done[i] = true;
        else out[i].push(ids[i]);
      }
      if (done.every(Boolean)) break;
      input = tf.tensor2d(Array.from(ids), [b, 1], 'int32');
    }
  } finally {
    if (!input.isDisposed) input.dispose();
    cache?.dispose();
  }
  return out;
}
