/**
 * The KV cache of a TextDecoder (the KVCache contract in generation/types.ts).
 * Per decoder block it holds the self-attention keys/values of every token so
 * far and, with cross-attention, the keys/values of the memory (computed once
 * at the first step, reused after).
 *
 * Ownership: a cache owns its tensors. step() and reorder() consume the cache
 * they are given (dispose it) and return a new one; the caller disposes the last.
 *
 * Shapes: B=batch, H=heads, T=tokens so far, S=memory length, D=head size.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MobileMMError } from '../errors.js';
import type { KVCache, LayerKV } from '../generation/types.js';

export interface DecoderLayerCache {
  /** Self-attention keys/values, [B, H, T, D] each. */
  self: LayerKV;
  /** Cross-attention keys/values of the memory, [B, H, S, D] each; null for decoder-only models. */
  cross: LayerKV | null;
}

export class DecoderKVCache implements KVCache {
  readonly length: number;
  readonly batchSize: number;
  private layers: DecoderLayerCache[] | null;

  /** Takes ownership of `layers`' tensors. */
  constructor(layers: DecoderLayerCache[], length: number) {
    if (layers.length === 0) throw new MobileMMError('INVALID_ARGUMENT', 'DecoderKVCache: needs at least one layer.');
    this.layers = layers;
    this.length = length;
    this.batchSize = layers[0].self.key.shape[0];
  }

  get numLayers(): number {
    return this.live().length;
  }

  get isDisposed(): boolean {
    return this.layers === null;
  }

  /** Keys/values of block i (still owned by the cache). */
  layer(i: number): DecoderLayerCache {
    return this.live()[i];
  }

  /**
   * A new cache whose row r is row indices[r] of this one (beam search keeps,
   * drops and duplicates hypotheses; indices may be longer or shorter than B).
   * Disposes this cache.
   */
  reorder(indices: number[]): DecoderKVCache {
    const layers = this.live();
    if (indices.length === 0 || !indices.every((i) => Number.isInteger(i) && i >= 0 && i < this.batchSize)) {
      throw new MobileMMError(
        'INVALID_ARGUMENT',
        `DecoderKVCache.reorder: indices must be a non-empty list of integers in [0, ${this.batchSize}), got [${indices}].`,
      );
    }
    const reordered: DecoderLayerCache[] = [];
    tf.tidy(() => {
      const rows = tf.tensor1d(indices, 'int32');
      const pick = (kv: LayerKV): LayerKV => ({
        key: tf.keep(tf.gather(kv.key, rows, 0)), // [B', H, T, D]
        value: tf.keep(tf.gather(kv.value, rows, 0)), // [B', H, T, D]
      });
      for (const l of layers) reordered.push({ self: pick(l.self), cross: l.cross ? pick(l.cross) : null });
    });
    this.dispose();
    return new DecoderKVCache(reordered, this.length);
  }

  /**
   * Gives up the cross-attention keys/values without freeing them: the cache
   * of the next step holds the same tensors (TextDecoder.step). dispose()
   * then frees only the self-attention ones.
   */
  releaseCross(): void {
    for (const l of this.live()) l.cross = null;
  }

  dispose(): void {
    if (!this.layers) return;
    for (const l of this.layers) tf.dispose([l.self.key, l.self.value, ...(l.cross ? [l.cross.key, l.cross.value] : [])]);
    this.layers = null;
  }

  private live(): DecoderLayerCache[] {
    if (!this.layers) {
      throw new MobileMMError('INVALID_ARGUMENT', 'DecoderKVCache: this cache was consumed (by step() or reorder()) or disposed; use the one they returned.');
    }
    return this.layers;
  }
}
