#!/usr/bin/env node
/**
 * npm run train -- --preset tiny --out DIR [--resume] [--minutes M] [--workers 2] ...
 *
 * SynthScenes data generated on the fly, wasm backend with the core's wasm
 * fixes, AdamW with warm-up + cosine, gradient clipping, periodic evaluation
 * on the val split, checkpoints every N steps and --resume. With --workers W,
 * W−1 worker threads compute gradient shards in parallel with the main thread
 * (data-parallel; tfjs-wasm uses one core per thread in Node).
 */
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { loadSafetensors, entryToTensor, saveSafetensors, tensorToEntry, type SafetensorsEntry } from '@mobile-mm/core';
import { setupBackend } from '@mobile-mm/core/backend';
import { createRenderer, type SampleLimits } from '@mobile-mm/synth';
import { MOBILE_MM_PRESETS, SceneTokenizer, VisionLanguageModel, growVocabulary, loadModel, saveModel } from '@mobile-mm/vision';
import { attachFakeQuant } from '@mobile-mm/vision/quantize';
import { AdamW } from './adamw.js';
import { parseTrainArgs, UsageError, type TrainArgs } from './args.js';
import { evaluate, resultTable } from './evaluate.js';
import { Progress, formatDuration } from './progress.js';
import { learningRate } from './schedule.js';
import { drawSamples, paramList, shardGradients, type ShardRequest } from './step.js';

interface TrainState {
  step: number;
  /** Next draw number of the training stream. */
  draw: number;
  /** Training seconds over all runs (resumes add up). */
  seconds: number;
  args: TrainArgs;
}

function curriculum(a: TrainArgs, step: number): SampleLimits | undefined {
  if (step >= a.curriculumSteps) return undefined;
  // First a third of the curriculum: one object and one short word; then two; then the full task.
  const phase = Math.floor((3 * step) / Math.max(1, a.curriculumSteps));
  return phase === 0 ? { maxObjects: 1, maxTokens: 1 } : { maxObjects: 2, maxTokens: 2 };
}

async function startWorkers(n: number, a: TrainArgs, model: VisionLanguageModel): Promise<Worker[]> {
  const url = new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url);
  return Promise.all(
    Array.from({ length: n }, () =>
      new Promise<Worker>((resolve, reject) => {
        const w = new Worker(url, {
          workerData: { config: model.config, tokenizer: model.tokenizer.toJSON(), backend: a.backend, qat: { bits: a.qat, groupSize: a.qatGroupSize } },
        });
        w.once('message', (m) => (m.ready ? resolve(w) : reject(new Error(String(m.error)))));
        w.once('error', reject);
      }),
    ),
  );
}

function runOnWorker(w: Worker, weights: Float32Array[], shard: ShardRequest): Promise<{ loss: number; grads: Float32Array[] }> {
  return new Promise((resolve, reject) => {
    w.once('message', (m) => (m.error ? reject(new Error(m.error)) : resolve(m)));
    w.postMessage({ weights, shard });
  });
}

async function saveAll(model: VisionLanguageModel, opt: AdamW, state: TrainState, out: string): Promise<void> {
  await saveModel(model, out, { train: { step: state.step, seconds: state.seconds, args: state.args } });
  const entries = new Map<string, SafetensorsEntry>();
  for (const [name, t] of opt.state()) entries.set(name, await tensorToEntry(t));
  await saveSafetensors(path.join(out, 'optimizer.safetensors'), entries, { step: String(opt.step) });
  await writeFile(path.join(out, 'state.json'), `${JSON.stringify(state, null, 2)}\n`);
}

