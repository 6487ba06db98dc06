/**
 * ResilientMobileMM in Node with the shipped int2 model: fallback wasm → cpu
 * under injected faults (answers compared with each backend's own plain
 * instance), validation errors never retried, deadlines, aborts, rate
 * limits, degradation, and two soaks that check tf.memory() at every 100
 * calls. Faults are injected by wrapping the real call (seeded); the model,
 * backends and tensors are real.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MobileMMError, isMobileMMError, type BackendName } from '@mobile-mm/core';
import { BACKENDS_EXHAUSTED, CIRCUIT_OPEN, DEADLINE_EXCEEDED, RATE_LIMITED, faultInjector, isValidationError, type BackendSwitch } from '@mobile-mm/resilience';
import { createRenderer, makeTaskSample, type Renderer, type Task, type TaskSample } from '@mobile-mm/synth';
import { MobileMultiModalLLM, type CallResult } from './facade.js';
import { bundledModelUrl } from './model-dir.js';
import { ResilientMobileMM, type ResilientCallOptions } from './resilient.js';

const VARIANT = existsSync(fileURLToPath(bundledModelUrl('int2'))) ? 'int2' : 'fp32';
const BASE = { variant: VARIANT, env: {} } as const;
/** Bytes that start like a PNG and are not one: IMAGE_CORRUPT before any tensor exists. */
const BAD_PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3]);

let renderer: Renderer;
const samples = new Map<string, TaskSample>();
function sample(task: Task, k: number): TaskSample {
  const key = `${task}:${k}`;
  if (!samples.has(key)) samples.set(key, makeTaskSample(renderer, 'heldout', task, k));
  return samples.get(key)!;
}

type Caller = Pick<MobileMultiModalLLM, 'caption' | 'ocr' | 'vqa'>;
function call(mm: Caller | ResilientMobileMM, s: TaskSample, options: ResilientCallOptions = {}): Promise<CallResult> {
  if (s.task === 'vqa') return mm.vqa(s.image, s.prompt, options);
  return s.task === 'caption' ? mm.caption(s.image, options) : mm.ocr(s.image, options);
}

const alone = new Map<BackendName, MobileMultiModalLLM>();
beforeAll(async () => {
  renderer = await createRenderer();
  alone.set('wasm', await MobileMultiModalLLM.create({ ...BASE, backend: 'wasm' }));
  alone.set('cpu', await MobileMultiModalLLM.create({ ...BASE, backend: 'cpu' }));
});
afterAll(() => {
  for (const mm of alone.values()) mm.dispose();
});

function memory(): { numTensors: number; numBytes: number } {
  const m = tf.memory();
  return { numTensors: m.numTensors, numBytes: m.numBytes };
}

describe('fallback with the model (wasm → cpu)', () => {
  it.each([
    [0.1, 30],
    [1, 6],
  ])('faults at %s on wasm: those requests are answered by cpu, exactly as a plain cpu instance answers (%i VQA calls)', async (rate, n) => {
    const faults = faultInjector({ rate, seed: 6, backends: ['wasm'] });
    const switches: BackendSwitch[] = [];
    const mm = await ResilientMobileMM.create({
      ...BASE,
      resilience: { interceptor: faults.intercept, retry: false, breaker: { threshold: 1000 }, onBackendSwitch: (s) => switches.push(s) },
    });
    for (let k = 0; k < n; k++) {
      const s = sample('vqa', k);
      const got = await call(mm, s);
      const want = faults.faulted.includes(k) ? 'cpu' : 'wasm';
      expect(got.backend, `call ${k}`).toBe(want);
      expect(got.text, `call ${k}`).toBe((await call(alone.get(want)!, s)).text);
    }
    expect(faults.injected).toBeGreaterThanOrEqual(rate === 1 ? n : 1);
    expect(switches[0]).toMatchObject({ from: 'wasm', to: 'cpu', reason: 'failure' });
    const h = mm.health();
    expect(h.backends.map((b) => [b.backend, b.instance?.backend ?? null])).toEqual([
      ['wasm', 'wasm'],
      ['cpu', 'cpu'], // created lazily, on the first switch
    ]);
    await mm.dispose();
  });

  it('all backends failing ends with BACKENDS_EXHAUSTED; validation errors are never retried nor sent to the next backend', async () => {
    const faults = faultInjector({ rate: 1, seed: 1 });
    const tried: BackendName[] = [];
    const mm = await ResilientMobileMM.create({
      ...BASE,
      resilience: { interceptor: (ctx, next) => (tried.push(ctx.backend), faults.intercept(ctx, next)), retry: { maxAttempts: 2, initialDelayMs: 1 } },
    });
    const e = await mm.vqa(sample('vqa', 0).image, 'what color is the circle?').catch((x: unknown) => x);
    expect(isMobileMMError(e, BACKENDS_EXHAUSTED)).toBe(true);
    expect(tried).toEqual(['wasm', 'cpu', 'wasm', 'cpu', 'wasm', 'cpu']); // 1 try + 2 retries of the whole chain
    faults.setRate(0);
    for (const [bad, code] of [
      [() => mm.vqa(sample('vqa', 0).image, 'what\u0007 color?'), 'PROMPT_INVALID'],
      [() => mm.vqa(sample('vqa', 0).image, '   '), 'PROMPT_EMPTY'],
      [() => mm.caption(BAD_PNG), null],
      [() => mm.caption({ data: new Uint8Array(10), width: 64, height: 64 }), null],
    ] as const) {
      tried.length = 0;
      const err = await bad().catch((x: unknown) => x);
      expect(isValidationError(err), String(err)).toBe(true);
      if (code) expect((err as MobileMMError).code).toBe(code);
      expect(tried).toEqual(['wasm']);
    }
    await mm.dispose();
  });
});

