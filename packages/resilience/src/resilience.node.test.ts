/**
 * Resilience.execute: every policy around a real tfjs "generation" — a loop
 * of ops that checks its signal between steps, like the decoder between
 * tokens — on wasm with cpu behind it. Time is vitest's fake clock where the
 * test is about time.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, expect, it, vi } from 'vitest';
import { MobileMMError, isMobileMMError, type BackendName } from '@mobile-mm/core';
import { setupBackend } from '@mobile-mm/core/backend';
import { ABORTED, BULKHEAD_FULL, DEADLINE_EXCEEDED, RATE_LIMITED } from './errors.js';
import { Resilience, type AttemptContext } from './resilience.js';

interface Client {
  backend: BackendName;
  w: tf.Tensor2D;
}

interface Generated {
  steps: number;
  finish: 'stop' | 'abort';
  backend: BackendName;
  decoding: string;
}

/** A real step loop: each step a matMul read back, then a 10 ms wait (a timer); stops between steps when the signal fires. */
async function generate(c: Client, ctx: AttemptContext, steps: number): Promise<Generated> {
  if (tf.getBackend() !== c.backend) await tf.setBackend(c.backend);
  let h = tf.ones([1, 16]) as tf.Tensor2D;
  let i = 0;
  try {
    for (; i < steps; i++) {
      if (ctx.signal.aborted) return { steps: i, finish: 'abort', backend: ctx.backend, decoding: ctx.decoding ?? 'profile' };
      const prev = h;
      const next = tf.tidy(() => tf.tanh(tf.matMul(prev, c.w)) as tf.Tensor2D);
      h.dispose();
      h = next;
      await h.data();
      await new Promise((r) => setTimeout(r, 10));
    }
    return { steps: i, finish: 'stop', backend: ctx.backend, decoding: ctx.decoding ?? 'profile' };
  } finally {
    h.dispose();
  }
}

function make(options: ConstructorParameters<typeof Resilience<Client>>[0] = {}): Resilience<Client> {
  return new Resilience<Client>(
    { retry: false, ...options },
    {
      create: async (backend) => {
        await setupBackend(backend);
        return { backend, w: tf.mul(tf.eye(16), 0.5) as tf.Tensor2D };
      },
      dispose: (c) => c.w.dispose(),
    },
  );
}

beforeAll(async () => {
  await setupBackend('wasm');
});
afterEach(() => {
  vi.useRealTimers();
});

it('a deadline stops generation between steps, frees its tensors and fails with DEADLINE_EXCEEDED (partial result attached)', async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  const r = make({ deadlineMs: 55 });
  const warm = r.execute((c, ctx) => generate(c, ctx, 1)).catch((e: unknown) => e); // creates the client outside the measurement
  await vi.advanceTimersByTimeAsync(20);
  expect(await warm).toMatchObject({ finish: "stop" });
  const before = tf.memory();
  const p = r.execute((c, ctx) => generate(c, ctx, 1000), { partial: (g) => g.finish === 'abort' }).catch((e: unknown) => e);
  await vi.advanceTimersByTimeAsync(200);
  const e = await p;
  expect(isMobileMMError(e, DEADLINE_EXCEEDED)).toBe(true);
  const partial = (e as MobileMMError).details?.partial as Generated;
  expect(partial.finish).toBe('abort');
  expect(partial.steps).toBeGreaterThanOrEqual(5);
  expect(partial.steps).toBeLessThanOrEqual(7);
  expect(tf.memory().numTensors).toBe(before.numTensors);
  expect(tf.memory().numBytes).toBe(before.numBytes);
  // A request that finishes in time is untouched; a per-request deadline overrides the default.
  const ok = r.execute((c, ctx) => generate(c, ctx, 3));
  await vi.advanceTimersByTimeAsync(100);
  expect((await ok).finish).toBe('stop');
  const long = r.execute((c, ctx) => generate(c, ctx, 20), { deadlineMs: 1000 });
  await vi.advanceTimersByTimeAsync(1000);
  expect((await long).steps).toBe(20);
  await r.dispose();
});

