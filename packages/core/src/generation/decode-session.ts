/**
 * Drives a CausalDecoder one token at a time and hands back the logits of
 * the last position of every row, as JS arrays. Hides the two ways to run:
 *
 *   useCache   prefill: step(prompt [R, T], null)  then  step(next [R, 1], cache)
 *   recompute  logits(whole sequence [R, T + n])   every token
 *
 * Rows can be re-chosen between tokens (beam search): row i of the next call
 * continues row parents[i] of this one (the KV cache is reordered, the
 * sequences copied). memRows[i] says which row of `memory` row i reads.
 *
 * Owns every tensor it makes (inputs, gathered memory, the cache) and frees
 * them in dispose(), which callers reach through try/finally.
 *
 * Shapes: R = rows now, T = tokens so far, V = vocabulary, S/C = memory.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MobileMMError } from '../errors.js';
import type { CausalDecoder, KVCache } from './types.js';

export class DecodeSession {
  private cache: KVCache | null = null;
  /** Recompute mode: every row's whole sequence. */
  private seqs: number[][] = [];
  /** Memory rows matching the current rows (gathered from `memory` when needed). */
  private rowMemory: tf.Tensor3D | null = null;
  private rowMemoryOwned = false;
  private memRowsKey = '';
  private disposed = false;

  constructor(
    private readonly decoder: CausalDecoder,
    private readonly memory: tf.Tensor3D | null,
    private readonly useCache: boolean,
  ) {}

  /** Runs the prompts (equal lengths); returns the last-position logits of each row. */
  async prefill(prompts: number[][], memRows: number[]): Promise<Float32Array[]> {
    this.seqs = prompts.map((p) => [...p]);
    return this.run(prompts, memRows);
  }

  /**
   * Appends tokens[i] to row parents[i] (to row i when parents is null) and
   * returns the new last-position logits.
   */
  async extend(tokens: number[], parents: number[] | null, memRows: number[]): Promise<Float32Array[]> {
    const reordered = parents !== null && !isIdentity(parents, this.seqs.length);
    if (reordered) this.seqs = parents.map((p) => this.seqs[p]);
    this.seqs = this.seqs.map((s, i) => [...s, tokens[i]]);
    if (this.useCache) {
      if (reordered && this.cache) this.cache = this.cache.reorder(parents); // disposes the old cache
      return this.run(
        tokens.map((t) => [t]),
        memRows,
      );
    }
    return this.run(this.seqs, memRows);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.cache?.dispose();
    this.cache = null;
    if (this.rowMemoryOwned) this.rowMemory?.dispose();
    this.rowMemory = null;
  }

  /** Memory for rows memRows (null for a decoder-only model). */
  private memoryFor(memRows: number[]): tf.Tensor3D | null {
    const memory = this.memory;
    if (memory === null) return null;
    const key = memRows.join(',');
    if (this.rowMemory !== null && key === this.memRowsKey) return this.rowMemory;
    if (this.rowMemoryOwned) this.rowMemory?.dispose();
    if (isIdentity(memRows, memory.shape[0])) {
      this.rowMemory = memory;
      this.rowMemoryOwned = false;
    } else {
      this.rowMemory = tf.tidy(() => tf.gather(memory, tf.tensor1d(memRows, 'int32'))) as tf.Tensor3D; // [R, S, C]
      this.rowMemoryOwned = true;
    }
    this.memRowsKey = key;
    return this.rowMemory;
  }

  /** One decoder call on `rows` (all of one length); returns last-position logits. */
  private async run(rows: number[][], memRows: number[]): Promise<Float32Array[]> {
    const R = rows.length;
    const T = rows[0].length;
    const V = this.decoder.vocabSize;
    const memory = this.memoryFor(memRows);
    const input = tf.tensor2d(rows.flat(), [R, T], 'int32'); // [R, T]
    let out: tf.Tensor3D;
    try {
      if (this.useCache) {
        // step() consumes the cache it is given. If it throws, we dispose the
        // handed-over cache ourselves (disposing tf tensors twice is harmless).
        const given = this.cache;
        this.cache = null;
        try {
          const result = this.decoder.step(input, given, memory);
          this.cache = result.cache;
          out = result.logits;
        } catch (e) {
          given?.dispose();
          throw e;
        }
      } else {
        out = this.decoder.logits(input, memory);
      }
    } finally {
      input.dispose();
    }
    const shape = out.shape;
    if (shape.length !== 3 || shape[0] !== R || shape[1] !== T || shape[2] !== V) {
      out.dispose();
      throw new MobileMMError(
        'INVALID_SHAPE',
        `generate: the decoder returned logits of shape [${shape.join(', ')}]; expected [${R}, ${T}, ${V}].`,
        { expected: [R, T, V], actual: [...shape] },
      );
    }
    const last = tf.tidy(() => tf.reshape(tf.slice(out, [0, T - 1, 0], [R, 1, V]), [R, V])); // [R, V]
    out.dispose();
    let data: Float32Array;
    try {
      data = (await last.data()) as Float32Array;
    } finally {
      last.dispose();
    }
    return Array.from({ length: R }, (_, i) => data.subarray(i * V, (i + 1) * V));
  }
}

function isIdentity(rows: number[], n: number): boolean {
  return rows.length === n && rows.every((r, i) => r === i);
}

/**
 * Lets macrotasks (timers, UI events, fetch callbacks) run. Called between
 * tokens when an AbortSignal is given: on the cpu backend a whole generation
 * can otherwise finish inside microtasks, and a timer that aborts it would
 * never get to run.
 */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (fn: () => void) => unknown };
  if (typeof g.setImmediate === 'function') return new Promise((resolve) => g.setImmediate!(resolve));
  if (typeof MessageChannel !== 'undefined') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}
