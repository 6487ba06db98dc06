/**
 * Times one training step (forward + backward + Adam update through
 * optimizer.minimize) of the ~1M-parameter encoder-decoder in model.ts, on:
 *
 *   wasm-stock   tfjs-wasm as shipped, plus only the UnsortedSegmentSum fix
 *                (the embeddings' gradient needs it; stock wasm cannot train them)
 *   wasm-fixed   both wasm fixes (registerWasmFixes())
 *   cpu          tfjs-backend-cpu, the reference, with oneHot·matMul embeddings
 *                (its UnsortedSegmentSum is too slow to train with; model.ts)
 *
 * Same weights, same batch, same run. The losses of the first steps are
 * checked against cpu's before any timing is trusted; the first step is
 * reported separately, then warm-up, then median and spread.
 */
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmFixes, setupBackend } from '@mobile-mm/core';
import { summarize, type TimingStats } from '../stats.js';
import { measure, type Sample } from './clock.js';
import { TRAIN_STEP_MODEL, TrainStepModel, tokenBatch, type TrainStepModelConfig } from './model.js';

export type StepVariant = 'wasm-stock' | 'wasm-fixed' | 'cpu';
export const STEP_VARIANTS: StepVariant[] = ['cpu', 'wasm-stock', 'wasm-fixed'];

export interface StepResult {
  variant: StepVariant;
  batch: number;
  params: number;
  /** Loss returned by each step (before that step's update), first step included. */
  losses: number[];
  /** Max relative difference of those losses from cpu's (0 for cpu). */
  lossError: number;
  firstStepMs: number;
  warmup: number;
  /** Wall-clock ms per step. */
  stats: TimingStats;
  /** This process's CPU ms per step (load-insensitive; see clock.ts). */
  cpuStats: TimingStats;
  /** Tensors alive after the last step minus after the first round (variants on one backend share the count): 0 means no leak. */
  tensorGrowth: number;
}

/** Loss agreement with cpu: float32 round-off over a few Adam steps. */
const MAX_LOSS_REL_ERROR = 1e-3;

interface Run {
  variant: StepVariant;
  model: TrainStepModel;
  data: ReturnType<typeof tokenBatch>;
  optimizer: tf.Optimizer;
  losses: number[];
  times: Sample[];
  /** Tensors alive after the last step minus after the first round of steps. */
  tensorGrowth: number;
}

function startRun(variant: StepVariant, config: TrainStepModelConfig, batch: number): Run {
  return {
    variant,
    model: new TrainStepModel(variant === 'cpu' ? { ...config, embedding: 'onehot' } : config),
    data: tokenBatch(config, batch),
    optimizer: tf.train.adam(1e-3),
    losses: [],
    times: [],
    tensorGrowth: 0,
  };
}

async function step(run: Run): Promise<void> {
  const { model, data, optimizer } = run;
  let value = NaN;
  const sample = await measure(async () => {
    const loss = optimizer.minimize(() => model.loss(data.src, data.tgt, data.labels), true, model.params.vars)!;
    value = (await loss.data())[0];
    loss.dispose();
  });
  run.times.push(sample);
  run.losses.push(value);
}

function endRun(run: Run): void {
  run.optimizer.dispose();
  run.model.dispose();
  tf.dispose([run.data.src, run.data.tgt, run.data.labels]);
}

/** Registers the variant's fixes on wasm (the wasm backend must be active). */
function useWasmVariant(variant: StepVariant): void {
  registerWasmFixes(variant === 'wasm-stock' ? { segmentSum: true, batchMatMul: false } : {});
}

/**
 * cpu runs on its own first (its losses are the reference); the wasm
 * variants then train side by side, one step each in turn, so load from
 * other processes on the machine hits them alike.
 */