describe('deadlines, aborts, rate limits, degradation', () => {
  let mm: ResilientMobileMM;
  beforeAll(async () => {
    mm = await ResilientMobileMM.create({ ...BASE, resilience: { rateLimit: { capacity: 3, refillPerSecond: 1 } } });
    await mm.caption(sample('caption', 0).image, { clientId: 'warm-up' });
  });
  afterAll(() => mm.dispose());

  it('a deadline stops generation between tokens, frees its tensors and fails with DEADLINE_EXCEEDED', async () => {
    const before = memory();
    for (const deadlineMs of [1, 5, 10]) {
      const e = await mm.generate(sample('caption', 1).image, 'caption', { deadlineMs, maxNewTokens: 40, clientId: `d${deadlineMs}` }).catch((x: unknown) => x);
      expect(isMobileMMError(e, DEADLINE_EXCEEDED), String(e)).toBe(true);
      expect(memory()).toEqual(before);
    }
    const ok = await mm.caption(sample('caption', 1).image, { deadlineMs: 5000, clientId: 'd-ok' });
    expect(ok.finishReason).toBe('stop');
  });

  it("the caller's abort mid-generation returns the tokens so far and frees the rest", async () => {
    const before = memory();
    const ctrl = new AbortController();
    const r = await mm.caption(sample('caption', 2).image, { signal: ctrl.signal, onToken: (t) => t.index === 2 && ctrl.abort(), clientId: 'abort' });
    expect(r.finishReason).toBe('abort');
    expect(r.tokens).toHaveLength(3);
    expect(memory()).toEqual(before);
  });

  it('rate limits per client with RATE_LIMITED and a retry-after', async () => {
    for (let i = 0; i < 3; i++) await mm.vqa(sample('vqa', i).image, sample('vqa', i).prompt, { clientId: 'eve' });
    const e = await mm.vqa(sample('vqa', 0).image, 'what shape is it?', { clientId: 'eve' }).catch((x: unknown) => x);
    expect(isMobileMMError(e, RATE_LIMITED)).toBe(true);
    expect((e as MobileMMError).details?.retryAfterMs).toBeGreaterThan(0);
    expect((await mm.vqa(sample('vqa', 0).image, sample('vqa', 0).prompt, { clientId: 'mallory' })).text).not.toBe('');
  });

  it("under load, 'accuracy' drops beam search to greedy (answers equal the greedy profile's) and says so", async () => {
    const acc = await ResilientMobileMM.create({ ...BASE, profile: 'accuracy', resilience: { bulkhead: { concurrency: 2, queue: 8 } } });
    const greedy = alone.get('wasm')!; // balanced: greedy
    const ss = [0, 1, 2, 3].map((k) => sample('caption', k));
    const out = await Promise.all(ss.map((s) => acc.caption(s.image)));
    expect(out.map((r) => r.degraded)).toEqual([false, true, true, true]);
    for (let i = 1; i < 4; i++) expect(out[i].text).toBe((await greedy.caption(ss[i].image)).text);
    expect((await acc.caption(ss[0].image)).degraded).toBe(false); // alone again: beam search
    expect(acc.health().degraded).toBe(3);
    await acc.dispose();
  });
});

