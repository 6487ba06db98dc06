/**
 * Backend fallback in Node (wasm → cpu; webgl is absent and skipped) with a
 * real client per backend: a tiny dense layer whose weights live on that
 * backend. Faults are injected by wrapping the real call (faultInjector,
 * seeded); nothing is mocked.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, expect, it, vi } from 'vitest';
import { MobileMMError, isMobileMMError, type BackendName } from '@mobile-mm/core';
import { setupBackend } from '@mobile-mm/core/backend';
import { randn } from '@mobile-mm/core/test-utils';
import { CircuitState } from 'cockatiel';
import { BACKENDS_EXHAUSTED } from './errors.js';
import { BackendFallback, BackendSwitchEvent, DEFAULT_BACKEND_ORDER, type BackendSwitch } from './fallback.js';
import { faultInjector } from './fault-injector.js';

interface Dense {
  backend: BackendName;
  w: tf.Tensor2D;
}

const W = Float32Array.from(randn(32 * 8, 7));
const input = (k: number): Float32Array => Float32Array.from(randn(32, 100 + k));

async function createDense(backend: BackendName): Promise<Dense> {
  await setupBackend(backend);
  return { backend, w: tf.tensor2d(W, [32, 8]) };
}

/** The real call: x·W on the client's backend, read back and rounded (cpu and wasm agree to 1e-4). */
async function apply(c: Dense, k: number): Promise<{ y: number[]; backend: BackendName }> {
  if (tf.getBackend() !== c.backend) await tf.setBackend(c.backend);
  const x = tf.tensor2d(input(k), [1, 32]);
  const y = tf.matMul(x, c.w);
  const d = await y.data();
  tf.dispose([x, y]);
  return { y: Array.from(d, (v) => Math.round(v * 1e3) / 1e3), backend: c.backend };
}

function chain(options: Partial<ConstructorParameters<typeof BackendFallback<Dense>>[0]> = {}) {
  return new BackendFallback<Dense>({ create: createDense, dispose: (c) => c.w.dispose(), ...options });
}

beforeAll(async () => {
  await setupBackend('wasm');
});
afterEach(() => {
  vi.useRealTimers();
});