export async function runTrainStep(opts: {
  variants?: StepVariant[];
  config?: TrainStepModelConfig;
  batch?: number;
  /** Untimed steps after the first, per backend: wasm speeds up over its first steps (V8 tiers wasm code up, the heap grows). */
  warmup?: { cpu: number; wasm: number };
  steps?: number;
  onStep?: (variant: StepVariant, step: number, time: Sample, loss: number) => void;
}): Promise<StepResult[]> {
  const variants = opts.variants ?? STEP_VARIANTS;
  const config = opts.config ?? TRAIN_STEP_MODEL;
  const batch = opts.batch ?? 32;
  const warmup = opts.warmup ?? { cpu: 1, wasm: 3 };
  const steps = opts.steps ?? 5;
  const finished: Run[] = [];

  const train = async (runs: Run[], before: (r: Run) => void, warm: number) => {
    let afterFirst = 0;
    for (let i = 0; i < 1 + warm + steps; i++) {
      for (const r of runs) {
        before(r);
        await step(r);
        opts.onStep?.(r.variant, i, r.times[i], r.losses[i]);
      }
      // The first round creates the optimizer's slots; nothing may accumulate after it.
      if (i === 0) afterFirst = tf.memory().numTensors;
    }
    for (const r of runs) r.tensorGrowth = tf.memory().numTensors - afterFirst;
  };

  if (variants.includes('cpu')) {
    await setupBackend('cpu');
    const run = startRun('cpu', config, batch);
    try {
      await train([run], () => {}, warmup.cpu);
    } finally {
      endRun(run);
    }
    finished.push(run);
  }
  const wasmVariants = variants.filter((v) => v !== 'cpu');
  if (wasmVariants.length > 0) {
    await setupBackend('wasm');
    const runs = wasmVariants.map((v) => startRun(v, config, batch));
    try {
      await train(runs, (r) => useWasmVariant(r.variant), warmup.wasm);
    } finally {
      runs.forEach(endRun);
    }
    finished.push(...runs);
    registerWasmFixes();
  }

  const reference = finished.find((r) => r.variant === 'cpu')?.losses;
  return finished.map((r) => {
    const warm = r.variant === 'cpu' ? warmup.cpu : warmup.wasm;
    let lossError = 0;
    if (reference && r.variant !== 'cpu') {
      for (let i = 0; i < reference.length; i++)
        lossError = Math.max(lossError, Math.abs(r.losses[i] - reference[i]) / Math.abs(reference[i]));
      if (!(lossError <= MAX_LOSS_REL_ERROR)) {
        throw new Error(
          `${r.variant}: losses ${r.losses.map((l) => l.toFixed(5))} differ from cpu's ${reference.map((l) =>
            l.toFixed(5)
          )}`
        );
      }
    }
    return {
      variant: r.variant,
      batch,
      params: r.model.params.numParams,
      losses: r.losses,
      lossError,
      firstStepMs: r.times[0].wallMs,
      warmup: warm,
      stats: summarize(r.times.slice(1 + warm).map((x) => x.wallMs)),
      cpuStats: summarize(r.times.slice(1 + warm).map((x) => x.cpuMs)),
      tensorGrowth: r.tensorGrowth,
    };
  });
}

const fmt = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '—');

export function stepTable(results: StepResult[]): string {
  const fixed = results.find((r) => r.variant === 'wasm-fixed');
  const rows = [
    '| variant | median wall ms/step | IQR | min–max | median CPU ms/step | n | warm-up | first step ms | wall vs wasm-fixed | CPU vs wasm-fixed | loss rel. err vs cpu | tensor growth |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    const vs = (a: number, b: number | undefined) => (b ? `${(a / b).toFixed(2)}×` : '—');
    rows.push(
      `| ${r.variant} | ${fmt(r.stats.median)} | ${fmt(r.stats.iqr)} | ${fmt(r.stats.min)}–${fmt(r.stats.max)} | ${fmt(
        r.cpuStats.median
      )} | ${r.stats.n} | ${r.warmup} | ${fmt(r.firstStepMs)} | ` +
        `${vs(r.stats.median, fixed?.stats.median)} | ${vs(
          r.cpuStats.median,
          fixed?.cpuStats.median
        )} | ${r.lossError.toExponential(1)} | ${r.tensorGrowth} |`
    );
  }
  return rows.join('\n');
}