describe('soak (wasm, concurrency 8)', () => {
  /** Runs `n` calls through `run` with `concurrency` workers. */
  async function pool(n: number, concurrency: number, run: (k: number) => Promise<unknown>): Promise<unknown[]> {
    const out: unknown[] = new Array(n);
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < n) {
          const k = next++;
          out[k] = await run(k).catch((e: unknown) => e);
        }
      }),
    );
    return out;
  }

  it('1,000 mixed caption/OCR/VQA calls: numTensors and numBytes back to baseline at every 100', async () => {
    const mm = await ResilientMobileMM.create({ ...BASE, backend: 'wasm', resilience: { leakGuard: { mode: 'report' } } });
    const tasks: Task[] = ['vqa', 'ocr', 'caption', 'vqa', 'ocr'];
    for (const t of ['vqa', 'ocr', 'caption'] as Task[]) await call(mm, sample(t, 0)); // kernels set up per op shape
    const baseline = memory();
    const t0 = performance.now();
    const checkpoints: string[] = [];
    for (let round = 0; round < 10; round++) {
      const out = await pool(100, 8, (k) => call(mm, sample(tasks[k % tasks.length], round * 100 + k)));
      const bad = out.filter((r) => !(r && typeof r === 'object' && 'text' in r));
      expect(bad, String(bad[0])).toEqual([]);
      expect((out as CallResult[]).every((r) => r.backend === 'wasm')).toBe(true);
      const m = memory();
      checkpoints.push(`${(round + 1) * 100}: ${m.numTensors} tensors / ${m.numBytes} B`);
      expect(m, `after ${(round + 1) * 100} calls`).toEqual(baseline);
    }
    const s = (performance.now() - t0) / 1000;
    console.log(`[soak] 1000 calls in ${s.toFixed(1)} s (baseline ${baseline.numTensors} tensors / ${baseline.numBytes} B); ${checkpoints.join('; ')}`);
    expect(mm.health()).toMatchObject({ leaks: 0, switches: 0 });
    await mm.dispose();
  });

  it('200 calls that fail midway (bad image bytes, abort mid-generation, breaker open, deadline): back to baseline at every 100', async () => {
    const mm = await ResilientMobileMM.create({ ...BASE, backend: 'wasm', resilience: { retry: false } });
    // A client whose only backend fails after running each call to the end, until its breaker opens.
    const faults = faultInjector({ rate: 1, seed: 9, when: 'after' });
    const broken = await ResilientMobileMM.create({
      ...BASE,
      resilience: { backends: ['wasm'], interceptor: faults.intercept, retry: false, breaker: { threshold: 5, halfOpenAfterMs: 60_000 } },
    });
    await call(mm, sample('caption', 0));
    await call(mm, sample('vqa', 0));
    const baseline = memory();
    const t0 = performance.now();
    const codes = new Map<string, number>();
    const tally = (x: unknown): void => {
      const key = isMobileMMError(x) ? (x.code === BACKENDS_EXHAUSTED ? `${x.code}(${(x.details?.attempts as { code: string }[])[0].code})` : x.code) : `finish:${(x as CallResult).finishReason}`;
      codes.set(key, (codes.get(key) ?? 0) + 1);
    };
    for (let round = 0; round < 2; round++) {
      const out = await pool(100, 8, (k) => {
        const s = sample(k % 2 ? 'caption' : 'vqa', round * 100 + k);
        switch (k % 4) {
          case 0:
            return mm.caption(BAD_PNG);
          case 1: {
            const ctrl = new AbortController();
            return mm.caption(s.image, { signal: ctrl.signal, onToken: (t) => t.index === 1 && ctrl.abort() });
          }
          case 2:
            return call(broken, s);
          default:
            return call(mm, s, { deadlineMs: 2 });
        }
      });
      out.forEach(tally);
      expect(memory(), `after ${(round + 1) * 100} failing calls`).toEqual(baseline);
    }
    console.log(`[soak-failing] 200 calls in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${[...codes].map(([k, v]) => `${k} ${v}`).join(', ')}`);
    expect(codes.get('IMAGE_CORRUPT') ?? 0).toBe(50);
    expect(codes.get('finish:abort')).toBe(50);
    // 5 failures open the breaker (plus calls already past it then); afterwards the call runs 0 times.
    const failed = codes.get(`${BACKENDS_EXHAUSTED}(INTERNAL)`) ?? 0;
    expect(failed).toBeGreaterThanOrEqual(5);
    expect(failed).toBeLessThanOrEqual(5 + 8);
    expect(codes.get(`${BACKENDS_EXHAUSTED}(${CIRCUIT_OPEN})`)).toBe(50 - failed);
    expect(faults.calls).toBe(failed);
    expect(codes.get(DEADLINE_EXCEEDED)).toBeGreaterThanOrEqual(40);
    expect(mm.health().leaks + broken.health().leaks).toBe(0);
    await mm.dispose();
    await broken.dispose();
  });
});
