import { describe, expect, it } from 'vitest';
import { ApiKeys } from './auth.js';
import { RateLimiter } from './rate-limit.js';

describe('RateLimiter', () => {
  it('lets a burst through, then refuses with the seconds until the next token, per client', () => {
    let t = 0;
    const rl = new RateLimiter(2, 3, () => t);
    expect([rl.take('a'), rl.take('a'), rl.take('a')]).toEqual([0, 0, 0]);
    expect(rl.take('a')).toBe(1);
    expect(rl.take('b')).toBe(0);
    t = 500; // one token back at 2/s
    expect(rl.take('a')).toBe(0);
    expect(rl.take('a')).toBe(1);
    t = 10_000;
    expect([rl.take('a'), rl.take('a'), rl.take('a'), rl.take('a')]).toEqual([0, 0, 0, 1]); // refilled to the burst, no more
  });

  it('Retry-After rounds up: 0.5/s means 2 s', () => {
    const rl = new RateLimiter(0.5, 1, () => 0);
    rl.take('a');
    expect(rl.take('a')).toBe(2);
  });
});

describe('ApiKeys', () => {
  it('accepts exactly the configured bearer tokens', () => {
    const k = new ApiKeys(['key-aaaaaaaa', 'key-bbbbbbbb']);
    expect(k.enabled).toBe(true);
    expect(k.check('Bearer key-aaaaaaaa')).toBe(0);
    expect(k.check('bearer key-bbbbbbbb')).toBe(1);
    for (const bad of [undefined, '', 'Bearer', 'Bearer key-aaaaaaa', 'Bearer key-aaaaaaaaa', 'Basic key-aaaaaaaa', 'key-aaaaaaaa']) expect(k.check(bad)).toBe(-1);
    expect(new ApiKeys([]).enabled).toBe(false);
  });
});
