/**
 * Runs one suite on every backend of the current environment, like tfjs's
 * describeWithFlags(ALL_ENVS): cpu and wasm in Node; webgl (fp32 and forced
 * f16 textures) and wasm in Chromium.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { BackendName } from '../backend/backends.js';
import { loadBackend, setupBackend } from '../backend/setup.js';
import { isNode } from '../env.js';

export interface BackendEnv {
  name: string;
  backend: BackendName;
  flags?: Record<string, boolean | number>;
}

export const NODE_ENVS: BackendEnv[] = [
  { name: 'cpu', backend: 'cpu' },
  { name: 'wasm', backend: 'wasm' },
];
export const BROWSER_ENVS: BackendEnv[] = [
  { name: 'webgl', backend: 'webgl' },
  { name: 'wasm', backend: 'wasm' },
];
export const WEBGL_F16_ENV: BackendEnv = {
  name: 'webgl-f16',
  backend: 'webgl',
  // RENDER_FLOAT32 is derived once and cached: force it off too, or the env silently stays fp32.
  flags: { WEBGL_FORCE_F16_TEXTURES: true, WEBGL_RENDER_FLOAT32_ENABLED: false },
};

export function currentEnvs(extra: BackendEnv[] = []): BackendEnv[] {
  const base = isNode() ? NODE_ENVS : BROWSER_ENVS;
  return [...base, ...(isNode() ? [] : extra)];
}

const defaultFlags: Record<string, boolean | number> = {};

export async function activate(env: BackendEnv): Promise<void> {
  // The backend registers its own flags when its module loads: load it before reading them.
  await loadBackend(env.backend);
  // Reset flags a previous env set, then apply this env's flags.
  for (const [flag, value] of Object.entries(defaultFlags)) tf.env().set(flag, value);
  for (const flag of Object.keys(env.flags ?? {})) {
    if (!(flag in defaultFlags)) defaultFlags[flag] = tf.env().get(flag) as boolean | number;
  }
  if (env.flags && env.backend === 'webgl' && tf.findBackend('webgl')) {
    // Texture flags are read when the backend is created: start a fresh one.
    tf.removeBackend('webgl');
    const { MathBackendWebGL } = await import('@tensorflow/tfjs-backend-webgl');
    tf.registerBackend('webgl', () => new MathBackendWebGL(), 2);
  }
  await setupBackend(env.backend, { flags: env.flags });
}

/** describe() once per backend env; `fn` receives the env. */
export function describeBackends(
  title: string,
  fn: (env: BackendEnv) => void,
  options: { envs?: BackendEnv[]; f16?: boolean } = {},
): void {
  const envs = options.envs ?? currentEnvs(options.f16 ? [WEBGL_F16_ENV] : []);
  for (const env of envs) {
    describe(`${title} [${env.name}]`, () => {
      beforeAll(async () => {
        await activate(env);
      });
      afterAll(async () => {
        if (env.flags && env.backend === 'webgl') {
          for (const [flag, value] of Object.entries(defaultFlags)) tf.env().set(flag, value);
          tf.removeBackend('webgl');
          const { MathBackendWebGL } = await import('@tensorflow/tfjs-backend-webgl');
          tf.registerBackend('webgl', () => new MathBackendWebGL(), 2);
        }
      });
      fn(env);
    });
  }
}

/** Asserts `body` leaves no tensor behind (tf.memory().numTensors). */
export async function expectNoLeak<T>(body: () => T | Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const out = await body();
  expect(tf.memory().numTensors, 'leaked tensors').toBe(before);
  return out;
}

/** Seeded PRNG (mulberry32) for reproducible random test inputs. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Normal(0, std) samples from a seeded generator (Box–Muller). */
export function randn(n: number, seed: number, std = 1): Float64Array {
  const r = rng(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = Math.max(r(), 1e-12);
    out[i] = std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
  }
  return out;
}

/** max |a-b| / (atol + rtol·|b|) ≤ 1, with a readable failure. */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  atol: number,
  rtol = 0,
  label = 'values',
): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) / (atol + rtol * Math.abs(expected[i]));
    if (!(err <= worst)) {
      worst = err;
      worstAt = i;
    }
  }
  if (!(worst <= 1)) {
    throw new Error(
      `${label}: mismatch at ${worstAt}: got ${actual[worstAt]}, want ${expected[worstAt]} (atol ${atol}, rtol ${rtol})`,
    );
  }
}

/** The webgpu backend as a test env (only the browser-webgpu vitest project runs it). */
export const WEBGPU_ENV: BackendEnv = { name: 'webgpu', backend: 'webgpu' };

/** What navigator.gpu offers here, for describe.skipIf in *.webgpu.test.ts files. */
export interface WebgpuProbe {
  available: boolean;
  /** Why not, when unavailable; the adapter's description otherwise. */
  reason: string;
  /** GPUAdapterInfo fields, when an adapter was found. */
  info?: { vendor: string; architecture: string; device: string; description: string; isFallbackAdapter?: boolean };
}

/** Asks navigator.gpu for an adapter (no backend is started). Never throws. */
export async function probeWebgpu(): Promise<WebgpuProbe> {
  type AdapterInfoLike = { vendor?: string; architecture?: string; device?: string; description?: string };
  type AdapterLike = { info?: AdapterInfoLike; isFallbackAdapter?: boolean };
  const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<AdapterLike | null> } } }).navigator?.gpu;
  if (isNode()) return { available: false, reason: 'Node has no WebGPU' };
  if (gpu == null) {
    const secure = (globalThis as { isSecureContext?: boolean }).isSecureContext;
    return { available: false, reason: `navigator.gpu is missing (secure context: ${String(secure)}; Chromium needs --enable-unsafe-webgpu)` };
  }
  let adapter: AdapterLike | null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (e) {
    return { available: false, reason: `navigator.gpu.requestAdapter() threw: ${(e as Error).message}` };
  }
  if (adapter == null) return { available: false, reason: 'navigator.gpu.requestAdapter() returned null (no adapter)' };
  const i = adapter.info ?? {};
  const info = {
    vendor: i.vendor ?? '',
    architecture: i.architecture ?? '',
    device: i.device ?? '',
    description: i.description ?? '',
    isFallbackAdapter: adapter.isFallbackAdapter,
  };
  return { available: true, reason: `adapter ${JSON.stringify(info)}`, info };
}
