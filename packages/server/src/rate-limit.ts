/**
 * A token bucket per client: `burst` requests at once, refilled at `rps` per
 * second. A request takes one token or is refused with the seconds until
 * one is back (429 + Retry-After). Buckets that are full again are forgotten,
 * so memory follows the clients active in the last burst / rps seconds.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly rps: number,
    readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** 0 when allowed, else the whole seconds to wait. */
  take(client: string): number {
    const t = this.now();
    const b = this.buckets.get(client) ?? { tokens: this.burst, at: t };
    b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.rps);
    b.at = t;
    if (this.buckets.size > 10_000) this.sweep(t);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      this.buckets.set(client, b);
      return 0;
    }
    this.buckets.set(client, b);
    return Math.max(1, Math.ceil((1 - b.tokens) / this.rps));
  }

  private sweep(t: number): void {
    for (const [k, b] of this.buckets) if (b.tokens + ((t - b.at) / 1000) * this.rps >= this.burst) this.buckets.delete(k);
  }
}
