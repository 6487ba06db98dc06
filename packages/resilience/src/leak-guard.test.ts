import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { isMobileMMError } from '@mobile-mm/core';
import { describeBackends } from '@mobile-mm/core/test-utils';
import { TENSOR_LEAK } from './errors.js';
import { LeakGuard, type LeakReport } from './leak-guard.js';

describeBackends('LeakGuard', () => {
  it('reports tensors and bytes a request leaves behind, and nothing for a clean one', async () => {
    const reports: LeakReport[] = [];
    const guard = new LeakGuard({ onLeak: (r) => reports.push(r) });
    await guard.run(async () => {
      const x = tf.randomNormal([16, 16]);
      const s = tf.sum(x);
      await s.data();
      tf.dispose([x, s]);
    });
    expect(reports).toEqual([]);
    let kept: tf.Tensor | null = null;
    await guard.run(async () => {
      kept = tf.ones([8, 16]);
    });
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ tensors: 1, bytes: 8 * 16 * 4, requests: 1 });
    expect(guard.leaks).toBe(1);
    kept!.dispose();
  });

  it("'throw' mode fails the request with TENSOR_LEAK; declared holds and retained tensors are not leaks", async () => {
    const guard = new LeakGuard({ mode: 'throw' });
    const leaked: tf.Tensor[] = [];
    const e = await guard.run(async () => void leaked.push(tf.zeros([4]))).catch((x: unknown) => x);
    expect(isMobileMMError(e, TENSOR_LEAK)).toBe(true);
    const cache: tf.Tensor[] = [];
    const kept = new LeakGuard({ mode: 'throw', retained: () => ({ tensors: cache.length, bytes: cache.length * 16 }) });
    await kept.run(async () => {
      const model = tf.ones([2, 2]); // created in the window and meant to stay
      kept.hold(1, 16);
      leaked.push(model);
      cache.push(tf.ones([4]));
    });
    tf.dispose([...leaked, ...cache]);
  });

  it('measures a window over overlapping requests: baseline when the first starts, check when the last ends', async () => {
    const reports: LeakReport[] = [];
    const guard = new LeakGuard({ onLeak: (r) => reports.push(r) });
    const before = tf.memory().numTensors;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const held: tf.Tensor[] = [];
    const a = guard.run(async () => {
      const t = tf.ones([4]);
      await gate; // still holding t while b finishes: not a leak yet
      t.dispose();
    });
    const b = guard.run(async () => void held.push(tf.ones([4])));
    await b;
    expect(reports).toEqual([]);
    release();
    await a;
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ tensors: 1, requests: 2 });
    tf.dispose(held);
    expect(tf.memory().numTensors).toBe(before);
  });
});
