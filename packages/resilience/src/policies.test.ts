/**
 * The cockatiel policies with this package's defaults and predicate, around a
 * real tfjs op (a matMul on the cpu backend). Faults are injected by wrapping
 * the real call; time is vitest's fake clock.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { MobileMMError, isMobileMMError } from '@mobile-mm/core';
import { setupBackend } from '@mobile-mm/core/backend';
import { CircuitState } from 'cockatiel';
import { BULKHEAD_FULL, CIRCUIT_OPEN, toTypedError } from './errors.js';
import { createBreaker, createBulkhead, createDeadline, createRetry } from './policies.js';

beforeAll(async () => {
  await setupBackend('cpu');
});
afterEach(() => {
  vi.useRealTimers();
});

/** The real work: a 16×16 matMul read back. `runs` counts how often it actually ran. */
function realOp(): { run: () => Promise<number>; runs: number } {
  const op = {
    runs: 0,
    run: async (): Promise<number> => {
      op.runs++;
      const a = tf.fill([16, 16], 0.5);
      const y = tf.sum(tf.matMul(a, a));
      const v = (await y.data())[0];
      tf.dispose([a, y]);
      return v;
    },
  };
  return op;
}

/** Wraps a call so it fails while `failing()` is true (the call itself does not run then). */
function faulty<T>(call: () => Promise<T>, failing: () => boolean): () => Promise<T> {
  return async () => {
    if (failing()) throw new MobileMMError('INTERNAL', 'injected fault');
    return call();
  };
}

describe('circuit breaker (cockatiel ConsecutiveBreaker)', () => {
  it('opens after N failures, runs the call 0 times while open, lets one probe through after the half-open delay, closes on success', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const breaker = createBreaker({ threshold: 3, halfOpenAfterMs: 1000 });
    const op = realOp();
    let failing = true;
    const call = faulty(op.run, () => failing);
    let attempts = 0;
    const counted = async (): Promise<number> => {
      attempts++;
      return call();
    };
    for (let i = 0; i < 3; i++) await expect(breaker.execute(counted)).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(breaker.state).toBe(CircuitState.Open);
    expect(attempts).toBe(3);

    // Open: 10 calls, the wrapped function runs 0 times, each fails fast with CIRCUIT_OPEN.
    for (let i = 0; i < 10; i++) {
      const e = await breaker.execute(counted).catch((x: unknown) => toTypedError(x));
      expect(isMobileMMError(e, CIRCUIT_OPEN)).toBe(true);
    }
    expect(attempts).toBe(3);

    // Half-open after the delay: exactly one probe runs; a call arriving meanwhile waits for the probe's outcome.
    await vi.advanceTimersByTimeAsync(999);
    await expect(breaker.execute(counted)).rejects.toThrow();
    expect(attempts).toBe(3);
    await vi.advanceTimersByTimeAsync(1);
    failing = false;
    const probe = breaker.execute(counted);
    expect(breaker.state).toBe(CircuitState.HalfOpen);
    const during = breaker.execute(counted);
    expect(attempts).toBe(4); // only the probe has run
    expect(await probe).toBe(1024);
    expect(breaker.state).toBe(CircuitState.Closed);
    expect(await during).toBe(1024); // ran after the probe closed the breaker
    expect(op.runs).toBe(2);
  });

  it('a failed probe opens it again for another half-open delay', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const breaker = createBreaker({ threshold: 1, halfOpenAfterMs: 500 });
    const op = realOp();
    const call = faulty(op.run, () => true);
    await expect(breaker.execute(call)).rejects.toThrow('injected');
    await vi.advanceTimersByTimeAsync(500);
    await expect(breaker.execute(call)).rejects.toThrow('injected'); // the probe
    expect(breaker.state).toBe(CircuitState.Open);
  });

  it('validation errors do not count as failures', async () => {
    const breaker = createBreaker({ threshold: 2 });
    for (let i = 0; i < 5; i++) {
      await expect(breaker.execute(() => Promise.reject(new MobileMMError('PROMPT_INVALID', 'bad prompt')))).rejects.toMatchObject({ code: 'PROMPT_INVALID' });
    }
    expect(breaker.state).toBe(CircuitState.Closed);
  });

  it('rejects a bad threshold with INVALID_CONFIG', () => {
    expect(() => createBreaker({ threshold: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
  });
});

describe('retry (cockatiel, exponential backoff)', () => {
  it('retries a transient failure with backoff and returns the real answer', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const policy = createRetry({ maxAttempts: 2, initialDelayMs: 100 });
    const op = realOp();
    let n = 0;
    const p = policy.execute(faulty(op.run, () => n++ < 2));
    await vi.advanceTimersByTimeAsync(5000);
    expect(await p).toBe(1024);
    expect(n).toBe(3);
    expect(op.runs).toBe(1);
  });

  it('never retries a validation error (one try)', async () => {
    const policy = createRetry({ maxAttempts: 5, initialDelayMs: 0 });
    let tries = 0;
    for (const code of ['PROMPT_INVALID', 'IMAGE_CORRUPT', 'INVALID_CONFIG', 'INVALID_ARGUMENT', 'FILE_NOT_FOUND'] as const) {
      tries = 0;
      await expect(
        policy.execute(() => {
          tries++;
          throw new MobileMMError(code, code);
        }),
      ).rejects.toMatchObject({ code });
      expect(tries, code).toBe(1);
    }
  });
});

describe('bulkhead and deadline', () => {
  it('queues over the concurrency limit and fails with BULKHEAD_FULL beyond the queue', async () => {
    const b = createBulkhead({ concurrency: 1, queue: 1 });
    const op = realOp();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = b.execute(async () => {
      await gate;
      return op.run();
    });
    const second = b.execute(op.run);
    const third = await b.execute(op.run).catch((e: unknown) => toTypedError(e));
    expect(isMobileMMError(third, BULKHEAD_FULL)).toBe(true);
    release();
    expect(await first).toBe(1024);
    expect(await second).toBe(1024);
  });

  it('the deadline aborts the signal the call sees (cooperative: the call stops itself)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const op = realOp();
    let steps = 0;
    const p = createDeadline(250).execute(async ({ signal }) => {
      while (!signal.aborted) {
        await op.run();
        steps++;
        await new Promise((r) => setTimeout(r, 100));
      }
      return steps;
    });
    await vi.advanceTimersByTimeAsync(1000);
    expect(await p).toBe(3);
  });
});
