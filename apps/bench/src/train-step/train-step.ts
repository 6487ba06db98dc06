/**
 * Times one training step (forward + backward + Adam update through
 * optimizer.minimize) of the ~1M-parameter encoder-decoder in model.ts, on:
 *
 *   wasm-stock   tfjs-wasm as shipped, plus only the UnsortedSegmentSum fix
 *                (the embeddings' gradient needs it; stock wasm cannot train them)
 *   wasm-fixed   both wasm fixes (registerWasmFixes())
 *   wasm-fixed-2t  wasm-fixed on both cores: data-parallel, the main thread
 *                and one worker thread (worker.ts) each take half the batch,
 *                the gradients are averaged, then one Adam update (what
 *                apps/train's --workers 2 does, on this model)
 *   cpu          tfjs-backend-cpu, the reference, with oneHot·matMul embeddings
 *                (its UnsortedSegmentSum is too slow to train with; model.ts)
 *
 * Same weights, same batch, same run. The losses of the first steps are
 * checked against cpu's before any timing is trusted; the first step is
 * reported separately, then warm-up, then median and spread.
 */
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmFixes, setupBackend } from '@mobile-mm/core/backend';
import '@mobile-mm/core/gradients'; // training: every op gradient (tfjs-core alone registers none in Node)
import { summarize, type TimingStats } from '../stats.js';
import { measure, type Sample } from './clock.js';
import { TRAIN_STEP_MODEL, TrainStepModel, tokenBatch, type TrainStepModelConfig } from './model.js';
import type { ShardAnswer, ShardMessage } from './worker.js';

export type StepVariant = 'wasm-stock' | 'wasm-fixed' | 'wasm-fixed-2t' | 'cpu';
export const STEP_VARIANTS: StepVariant[] = ['cpu', 'wasm-stock', 'wasm-fixed', 'wasm-fixed-2t'];

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
  /** 1000 / median wall ms. */
  stepsPerSecond: number;
  /** This process's CPU ms per step, all threads (load-insensitive; see clock.ts). */
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
  /** wasm-fixed-2t: the gradient worker and the two halves of the batch (first half here, second sent to the worker). */
  parallel?: { worker: Worker; local: ReturnType<typeof tokenBatch>; remote: Omit<ShardMessage, 'weights'> };
}

/** Rows [from, to) of a [B, L] int32 tensor. */
const rows = (t: tf.Tensor2D, from: number, to: number) => tf.slice(t, [from, 0], [to - from, t.shape[1]]);

function startWorker(config: TrainStepModelConfig): Promise<Worker> {
  const w = import.meta.url.endsWith('.ts')
    ? new Worker(new URL('./worker-source.mjs', import.meta.url), { workerData: { config }, execArgv: ['--conditions=source'] })
    : new Worker(new URL('./worker.js', import.meta.url), { workerData: { config } });
  return new Promise((resolve, reject) => {
    w.once('message', (m: { ready?: boolean }) => (m.ready ? resolve(w) : reject(new Error(`train-step worker: ${JSON.stringify(m)}`))));
    w.once('error', reject);
  });
}

async function startRun(variant: StepVariant, config: TrainStepModelConfig, batch: number): Promise<Run> {
  const run: Run = {
    variant,
    model: new TrainStepModel(variant === 'cpu' ? { ...config, embedding: 'onehot' } : config),
    data: tokenBatch(config, batch),
    optimizer: tf.train.adam(1e-3),
    losses: [],
    times: [],
    tensorGrowth: 0,
  };
  if (variant === 'wasm-fixed-2t') {
    const half = Math.floor(batch / 2);
    if (half < 1 || batch % 2 !== 0) throw new Error(`wasm-fixed-2t splits the batch in two equal halves; got batch ${batch}`);
    const { src, tgt, labels } = run.data;
    const local = { src: rows(src, 0, half), tgt: rows(tgt, 0, half), labels: rows(labels, 0, half) };
    const [rs, rt, rl] = tf.tidy(() => [rows(src, half, batch), rows(tgt, half, batch), rows(labels, half, batch)]);
    const remote = { src: rs.dataSync() as Int32Array, tgt: rt.dataSync() as Int32Array, labels: rl.dataSync() as Int32Array, rows: batch - half };
    tf.dispose([rs, rt, rl]);
    run.parallel = { worker: await startWorker(config), local, remote };
  }
  return run;
}

