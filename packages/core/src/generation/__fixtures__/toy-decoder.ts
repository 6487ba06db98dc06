/**
 * A small but real CausalDecoder for generation tests, computed with tf ops,
 * plus an independent float64 reference of its logits.
 *
 *   logits(next | ..., x[t-1], x[t]) = A[x[t]] + Bp[x[t-1]] + P[t] + mean_s memory[s]
 *
 * A: [V, V] next-token table, Bp: [V+1, V] table of the token before (row V
 * when there is none), P: [maxLength, V] position table, memory: [B, S, V].
 * Depending on two tokens and the position makes the KV cache matter: a cache
 * that keeps the wrong previous token, the wrong length or the wrong rows
 * after a beam reorder gives different logits. The cache holds the last token
 * ([B, 1] int32) and the length.
 */
import * as tf from '@tensorflow/tfjs-core';
import { randn } from '../../test-utils/backends.js';
import type { CausalDecoder, KVCache } from '../types.js';

export class ToyCache implements KVCache {
  constructor(
    readonly last: tf.Tensor2D, // [B, 1]
    readonly length: number,
  ) {}

  get batchSize(): number {
    return this.last.shape[0];
  }

  reorder(indices: number[]): KVCache {
    const last = tf.tidy(() => tf.gather(this.last, tf.tensor1d(indices, 'int32'))) as tf.Tensor2D;
    this.dispose();
    return new ToyCache(last, this.length);
  }

  dispose(): void {
    this.last.dispose();
  }
}

export interface ToyTables {
  V: number;
  maxLength: number;
  A: Float32Array; // [V, V]
  Bp: Float32Array; // [V + 1, V]
  P: Float32Array; // [maxLength, V]
}

/** Random tables; `scale` sets how peaked the distributions are. */
export function toyTables(V: number, maxLength: number, seed: number, scale = 1.5): ToyTables {
  const Bp = Float32Array.from(randn((V + 1) * V, seed + 1, scale * 0.7));
  Bp.fill(0, V * V); // "no previous token" row
  return {
    V,
    maxLength,
    A: Float32Array.from(randn(V * V, seed, scale)),
    Bp,
    P: Float32Array.from(randn(maxLength * V, seed + 2, scale * 0.3)),
  };
}

export class ToyDecoder implements CausalDecoder {
  readonly vocabSize: number;
  readonly maxLength: number;
  /** Every call, for checking how generate() drives the decoder. */
  readonly calls: { kind: 'logits' | 'step'; shape: number[]; cacheLength: number | null }[] = [];
  private readonly A: tf.Tensor2D;
  private readonly Bp: tf.Tensor2D;
  private readonly P: tf.Tensor2D;

  constructor(readonly tables: ToyTables) {
    const { V, maxLength } = tables;
    this.vocabSize = V;
    this.maxLength = maxLength;
    this.A = tf.tensor2d(tables.A, [V, V]);
    this.Bp = tf.tensor2d(tables.Bp, [V + 1, V]);
    this.P = tf.tensor2d(tables.P, [maxLength, V]);
  }

  logits(tokens: tf.Tensor2D, memory?: tf.Tensor3D | null): tf.Tensor3D {
    this.calls.push({ kind: 'logits', shape: [...tokens.shape], cacheLength: null });
    return tf.tidy(() => {
      const [B, T] = tokens.shape;
      const none = tf.fill([B, 1], this.vocabSize, 'int32');
      const prev = T > 1 ? tf.concat([none, tf.slice(tokens, [0, 0], [B, T - 1])], 1) : none; // [B, T]
      return this.compute(tokens, prev as tf.Tensor2D, 0, memory ?? null);
    });
  }

  step(tokens: tf.Tensor2D, cache: KVCache | null, memory?: tf.Tensor3D | null): { logits: tf.Tensor3D; cache: KVCache } {
    const toy = cache as ToyCache | null;
    this.calls.push({ kind: 'step', shape: [...tokens.shape], cacheLength: toy?.length ?? null });
    const [B, t] = tokens.shape;
    const start = toy?.length ?? 0;
    if (toy && toy.batchSize !== B) throw new Error(`cache batch ${toy.batchSize} ≠ tokens batch ${B}`);
    const out = tf.tidy(() => {
      const first = toy ? toy.last : tf.fill([B, 1], this.vocabSize, 'int32');
      const prev = t > 1 ? tf.concat([first, tf.slice(tokens, [0, 0], [B, t - 1])], 1) : first; // [B, t]
      const logits = this.compute(tokens, prev as tf.Tensor2D, start, memory ?? null);
      const last = tf.slice(tokens, [0, t - 1], [B, 1]);
      return { logits, last };
    });
    toy?.dispose();
    return { logits: out.logits, cache: new ToyCache(out.last as tf.Tensor2D, start + t) };
  }

  dispose(): void {
    tf.dispose([this.A, this.Bp, this.P]);
  }

  private compute(tokens: tf.Tensor2D, prev: tf.Tensor2D, start: number, memory: tf.Tensor3D | null): tf.Tensor3D {
    const T = tokens.shape[1];
    let x = tf.add(tf.gather(this.A, tokens), tf.gather(this.Bp, prev)); // [B, T, V]
    x = tf.add(x, tf.expandDims(tf.slice(this.P, [start, 0], [T, this.vocabSize]), 0));
    if (memory) x = tf.add(x, tf.expandDims(tf.mean(memory, 1), 1)); // memory [B, S, V] → [B, 1, V]
    return x as tf.Tensor3D;
  }
}

/** float64 reference: logits of the token after `seq` (memoryMean: [V] or null). */
export function refLogits(tables: ToyTables, seq: readonly number[], memoryMean: ArrayLike<number> | null = null): Float64Array {
  const { V, A, Bp, P } = tables;
  const n = seq.length;
  const x = seq[n - 1];
  const prev = n > 1 ? seq[n - 2] : V;
  const out = new Float64Array(V);
  for (let v = 0; v < V; v++) {
    out[v] = A[x * V + v] + Bp[prev * V + v] + P[(n - 1) * V + v] + (memoryMean ? memoryMean[v] : 0);
  }
  return out;
}

export function refLogSoftmax(row: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) max = Math.max(max, row[i]);
  let s = 0;
  for (let i = 0; i < row.length; i++) s += Math.exp(row[i] - max);
  return Float64Array.from(row, (v) => v - max - Math.log(s));
}

export function refArgmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}

/** Memory rows [B, S, V] with their per-row means, from a seed. */
export function toyMemory(B: number, S: number, V: number, seed: number): { values: Float32Array; means: Float64Array[] } {
  const values = Float32Array.from(randn(B * S * V, seed, 0.8));
  const means = Array.from({ length: B }, (_, b) => {
    const m = new Float64Array(V);
    for (let s = 0; s < S; s++) for (let v = 0; v < V; v++) m[v] += values[(b * S + s) * V + v] / S;
    return m;
  });
  return { values, means };
}