async function main(): Promise<void> {
  const a = parseTrainArgs(process.argv.slice(2));
  const backend = await setupBackend(a.backend);
  const renderer = await createRenderer();
  let model: VisionLanguageModel;
  let state: TrainState = { step: 0, draw: a.seedOffset, seconds: 0, args: a };
  const resuming = a.resume && existsSync(path.join(a.out, 'state.json'));
  if (resuming) {
    model = (await loadModel(a.out)).model;
    const prev = JSON.parse(await readFile(path.join(a.out, 'state.json'), 'utf8')) as TrainState;
    state = { ...prev, args: a };
  } else if (a.init) {
    const init = await loadModel(a.init);
    if (init.quantization) throw new UsageError(`--init: ${a.init} is a packed checkpoint; fine-tune from a float one`);
    model = init.model;
    console.error(`initialised from ${a.init}`);
    if (a.languages && model.tokenizer.languages.length === 0) {
      // An English (v1) checkpoint fine-tuned into the six languages: same ids, new words appended.
      const grown = growVocabulary(model, SceneTokenizer.v2());
      console.error(`vocabulary grown ${model.tokenizer.vocabSize} → ${grown.tokenizer.vocabSize} (v2: six languages)`);
      model.dispose();
      model = grown;
    }
    if (a.cellMemory && !model.config.cellMemory) {
      // The same weights in a model whose scene memory also holds the cell vectors (lever 1 of run 6's notes).
      if (!model.config.sceneCells) throw new UsageError('--cell-memory needs a checkpoint with the scene-cell head (sceneCells)');
      const withCells = new VisionLanguageModel({ ...structuredClone(model.config), cellMemory: true }, model.tokenizer);
      const from = model.namedWeights();
      for (const [name, v] of Object.entries(withCells.namedWeights())) v.assign(from[name]);
      model.dispose();
      model = withCells;
      console.error('cellMemory on: the 9 cell vectors join the scene memory');
    }
  } else {
    // A language mix trains the v2 vocabulary (language tags, six grammars); none keeps v1's.
    model = VisionLanguageModel.fromPreset(a.preset, a.languages ? SceneTokenizer.v2() : undefined);
  }
  // QAT: the forward pass sees every linear kernel on its b-bit grid (straight-through gradients).
  if (a.qat) {
    attachFakeQuant(model, { bits: a.qat, groupSize: a.qatGroupSize });
    console.error(`quantization-aware training: int${a.qat}, group ${a.qatGroupSize}`);
  }
  const params = paramList(model);
  const nParams = params.reduce((s, [, v]) => s + v.size, 0);
  console.error(`preset ${a.preset}: ${nParams.toLocaleString('en-US')} parameters · fp32 ${(nParams * 4 / 2 ** 20).toFixed(2)} MiB · INT2 (g64, f16 scales) ≈ ${(nParams * 2.5 / 8 / 2 ** 20).toFixed(2)} MiB · backend ${backend}`);
  if (a.dryRun) {
    for (const [name, p] of Object.entries(MOBILE_MM_PRESETS)) {
      const m = VisionLanguageModel.fromPreset(name as keyof typeof MOBILE_MM_PRESETS);
      const n = m.parameterCount();
      console.log(`${name.padEnd(6)} ${n.toLocaleString('en-US').padStart(12)} params · fp32 ${(n * 4 / 2 ** 20).toFixed(1)} MiB · INT2 ≈ ${(n * 2.5 / 8 / 2 ** 20).toFixed(1)} MiB  (enc ${p.encoder.dim}×${p.encoder.numLayers}, dec ${p.decoder.dim}×${p.decoder.numLayers})`);
      m.dispose();
    }
    return;
  }
  const opt = new AdamW(new Map(params), { beta1: 0.9, beta2: 0.98, eps: 1e-8, weightDecay: a.weightDecay, clipNorm: a.clip });
  if (resuming && existsSync(path.join(a.out, 'optimizer.safetensors'))) {
    const parsed = await loadSafetensors(path.join(a.out, 'optimizer.safetensors'));
    const st = new Map<string, tf.Tensor>();
    for (const [name, e] of parsed.tensors) st.set(name, entryToTensor(e, name));
    opt.load(st, state.step);
    tf.dispose([...st.values()]);
  }
  await mkdir(a.out, { recursive: true });
  const workers = await startWorkers(a.workers - 1, a, model);
  const logPath = path.join(a.out, 'log.jsonl');
  const progress = new Progress(a.steps, state.step);
  const sched = { peak: a.lr, warmupSteps: a.warmup, totalSteps: a.steps, minRatio: 0.05 };
  const runStart = performance.now();
  const secondsAtStart = state.seconds;
  let emaLoss = NaN;
  console.error(`training ${a.steps} steps (from ${state.step}), batch ${a.batch} on ${a.workers} thread(s), stop after ${a.minutes} min total`);

  while (state.step < a.steps && state.seconds < a.minutes * 60) {
    const limits = curriculum(a, state.step);
    const shards = a.workers;
    const per = Math.floor(a.batch / shards);
    const reqs: ShardRequest[] = Array.from({ length: shards }, (_, i) => ({
      start: state.draw + i * per,
      count: i === shards - 1 ? a.batch - per * (shards - 1) : per,
      mix: a.mix,
      lossWeights: a.lossWeights,
      limits,
      augment: a.augment,
      ...(a.languages ? { languages: a.languages } : {}),
    }));
    const weights = workers.length ? params.map(([, v]) => v.dataSync() as Float32Array) : [];
    const remote = workers.map((w, i) => runOnWorker(w, weights, reqs[i + 1]));
    const local = shardGradients(model, params, drawSamples(renderer, reqs[0]), a.lossWeights);
    const others = await Promise.all(remote);
    const grads = new Map<string, tf.Tensor>();
    params.forEach(([name, v], i) => {
      let g = local.grads[i];
      if (others.length) {
        const sum = tf.tidy(() => tf.div(tf.addN([g, ...others.map((o) => tf.tensor(o.grads[i], v.shape))]), shards));
        g.dispose();
        g = sum;
      }
      grads.set(name, g);
    });
    const loss = (local.loss + others.reduce((s, o) => s + o.loss, 0)) / shards;
    const lr = learningRate(state.step, sched);
    const gnorm = opt.apply(grads, lr);
    tf.dispose([...grads.values()]);
    state.step += 1;
    state.draw += a.batch;
    state.seconds = secondsAtStart + (performance.now() - runStart) / 1000;
    emaLoss = Number.isNaN(emaLoss) ? loss : 0.98 * emaLoss + 0.02 * loss;
    progress.update(state.step, { loss: emaLoss, lr: lr.toExponential(2), gnorm: gnorm });
    if (state.step % 20 === 0) {
      await appendFile(logPath, `${JSON.stringify({ step: state.step, loss, ema: emaLoss, lr, gnorm, seconds: Math.round(state.seconds), tensors: tf.memory().numTensors })}\n`);
    }
    if (state.step % a.checkpointEvery === 0) await saveAll(model, opt, state, a.out);
    if (a.evalEvery > 0 && state.step % a.evalEvery === 0) {
      const { result } = await evaluate(model, renderer, 'val', a.evalN);
      progress.done();
      console.error(`step ${state.step} · ${formatDuration(state.seconds)} · val: caption ${result.caption.exact.toFixed(3)} (bleu ${result.caption.bleu4.toFixed(3)}) · ocr ${result.ocr.exact.toFixed(3)} (cer ${result.ocr.cer.toFixed(3)}, ${result.ocr.reader})${result.ocrDecoder ? ` · ocr-decoder ${result.ocrDecoder.exact.toFixed(3)} (cer ${result.ocrDecoder.cer.toFixed(3)})` : ''} · vqa ${result.vqa.accuracy.toFixed(3)}`);
      await appendFile(logPath, `${JSON.stringify({ step: state.step, seconds: Math.round(state.seconds), eval: result })}\n`);
    }
  }
  progress.done();
  await saveAll(model, opt, state, a.out);
  await Promise.all(workers.map((w) => w.terminate()));
  const { result } = await evaluate(model, renderer, 'val', a.evalN);
  console.log(`\nstopped at step ${state.step} after ${formatDuration(state.seconds)}; checkpoint in ${a.out}\n\n${resultTable(result)}`);
  opt.dispose();
  model.dispose();
}

main().catch((e) => {
  if (e instanceof UsageError) {
    console.error(`error: ${e.message}\nusage: npm run train -- [--preset tiny] [--out DIR] [--resume] [--init DIR] [--qat int2] [--steps N] [--minutes M] [--batch B] [--lr X] [--workers W] ...`);
    process.exit(2);
  }
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
