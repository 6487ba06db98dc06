/**
 * Resilience: every policy around one request, outermost first.
 *
 *   rate limit (per client, fails fast)
 *   → deadline (cockatiel timeout, cooperative: aborts the request's signal)
 *     → bulkhead (cockatiel: concurrency limit + queue)
 *       → leak guard (tf.memory() before/after)
 *         → retry (cockatiel: exponential backoff, retryable failures only)
 *           → backend fallback (a cockatiel breaker per backend, webgpu → webgl → wasm → cpu)
 *             → the call on one backend's client
 *
 * The caller's AbortSignal and the deadline are one signal by the time the
 * call sees it; generation stops between tokens when it fires. A deadline
 * that cut the answer short fails with DEADLINE_EXCEEDED (the partial result
 * is in `details.partial`); the caller's own abort returns what the call
 * returns (the facade: the tokens so far, finishReason 'abort').
 */
import { MobileMMError, checkConfig, localText, type BackendName } from '@mobile-mm/core';
import type { BulkheadPolicy, RetryPolicy } from 'cockatiel';
import { ABORTED, DEADLINE_EXCEEDED, toTypedError } from './errors.js';
import { BackendFallback, type BackendSwitch, type Interceptor } from './fallback.js';
import { LeakGuard, type LeakGuardOptions } from './leak-guard.js';
import { bulkheadLoad, createBulkhead, createDeadline, createRetry, type BreakerOptions, type BulkheadOptions, type RetryOptions } from './policies.js';
import { TokenBucketLimiter, type RateLimitOptions } from './rate-limiter.js';
import { degradedDecoding, type DegradableProfile } from './degrade.js';

export interface ResilienceOptions {
  /** Fallback order; absent backends are skipped. Default webgpu, webgl, wasm, cpu. */
  backends?: readonly BackendName[];
  /** Retries of the whole chain; false for none. Default 1 retry, 50 ms backoff. */
  retry?: RetryOptions | false;
  /** One circuit breaker per backend. Default 5 consecutive failures, 10 s half-open delay. */
  breaker?: BreakerOptions;
  /** Default 8 at once, 64 queued. */
  bulkhead?: BulkheadOptions;
  /** Deadline of every request in ms (a request may pass its own). Default none. */
  deadlineMs?: number;
  /** Token bucket per client id; default none. */
  rateLimit?: RateLimitOptions;
  /** Default mode 'report'. */
  leakGuard?: LeakGuardOptions;
  /** 'accuracy' decodes greedily at this load (running + queued). Default: bulkhead concurrency; false: never. See degrade.ts. */
  degradeAtLoad?: number | false;
  /** Health-probe each backend before its first use. Default true. */
  probe?: boolean;
  /** Called on each switch of the backend that answers (telemetry records it); also a 'backendswitch' event. */
  onBackendSwitch?: (s: BackendSwitch) => void;
  /** Wraps each call on a backend (fault injection, timing). */
  interceptor?: Interceptor;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** This request's deadline in ms (overrides ResilienceOptions.deadlineMs). */
  deadlineMs?: number;
  /** Rate-limit bucket; default 'default'. */
  clientId?: string;
}

export interface AttemptContext {
  backend: BackendName;
  /** Caller signal + deadline (+ context loss on webgl). */
  signal: AbortSignal;
  /** 'greedy' when the degradation rule applies to this request. */
  decoding: 'greedy' | undefined;
}

export interface ExecuteOptions<T> extends RequestOptions {
  profile?: DegradableProfile;
  /** True when a result was cut short by the signal (so a deadline hit becomes DEADLINE_EXCEEDED). Default: any result. */
  partial?: (result: T) => boolean;
}

const OPTION_KEYS: readonly (keyof ResilienceOptions)[] = [
  'backends',
  'retry',
  'breaker',
  'bulkhead',
  'deadlineMs',
  'rateLimit',
  'leakGuard',
  'degradeAtLoad',
  'probe',
  'onBackendSwitch',
  'interceptor',
];

/** Checks the option names and the scalar fields; the policies check their own (INVALID_CONFIG naming the field). */
export function validateResilienceOptions(options: ResilienceOptions): void {
  checkConfig(options !== null && typeof options === 'object', 'resilience', 'must be an object.');
  for (const key of Object.keys(options)) {
    checkConfig(OPTION_KEYS.includes(key as keyof ResilienceOptions), `resilience.${key}`, `unknown option; accepted: ${OPTION_KEYS.join(', ')}.`);
  }
  const d = options.deadlineMs;
  checkConfig(d === undefined || (typeof d === 'number' && Number.isFinite(d) && d > 0), 'resilience.deadlineMs', `must be a number > 0, got ${String(d)}.`);
  const l = options.degradeAtLoad;
  checkConfig(l === undefined || l === false || (Number.isInteger(l) && (l as number) >= 1), 'resilience.degradeAtLoad', `must be an integer ≥ 1 or false, got ${String(l)}.`);
  for (const f of ['onBackendSwitch', 'interceptor'] as const) {
    checkConfig(options[f] === undefined || typeof options[f] === 'function', `resilience.${f}`, 'must be a function.');
  }
}

