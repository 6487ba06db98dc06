/**
 * ImageFeatureCache: a bounded LRU of encoder outputs keyed by a hash of the
 * image's RGBA bytes and the kind (image-key.ts), so repeated questions about
 * one image skip the encoder. The cache owns its tensors; a call works on a
 * clone (same data, its own handle), so an entry evicted by a concurrent call
 * is never read after being disposed.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { MobileMMError } from '@mobile-mm/core';

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