function askWorker(w: Worker, m: ShardMessage): Promise<{ loss: number; grads: Float32Array[] }> {
  return new Promise((resolve, reject) => {
    w.once('message', (a: ShardAnswer) => ('error' in a ? reject(new Error(a.error)) : resolve(a)));
    w.postMessage(m);
  });
}

/**
 * One data-parallel step: the worker gets the weights and its half first,
 * the main thread computes its half meanwhile; the mean of the two halves'
 * mean losses and gradients equals the full batch's (equal halves).
 */
async function parallelStep(run: Run): Promise<number> {
  const { model, optimizer, parallel } = run;
  const vars = model.params.vars;
  const weights = vars.map((v) => v.dataSync() as Float32Array);
  const remote = askWorker(parallel!.worker, { weights, ...parallel!.remote });
  const { local } = parallel!;
  const mine = tf.variableGrads(() => model.loss(local.src, local.tgt, local.labels), vars);
  const other = await remote;
  const grads = tf.tidy(() =>
    Object.fromEntries(vars.map((v, i) => [v.name, tf.mul(tf.add(mine.grads[v.name], tf.tensor(other.grads[i], v.shape)), 0.5)])),
  );
  optimizer.applyGradients(grads);
  const loss = ((await mine.value.data())[0] + other.loss) / 2;
  tf.dispose([mine.value, ...Object.values(mine.grads), ...Object.values(grads)]);
  return loss;
}

async function step(run: Run): Promise<void> {
  const { model, data, optimizer } = run;
  let value = NaN;
  const sample = await measure(async () => {
    if (run.parallel) {
      value = await parallelStep(run);
      return;
    }
    const loss = optimizer.minimize(() => model.loss(data.src, data.tgt, data.labels), true, model.params.vars)!;
    value = (await loss.data())[0];
    loss.dispose();
  });
  run.times.push(sample);
  run.losses.push(value);
}

async function endRun(run: Run): Promise<void> {
  run.optimizer.dispose();
  run.model.dispose();
  tf.dispose([run.data.src, run.data.tgt, run.data.labels]);
  if (run.parallel) {
    tf.dispose(Object.values(run.parallel.local));
    await run.parallel.worker.terminate();
  }
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
    const run = await startRun('cpu', config, batch);
    try {
      await train([run], () => {}, warmup.cpu);
    } finally {
      await endRun(run);
    }
    finished.push(run);
  }
  const wasmVariants = variants.filter((v) => v !== 'cpu');
  if (wasmVariants.length > 0) {
    await setupBackend('wasm');
    const runs: Run[] = [];
    for (const v of wasmVariants) runs.push(await startRun(v, config, batch));
    try {
      await train(runs, (r) => useWasmVariant(r.variant), warmup.wasm);
    } finally {
      for (const r of runs) await endRun(r);
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
      stepsPerSecond: 1000 / summarize(r.times.slice(1 + warm).map((x) => x.wallMs)).median,
      cpuStats: summarize(r.times.slice(1 + warm).map((x) => x.cpuMs)),
      tensorGrowth: r.tensorGrowth,
    };
  });
}

const fmt = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '—');

export function stepTable(results: StepResult[]): string {
  const fixed = results.find((r) => r.variant === 'wasm-fixed');
  const rows = [
    '| variant | steps/s | median wall ms/step | IQR | min–max | median CPU ms/step | n | warm-up | first step ms | wall vs wasm-fixed | CPU vs wasm-fixed | loss rel. err vs cpu | tensor growth |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    const vs = (a: number, b: number | undefined) => (b ? `${(a / b).toFixed(2)}×` : '—');
    rows.push(
      `| ${r.variant} | ${fmt(1000 / r.stats.median, 2)} | ${fmt(r.stats.median)} | ${fmt(r.stats.iqr)} | ${fmt(r.stats.min)}–${fmt(r.stats.max)} | ${fmt(
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
