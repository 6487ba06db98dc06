#!/usr/bin/env node
/**
 * npx tsx --conditions=source apps/bench/src/train-step/main.ts [shapes|step|all] [--quick] [--steps N]
 *   (or, after npm run build: node apps/bench/dist/train-step/main.js ...)
 *
 * Measures the two wasm fixes of @mobile-mm/core (registerWasmFixes):
 * BatchMatMul shapes of a training step, then whole training steps, each on
 * wasm stock / wasm fixed / wasm fixed on both cores / cpu in the same run. Writes
 * apps/bench/results/train-step.json and train-step.md.
 * A benchmark, not a test: nothing here asserts a time.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@mobile-mm/core/backend';
import { nodeMachine } from '../machine.js';
import { machineLine } from '../report.js';
import { matMulTable, runMatMulShapes, trainStepShapes, type MatMulCase } from './matmul-shapes.js';
import { TRAIN_STEP_MODEL } from './model.js';
import { runTrainStep, stepTable, type StepResult } from './train-step.js';

const RESULTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../results');

function parse(argv: string[]) {
  let suite = 'all';
  let quick = false;
  let steps = 5;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') quick = true;
    else if (a === '--steps') steps = Number(argv[++i]);
    else if (['shapes', 'step', 'all'].includes(a)) suite = a;
    else throw new Error(`unknown argument "${a}"; usage: main.js [shapes|step|all] [--quick] [--steps N]`);
  }
  if (!Number.isInteger(steps) || steps < 1) throw new Error('--steps needs an integer ≥ 1');
  return { suite, quick, steps };
}

const o = parse(process.argv.slice(2));
await setupBackend('wasm');
const machine = {
  ...nodeMachine(),
  /** 1/5/15-minute load averages at the start: other processes on the cores make every number slower. */
  loadAverageStart: os.loadavg().map((x) => Math.round(x * 10) / 10),
  wasmSimd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
  wasmThreads: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT'),
};

let shapes: MatMulCase[] = [];
if (o.suite !== 'step') {
  console.error('BatchMatMul shapes …');
  shapes = await runMatMulShapes({
    shapes: trainStepShapes(o.quick),
    time: o.quick ? { warmup: 1, minReps: 3, maxReps: 5, budgetMs: 50 } : undefined,
    onCase: (c) =>
      console.error(
        `  ${c.shape.padEnd(44)} ${c.variant.padEnd(12)} ${c.stats.median.toFixed(
          3
        )} ms wall, ${c.cpuStats.median.toFixed(3)} ms CPU`
      ),
  });
}

let steps: StepResult[] = [];
if (o.suite !== 'shapes') {
  console.error('training steps …');
  steps = await runTrainStep({
    batch: o.quick ? 4 : 32,
    warmup: o.quick ? { cpu: 1, wasm: 1 } : { cpu: 1, wasm: 3 },
    steps: o.quick ? 2 : o.steps,
    onStep: (v, i, t, loss) =>
      console.error(
        `  ${v.padEnd(11)} step ${i}: ${t.wallMs.toFixed(0)} ms wall, ${t.cpuMs.toFixed(0)} ms CPU, loss ${loss.toFixed(
          5
        )}`
      ),
  });
}

const md =
  `# Training step and BatchMatMul shapes: wasm stock vs wasm fixed vs both cores vs cpu (Node)\n\n${machineLine(machine)} · ` +
  `wasm SIMD ${machine.wasmSimd ? 'on' : 'off'}, threads ${
    machine.wasmThreads ? 'on' : 'off'
  } · load average at start ${machine.loadAverageStart.join(' / ')}\n\n` +
  (shapes.length
    ? "## BatchMatMul shapes\n\nMedian wall ms per call after warm-up, this process's CPU ms in parentheses (see clock.ts); every output checked against cpu first; wasm variants interleaved call by call. " +
      'wasm-stock = tfjs-backend-wasm 4.22 BatchMatMul; wasm-views / wasm-copies = the fixed kernel with its per-batch loop on heap views or on copied slices.\n\n' +
      `${matMulTable(shapes)}\n\n`
    : '') +
  (steps.length
    ? `## Training step\n\nEncoder-decoder, ${steps[0].params.toLocaleString('en-US')} parameters ` +
      `(C=${TRAIN_STEP_MODEL.channels}, H=${TRAIN_STEP_MODEL.heads}, F=${TRAIN_STEP_MODEL.ffn}, ` +
      `${TRAIN_STEP_MODEL.encoderLayers}+${TRAIN_STEP_MODEL.decoderLayers} layers, S=${TRAIN_STEP_MODEL.sourceLength}, T=${TRAIN_STEP_MODEL.targetLength}, V=${TRAIN_STEP_MODEL.vocab}), ` +
      `batch ${steps[0].batch}, Adam via optimizer.minimize. First step reported separately, then warm-up steps, then median of ${steps[0].stats.n}. ` +
      'wasm-stock has only the UnsortedSegmentSum fix (the embedding gradient needs it); cpu embeds by oneHot·matMul (see model.ts). ' +
      'wasm-fixed-2t = wasm-fixed on both cores: the main thread and one worker thread (train-step/worker.ts, its own tfjs-wasm) each compute the ' +
      'gradients of half the batch, the main thread averages them and applies one Adam update; the weights go to the worker every step ' +
      '(a copy of 3.7 MB), as in apps/train\'s `--workers 2`. Its CPU ms count both threads. ' +
      'The wasm variants train side by side, one step each in turn; every loss is checked against cpu\'s before any time is reported.\n\n' +
      `${stepTable(steps)}\n`
    : '');

const loadAverageEnd = os.loadavg().map((x) => Math.round(x * 10) / 10);
const name = o.quick ? 'train-step.quick' : 'train-step';
await mkdir(RESULTS, { recursive: true });
await writeFile(
  path.join(RESULTS, `${name}.json`),
  JSON.stringify({ machine: { ...machine, loadAverageEnd }, quick: o.quick, shapes, steps }, null, 2) + '\n'
);
await writeFile(path.join(RESULTS, `${name}.md`), md);
console.log(md);