it("the caller's AbortSignal and the deadline combine: the caller's abort returns the partial answer, an aborted signal fails with ABORTED", async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  const r = make({ deadlineMs: 10_000 });
  const ctrl = new AbortController();
  const p = r.execute((c, ctx) => generate(c, ctx, 1000), { signal: ctrl.signal });
  await vi.advanceTimersByTimeAsync(35);
  ctrl.abort();
  await vi.advanceTimersByTimeAsync(20);
  const g = await p;
  expect(g.finish).toBe('abort');
  expect(g.steps).toBeLessThan(10);
  const e = await r.execute((c, ctx) => generate(c, ctx, 1), { signal: ctrl.signal }).catch((x: unknown) => x);
  expect(isMobileMMError(e, ABORTED)).toBe(true);
  await r.dispose();
});

it('rate limit per client: RATE_LIMITED with retry-after, other clients unaffected, tokens come back', async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  const r = make({ rateLimit: { capacity: 2, refillPerSecond: 4 } });
  const run = (clientId: string): Promise<unknown> => {
    const p = r.execute((c, ctx) => generate(c, ctx, 1), { clientId }).catch((e: unknown) => e);
    return vi.advanceTimersByTimeAsync(20).then(() => p);
  };
  expect(await run('alice')).toMatchObject({ finish: 'stop' });
  expect(await run('alice')).toMatchObject({ finish: 'stop' });
  const limited = await run('alice');
  expect(isMobileMMError(limited, RATE_LIMITED)).toBe(true);
  const after = (limited as MobileMMError).details!.retryAfterMs as number;
  expect(after).toBeGreaterThan(0);
  expect(after).toBeLessThanOrEqual(250);
  expect(await run('bob')).toMatchObject({ finish: 'stop' });
  await vi.advanceTimersByTimeAsync(after);
  expect(await run('alice')).toMatchObject({ finish: 'stop' });
  await r.dispose();
});

it("degrades 'accuracy' to greedy when every bulkhead slot is busy, never 'balanced'; beyond the queue BULKHEAD_FULL", async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  const r = make({ bulkhead: { concurrency: 2, queue: 2 } });
  const run = (profile: 'accuracy' | 'balanced') => r.execute((c, ctx) => generate(c, ctx, 3), { profile }).catch((e: unknown) => e);
  const alone = run('accuracy');
  await vi.advanceTimersByTimeAsync(100);
  expect(await alone).toMatchObject({ decoding: 'profile' });
  const burst = [run('accuracy'), run('accuracy'), run('accuracy'), run('balanced'), run('accuracy')];
  await vi.advanceTimersByTimeAsync(1000);
  const out = await Promise.all(burst);
  expect(out[0]).toMatchObject({ decoding: 'profile' }); // load 1 when it started
  expect(out[1]).toMatchObject({ decoding: 'greedy' }); // load 2: both slots busy
  expect(out[2]).toMatchObject({ decoding: 'greedy' }); // started from the queue
  expect(out[3]).toMatchObject({ decoding: 'profile' }); // balanced is never changed
  expect(isMobileMMError(out[4], BULKHEAD_FULL)).toBe(true);
  expect(r.degraded).toBe(2);
  await r.dispose();
});

it('the leak guard reports a request that leaves tensors behind', async () => {
  const leaks: number[] = [];
  const r = make({ leakGuard: { onLeak: (rep) => leaks.push(rep.tensors) } });
  await r.execute(async (c) => c.backend); // the client's weights are held, not leaked
  expect(leaks).toEqual([]);
  const kept: tf.Tensor[] = [];
  await r.execute(async () => void kept.push(tf.ones([3])));
  expect(leaks).toEqual([1]);
  tf.dispose(kept);
  await r.dispose();
});

it('rejects unknown or bad options with INVALID_CONFIG naming the field', () => {
  const bad = (o: object): unknown => {
    try {
      make(o as never);
    } catch (e) {
      return e;
    }
    return null;
  };
  expect(bad({ deadline: 5 })).toMatchObject({ code: 'INVALID_CONFIG', details: { field: 'resilience.deadline' } });
  expect(bad({ deadlineMs: -1 })).toMatchObject({ code: 'INVALID_CONFIG', details: { field: 'resilience.deadlineMs' } });
  expect(bad({ degradeAtLoad: 0 })).toMatchObject({ code: 'INVALID_CONFIG', details: { field: 'resilience.degradeAtLoad' } });
  expect(bad({ bulkhead: { concurrency: 0 } })).toMatchObject({ code: 'INVALID_CONFIG', details: { field: 'bulkhead.concurrency' } });
  expect(bad({ backends: ['tpu'] })).toMatchObject({ code: 'INVALID_CONFIG', details: { field: 'backends' } });
});
