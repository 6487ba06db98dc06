import { afterEach, expect, it, vi } from 'vitest';
import { isMobileMMError } from '@mobile-mm/core';
import { RATE_LIMITED } from './errors.js';
import { TokenBucketLimiter } from './rate-limiter.js';

afterEach(() => {
  vi.useRealTimers();
});

function rejection(fn: () => void): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return null;
}

it('allows a burst of `capacity`, then fails with RATE_LIMITED and an exact retry-after; tokens refill over time', () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  const rl = new TokenBucketLimiter({ capacity: 3, refillPerSecond: 2 });
  for (let i = 0; i < 3; i++) rl.take('a');
  const e = rejection(() => rl.take('a'));
  expect(isMobileMMError(e, RATE_LIMITED)).toBe(true);
  expect((e as { details: { retryAfterMs: number } }).details.retryAfterMs).toBe(500);
  vi.advanceTimersByTime(499);
  expect(isMobileMMError(rejection(() => rl.take('a')), RATE_LIMITED)).toBe(true);
  vi.advanceTimersByTime(1);
  rl.take('a');
  vi.advanceTimersByTime(10_000);
  expect(rl.available('a')).toBe(3); // capped at capacity
});

it('keeps one bucket per client', () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  const rl = new TokenBucketLimiter({ capacity: 1, refillPerSecond: 1 });
  rl.take('a');
  rl.take('b');
  expect(isMobileMMError(rejection(() => rl.take('a')), RATE_LIMITED)).toBe(true);
  expect((rejection(() => rl.take('b')) as { details: { clientId: string } }).details.clientId).toBe('b');
});

it('forgets idle clients first when over maxClients', () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  const rl = new TokenBucketLimiter({ capacity: 1, refillPerSecond: 1, maxClients: 2 });
  rl.take('a');
  rl.take('b');
  vi.advanceTimersByTime(1000); // both full again: idle
  rl.take('c');
  rl.take('c'.repeat(2));
  expect(rl.available('c')).toBe(0);
});

it('rejects bad settings with INVALID_CONFIG', () => {
  expect(() => new TokenBucketLimiter({ capacity: 0, refillPerSecond: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
  expect(() => new TokenBucketLimiter({ capacity: 1, refillPerSecond: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
});
