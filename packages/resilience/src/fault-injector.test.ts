import { expect, it } from 'vitest';
import { isMobileMMError } from '@mobile-mm/core';
import { faultInjector } from './fault-injector.js';

const run = async (rate: number, seed: number, n: number): Promise<{ faulted: number[]; ran: number }> => {
  const f = faultInjector({ rate, seed, backends: ['wasm'] });
  let ran = 0;
  for (let i = 0; i < n; i++) {
    await f.intercept({ backend: 'wasm' }, async () => void ran++).catch((e: unknown) => expect(isMobileMMError(e, 'INTERNAL')).toBe(true));
  }
  return { faulted: f.faulted, ran };
};

it('fails the same calls for the same seed, about `rate` of them, and only on the chosen backends', async () => {
  const a = await run(0.1, 42, 1000);
  expect((await run(0.1, 42, 1000)).faulted).toEqual(a.faulted);
  expect((await run(0.1, 43, 1000)).faulted).not.toEqual(a.faulted);
  expect(a.faulted.length).toBeGreaterThan(70);
  expect(a.faulted.length).toBeLessThan(130);
  expect(a.ran).toBe(1000 - a.faulted.length); // 'before': a faulted call does not run
  expect((await run(1, 1, 10)).ran).toBe(0);
  const f = faultInjector({ rate: 1, backends: ['wasm'] });
  expect(await f.intercept({ backend: 'cpu' }, async () => 'cpu ran')).toBe('cpu ran');
  let ranAfter = false;
  const g = faultInjector({ rate: 1, when: 'after' });
  await expect(g.intercept({ backend: 'cpu' }, async () => void (ranAfter = true))).rejects.toThrow('injected fault');
  expect(ranAfter).toBe(true);
});
