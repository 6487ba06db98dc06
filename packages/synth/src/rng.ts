/**
 * Seeds and the PRNG behind every random choice in this package.
 *
 * Seed scheme. A sample's seed is the pair (split tag, index): the tag is a
 * fixed 32-bit constant per split (SPLIT_TAGS), the index a uint32. Its PRNG
 * is sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 128-bit state)
 * started from the state [tag, index, salt, 1], where `salt` names the purpose
 * (SALT.sample for the scene graph and questions, SALT.stream for the training
 * stream's task draws, SALT.noise for pixel noise), then advanced 15 steps.
 *
 * sfc32's state update is a bijection, so two different starting states never
 * reach the same state: distinct (tag, index, salt) give distinct streams.
 * Train, val and held-out use different tags, so the held-out seeds are
 * disjoint from the training seeds by construction, whatever the indices.
 *
 * Only integer ops (Math.imul, shifts, |0) and division by 2^32 are used, so
 * sample i of a split is the same on every JavaScript engine.
 */
import { MobileMMError } from '@mobile-mm/core';

export type Split = 'train' | 'val' | 'heldout';
export const SPLITS: readonly Split[] = ['train', 'val', 'heldout'];

/** 'TRAI', 'VAL1', 'HOLD' as ASCII: one constant per split, never changed. */
export const SPLIT_TAGS: Readonly<Record<Split, number>> = {
  train: 0x54524149,
  val: 0x56414c31,
  heldout: 0x484f4c44,
};

/** Purpose of a stream; part of the starting state. */
export const SALT = {
  sample: 0x53414d50, // 'SAMP'
  stream: 0x5354524d, // 'STRM'
  noise: 0x4e4f4953, // 'NOIS'
  language: 0x4c414e47, // 'LANG': a training draw's language (stream.ts)
} as const;

export function checkSplit(split: string): asserts split is Split {
  if (!(SPLITS as readonly string[]).includes(split)) {
    throw new MobileMMError('INVALID_ARGUMENT', `split: got ${JSON.stringify(split)}; accepted: ${SPLITS.join(', ')}`);
  }
}

export function checkIndex(index: number, what = 'index'): void {
  if (!Number.isInteger(index) || index < 0 || index > 0xffffffff) {
    throw new MobileMMError('INVALID_ARGUMENT', `${what}: got ${index}; accepted: an integer in [0, 2^32 - 1]`);
  }
}

/** sfc32 with helpers for the draws this package makes. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(a: number, b: number, c: number, d = 1) {
    this.a = a | 0;
    this.b = b | 0;
    this.c = c | 0;
    this.d = d | 0;
    for (let i = 0; i < 15; i++) this.next();
  }

  /** Uniform uint32. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.float();
  }

  /** Uniform integer in [lo, hi], both ends included. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)];
  }

  /** Index drawn with probability proportional to weights[i] (weights ≥ 0, sum > 0). */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let u = this.float() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u < 0 && weights[i] > 0) return i;
    }
    for (let i = weights.length - 1; i >= 0; i--) if (weights[i] > 0) return i;
    return weights.length - 1;
  }

  /** k distinct integers from [0, n), in draw order (partial Fisher–Yates). */
  distinct(n: number, k: number): number[] {
    const pool = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(this.float() * (n - i));
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    return pool.slice(0, k);
  }
}

/** The PRNG of sample `index` of `split` for `salt` (see the scheme above). */
export function sampleRng(split: Split, index: number, salt: number = SALT.sample): Rng {
  checkSplit(split);
  checkIndex(index);
  return new Rng(SPLIT_TAGS[split], index, salt);
}
