/**
 * The both-cores variant computes the same training step as one thread: the
 * worker's half-batch gradients averaged with the main thread's give the
 * losses of the full-batch step (same weights, same batch), and nothing
 * leaks. No timing assertions.
 */
import { expect, it } from 'vitest';
import { runTrainStep } from './train-step.js';

it('wasm-fixed-2t (main thread + worker, half the batch each) trains like wasm-fixed on the whole batch', async () => {
  const [fixed, both] = await runTrainStep({ variants: ['wasm-fixed', 'wasm-fixed-2t'], batch: 4, warmup: { cpu: 0, wasm: 1 }, steps: 2 });
  expect(both.variant).toBe('wasm-fixed-2t');
  expect(both.losses).toHaveLength(4);
  for (let i = 0; i < fixed.losses.length; i++) {
    expect(Math.abs(both.losses[i] - fixed.losses[i]) / fixed.losses[i], `step ${i}`).toBeLessThan(1e-4);
  }
  expect(both.losses[3]).toBeLessThan(both.losses[0]); // Adam steps on one batch lower its loss
  expect(both.tensorGrowth).toBe(0);
  expect(Number.isFinite(both.stepsPerSecond) && both.stepsPerSecond > 0).toBe(true);
});