export class Resilience<C> {
  readonly fallback: BackendFallback<C>;
  readonly leakGuard: LeakGuard;
  private readonly bulkhead: BulkheadPolicy;
  private readonly retry: RetryPolicy | null;
  private readonly limiter: TokenBucketLimiter | null;
  private readonly degradeAt: number | false;
  /** Requests that were degraded (accuracy → greedy). */
  degraded = 0;

  constructor(
    readonly options: ResilienceOptions,
    client: { create: (backend: BackendName) => Promise<C>; dispose: (client: C, backend: BackendName) => void },
  ) {
    validateResilienceOptions(options);
    this.leakGuard = new LeakGuard(options.leakGuard);
    this.fallback = new BackendFallback<C>({
      order: options.backends,
      create: client.create,
      dispose: client.dispose,
      breaker: options.breaker,
      probe: options.probe,
      onBackendSwitch: options.onBackendSwitch,
      interceptor: options.interceptor,
      onClientCreated: (_b, held) => this.leakGuard.hold(held.tensors, held.bytes),
    });
    this.bulkhead = createBulkhead(options.bulkhead);
    this.retry = options.retry === false ? null : createRetry(options.retry);
    this.limiter = options.rateLimit ? new TokenBucketLimiter(options.rateLimit) : null;
    this.degradeAt = options.degradeAtLoad ?? options.bulkhead?.concurrency ?? 8;
  }

  /** Requests running plus queued. */
  get load(): number {
    return bulkheadLoad(this.bulkhead, this.options.bulkhead);
  }

  /** Listen for 'backendswitch' (BackendSwitchEvent). */
  get events(): EventTarget {
    return this.fallback;
  }

  async execute<T>(attempt: (client: C, ctx: AttemptContext) => Promise<T>, options: ExecuteOptions<T> = {}): Promise<T> {
    const caller = options.signal;
    if (caller?.aborted) throw new MobileMMError(ABORTED, localText('resilience.abortedBeforeStart'), { reason: String(caller.reason) });
    this.limiter?.take(options.clientId ?? 'default');
    const deadlineMs = options.deadlineMs ?? this.options.deadlineMs;
    const body = async (signal: AbortSignal | undefined): Promise<T> => {
      const run = (): Promise<T> =>
        this.leakGuard.run(async () => {
          // The load counts this request: it holds a bulkhead slot now.
          const decoding = degradedDecoding(options.profile ?? 'balanced', this.load, this.degradeAt);
          if (decoding) this.degraded++;
          const chain = (s: AbortSignal | undefined): Promise<T> => this.fallback.run((c, backend, sig) => attempt(c, { backend, signal: sig, decoding }), s);
          return this.retry ? this.retry.execute((ctx) => chain(ctx.signal), signal) : chain(signal);
        });
      return this.bulkhead.execute(run, signal);
    };
    try {
      if (deadlineMs === undefined) return await body(caller);
      let cut = false;
      const result = await createDeadline(deadlineMs).execute(async (ctx) => {
        const value = await body(ctx.signal);
        cut = ctx.signal.aborted && !caller?.aborted; // read before cockatiel aborts the signal on return
        return value;
      }, caller);
      if (cut && (options.partial ?? (() => true))(result)) {
        throw new MobileMMError(DEADLINE_EXCEEDED, localText('resilience.deadline', { ms: deadlineMs }), { deadlineMs, partial: result });
      }
      return result;
    } catch (e) {
      const typed = toTypedError(e);
      // Cancelled by the deadline (while queued or between retries), not by the caller.
      if (deadlineMs !== undefined && (typed as MobileMMError)?.code === ABORTED && !caller?.aborted) {
        throw new MobileMMError(DEADLINE_EXCEEDED, localText('resilience.deadlineBeforeFinish', { ms: deadlineMs }), { deadlineMs });
      }
      throw typed;
    }
  }

  /** Typed check for RATE_LIMITED without taking a token: tokens left for a client. */
  tokens(clientId = 'default'): number {
    return this.limiter ? this.limiter.available(clientId) : Infinity;
  }

  dispose(): Promise<void> {
    return this.fallback.dispose();
  }
}

