import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBackends } from '../test-utils/backends.js';
import { setupBackend } from './setup.js';
import { isMobileMMError } from '../errors.js';
import { isNode } from '../env.js';
import { availableBackends, detectWebgpu } from './backends.js';
import { probeWebgpu } from '../test-utils/index.js';

const GPU = await probeWebgpu();

describeBackends('setupBackend', (env) => {
  it('activates the backend and computes a matmul', async () => {
    expect(tf.getBackend()).toBe(env.backend);
    const a = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const b = tf.matMul(a, a);
    expect(Array.from(await b.data())).toEqual([7, 10, 15, 22]);
    tf.dispose([a, b]);
  });
});

it('rejects an unknown backend name with a typed error', async () => {
  await expect(setupBackend('tpu' as never)).rejects.toSatisfy((e) => isMobileMMError(e, 'INVALID_ARGUMENT'));
});

it.runIf(isNode())('webgpu in Node: BACKEND_UNAVAILABLE saying why and which backends are accepted', async () => {
  expect(availableBackends()).not.toContain('webgpu');
  const before = tf.getBackend();
  const err = await setupBackend('webgpu').then(
    () => null,
    (e: unknown) => e,
  );
  expect(isMobileMMError(err, 'BACKEND_UNAVAILABLE')).toBe(true);
  expect((err as Error).message).toMatch(/navigator\.gpu is missing/);
  expect((err as Error).message).toMatch(/accepted backends: cpu, wasm, webgl, webgpu or auto/);
  expect(tf.getBackend()).toBe(before); // the current backend is left as it was
});

// The browser project: Chromium without --enable-unsafe-webgpu has navigator.gpu but no adapter (measured, Chromium 156).
it.runIf(!isNode() && !GPU.available)(`webgpu without an adapter is left out and BACKEND_UNAVAILABLE (${GPU.reason})`, async () => {
  expect(await detectWebgpu()).toBe(false);
  expect(availableBackends()).not.toContain('webgpu');
  const err = await setupBackend('webgpu').then(
    () => null,
    (e: unknown) => e,
  );
  expect(isMobileMMError(err, 'BACKEND_UNAVAILABLE')).toBe(true);
  expect((err as Error).message).toMatch(/navigator\.gpu is missing|requestAdapter\(\) returned null/);
  expect((err as Error).message).toMatch(/accepted backends: cpu, wasm, webgl, webgpu or auto/);
});
