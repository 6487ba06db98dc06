/** The health probe on webgpu (browser-webgpu project): a 32×32 matMul, so it runs on the GPU. Skips without an adapter. */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { probeWebgpu } from '@mobile-mm/core/test-utils';
import { probeBackend } from './probe.js';

const GPU = await probeWebgpu();

describe.skipIf(!GPU.available)(`probeBackend webgpu${GPU.available ? '' : ` (skipped: ${GPU.reason})`}`, () => {
  it('reports webgpu healthy and leaves it current', async () => {
    const first = await probeBackend('webgpu', { timeoutMs: 20_000 }); // starts the backend (setupBackend)
    expect(first, first.reason).toMatchObject({ backend: 'webgpu', ok: true, reason: '' });
    expect(tf.getBackend()).toBe('webgpu');
    const before = tf.memory().numTensors;
    const again = await probeBackend('webgpu', { timeoutMs: 20_000 });
    expect(again.ok, again.reason).toBe(true);
    expect(tf.memory().numTensors, 'leaked tensors').toBe(before);
  });
});
