/**
 * A token bucket per client: each client holds up to `capacity` tokens,
 * refilled continuously at `refillPerSecond`; a request takes one. An empty
 * bucket fails fast with RATE_LIMITED and `retryAfterMs` (when the next token
 * is back), so a caller can back off exactly as long as needed.
 *
 * Clock: Date.now(), so vitest fake timers drive it.
 */
import { MobileMMError, checkConfig, localText } from '@mobile-mm/core';
import { RATE_LIMITED } from './errors.js';

export interface RateLimitOptions {
  /** Burst size: tokens a fresh or idle client has. */
  capacity: number;
  /** Sustained rate: tokens added per second. */
  refillPerSecond: number;
  /** Clients remembered at most; idle full buckets are dropped first. Default 10,000. */
  maxClients?: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();
  readonly capacity: number;
  readonly refillPerSecond: number;
  readonly maxClients: number;

  constructor(options: RateLimitOptions) {
    checkConfig(Number.isFinite(options?.capacity) && options.capacity >= 1, 'rateLimit.capacity', `must be a number ≥ 1, got ${options?.capacity}.`);
    checkConfig(Number.isFinite(options.refillPerSecond) && options.refillPerSecond > 0, 'rateLimit.refillPerSecond', `must be a number > 0, got ${options.refillPerSecond}.`);
    this.capacity = options.capacity;
    this.refillPerSecond = options.refillPerSecond;
    this.maxClients = options.maxClients ?? 10_000;
  }

  private bucket(clientId: string): Bucket {
    const t = Date.now();
    let b = this.buckets.get(clientId);
    if (!b) {
      if (this.buckets.size >= this.maxClients) this.evict();
      b = { tokens: this.capacity, at: t };
      this.buckets.set(clientId, b);
    } else {
      b.tokens = Math.min(this.capacity, b.tokens + ((t - b.at) / 1000) * this.refillPerSecond);
      b.at = t;
    }
    return b;
  }

  /** Tokens the client has now (fractional). */
  available(clientId: string): number {
    return this.bucket(clientId).tokens;
  }

  /** Takes one token or throws RATE_LIMITED with details.retryAfterMs. */
  take(clientId: string): void {
    const b = this.bucket(clientId);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return;
    }
    const retryAfterMs = Math.ceil(((1 - b.tokens) / this.refillPerSecond) * 1000);
    throw new MobileMMError(
      RATE_LIMITED,
      localText('resilience.rateLimited', { client: JSON.stringify(clientId), burst: this.capacity, rps: this.refillPerSecond, waitMs: retryAfterMs }),
      { clientId, retryAfterMs, capacity: this.capacity, refillPerSecond: this.refillPerSecond },
    );
  }

  private evict(): void {
    const t = Date.now();
    for (const [id, b] of this.buckets) {
      if (b.tokens + ((t - b.at) / 1000) * this.refillPerSecond >= this.capacity) this.buckets.delete(id);
    }
    // Still full: drop the oldest entry (Map keeps insertion order).
    if (this.buckets.size >= this.maxClients) this.buckets.delete(this.buckets.keys().next().value as string);
  }
}