it('skips absent backends (webgl in Node) and rejects a bad order with INVALID_CONFIG', () => {
  expect(chain().backends).toEqual(['wasm', 'cpu']);
  expect(chain({ order: ['cpu', 'wasm'] }).backends).toEqual(['cpu', 'wasm']);
  expect(() => chain({ order: ['wasm', 'gpu' as BackendName] })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
  expect(() => chain({ order: ['webgl'] })).toThrow(expect.objectContaining({ code: 'BACKEND_UNAVAILABLE' }));
});

it('defaults to webgpu → webgl → wasm → cpu; webgpu is absent in Node and skipped', () => {
  expect(DEFAULT_BACKEND_ORDER).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
  expect(chain({ order: ['webgpu', 'wasm'] }).backends).toEqual(['wasm']);
  expect(() => chain({ order: ['webgpu'] })).toThrow(expect.objectContaining({ code: 'BACKEND_UNAVAILABLE' }));
});

/** What each backend alone answers (separate clients, no fallback). */
const alone = new Map<BackendName, Dense>();
beforeAll(async () => {
  alone.set('cpu', await createDense('cpu'));
  alone.set('wasm', await createDense('wasm'));
});

it.each([0.1, 1])('faults at %s on wasm: those requests are answered by cpu, with what cpu alone gives', async (rate) => {
  const faults = faultInjector({ rate, seed: 42, backends: ['wasm'] });
  const switches: BackendSwitch[] = [];
  const events: BackendSwitch[] = [];
  const f = chain({ interceptor: faults.intercept, onBackendSwitch: (s) => switches.push(s), breaker: { threshold: 1000 } });
  f.addEventListener('backendswitch', (e) => events.push((e as BackendSwitchEvent).detail));
  const before = tf.memory().numTensors;
  const n = 40;
  for (let k = 0; k < n; k++) {
    const got = await f.run((c) => apply(c, k));
    const faulted = faults.faulted.includes(k);
    expect(got.backend, `call ${k}`).toBe(faulted ? 'cpu' : 'wasm');
    expect(got.y).toEqual((await apply(alone.get(got.backend)!, k)).y);
  }
  expect(faults.injected).toBe(faults.faulted.length);
  expect(faults.injected).toBeGreaterThanOrEqual(rate === 1 ? n : 1);
  if (rate < 1) expect(faults.injected).toBeLessThan(n / 2);
  expect(switches[0]).toMatchObject({ from: 'wasm', to: 'cpu', reason: 'failure', code: 'INTERNAL' });
  if (rate < 1) expect(switches.some((s) => s.reason === 'recovered' && s.to === 'wasm')).toBe(true);
  else expect(switches).toHaveLength(1);
  expect(events).toEqual(switches);
  await f.dispose();
  expect(tf.memory().numTensors).toBe(before);
});

it('every backend failing ends with BACKENDS_EXHAUSTED listing each attempt', async () => {
  const faults = faultInjector({ rate: 1, seed: 1 });
  const f = chain({ interceptor: faults.intercept });
  const e = await f.run((c) => apply(c, 0)).catch((x: unknown) => x);
  expect(isMobileMMError(e, BACKENDS_EXHAUSTED)).toBe(true);
  expect((e as MobileMMError).details?.attempts).toMatchObject([
    { backend: 'wasm', code: 'INTERNAL' },
    { backend: 'cpu', code: 'INTERNAL' },
  ]);
  await f.dispose();
});

it('a validation error ends the request on the first backend (never sent to the next)', async () => {
  const tried: BackendName[] = [];
  const f = chain({ interceptor: (ctx, next) => (tried.push(ctx.backend), next()) });
  const e = await f
    .run(async () => {
      throw new MobileMMError('PROMPT_INVALID', 'the prompt holds a control character');
    })
    .catch((x: unknown) => x);
  expect(isMobileMMError(e, 'PROMPT_INVALID')).toBe(true);
  expect(tried).toEqual(['wasm']);
  expect(f.breakerOf('wasm').state).toBe(CircuitState.Closed);
  await f.dispose();
});

it("an open breaker skips its backend at no cost (the call runs 0 times there) and the backend is back after the half-open delay", async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  const faults = faultInjector({ rate: 1, seed: 3, backends: ['wasm'] });
  const switches: BackendSwitch[] = [];
  const f = chain({ interceptor: faults.intercept, breaker: { threshold: 3, halfOpenAfterMs: 5000 }, onBackendSwitch: (s) => switches.push(s) });
  for (let k = 0; k < 3; k++) expect((await f.run((c) => apply(c, k))).backend).toBe('cpu');
  expect(f.breakerOf('wasm').state).toBe(CircuitState.Open);
  const seen = faults.calls;
  for (let k = 0; k < 10; k++) expect((await f.run((c) => apply(c, k))).backend).toBe('cpu');
  expect(faults.calls).toBe(seen); // wasm was not called while open
  faults.setRate(0); // wasm healthy again
  await vi.advanceTimersByTimeAsync(5000);
  expect((await f.run((c) => apply(c, 0))).backend).toBe('wasm'); // the half-open probe succeeds
  expect(f.breakerOf('wasm').state).toBe(CircuitState.Closed);
  expect(switches.map((s) => `${s.from}->${s.to}:${s.reason}`)).toEqual(['wasm->cpu:failure', 'cpu->wasm:recovered']);
  await f.dispose();
});

it('probeAll runs the health probe (a real matMul checked against a loop) on every backend', async () => {
  const f = chain();
  const probes = await f.probeAll();
  expect(probes.map((p) => [p.backend, p.ok])).toEqual([
    ['wasm', true],
    ['cpu', true],
  ]);
  await f.dispose();
});

it('the probe reports a backend that cannot run as unhealthy, with the reason (webgl in Node)', async () => {
  const { probeBackend } = await import('./probe.js');
  const r = await probeBackend('webgl', { timeoutMs: 2000 });
  expect(r.ok).toBe(false);
  expect(r.reason).not.toBe('');
  expect(tf.getBackend()).not.toBe('webgl');
  const ok = await probeBackend('cpu');
  expect(ok).toMatchObject({ backend: 'cpu', ok: true, reason: '' });
});
