/**
 * Test helpers for the webgpu kernels: whether an adapter exists (suites skip
 * with the reason when none does), the backend, and a leak check that also
 * covers GPU buffer bytes. The adversarial weights and exact comparisons are
 * the webgl suites' (../../webgl/__fixtures__).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { expect } from 'vitest';
import { expectNoLeak, probeWebgpu, WEBGPU_ENV, type BackendEnv } from '@mobile-mm/core/test-utils';

export { adversarialWeights, caseName, expectRoundedOnceWhereExact, expectSameBits, type Case } from '../../webgl/__fixtures__/webgl-test-utils.js';

/** Probed once per test file, at collection time (top-level await). */
export const GPU = await probeWebgpu();

/** Suite title suffix: the adapter, or why the suite is skipped. */
export const GPU_NOTE = GPU.available ? '' : ` (skipped: ${GPU.reason})`;

export const WEBGPU_ENVS: BackendEnv[] = [WEBGPU_ENV];

export function webgpuBackend(): WebGPUBackend {
  expect(tf.getBackend()).toBe('webgpu');
  return tf.backend() as WebGPUBackend;
}

/** Uploads `tensors` to GPU buffers now (tfjs uploads lazily, on first use), so a leak check around a kernel sees only what it allocates. */
export function uploadToGpu(tensors: tf.Tensor[]): void {
  const backend = webgpuBackend();
  for (const t of tensors) backend.uploadToGPU(t.dataId);
}

/**
 * expectNoLeak (tensor count) plus: tf.memory().numBytes is back where it was
 * once `body` has disposed its outputs, and the backend's GPU buffer bytes in
 * use (numBytesInGPU) are no higher than before — buffers still owned by
 * submitted work are released a submit later, so "no higher" rather than "equal".
 * Inputs created before must already be on the GPU (uploadToGpu).
 */
export async function expectNoGpuLeak<T>(body: () => T | Promise<T>): Promise<T> {
  const before = tf.memory() as tf.MemoryInfo & { numBytesInGPU: number };
  const out = await expectNoLeak(body);
  const after = tf.memory() as tf.MemoryInfo & { numBytesInGPU: number };
  expect(after.numBytes, 'leaked tensor bytes').toBe(before.numBytes);
  expect(after.numBytesInGPU, 'leaked GPU buffer bytes').toBeLessThanOrEqual(before.numBytesInGPU);
  return out;
}
