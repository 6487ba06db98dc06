/**
 * One group of the `runtimes` suite in its own process (runtimes.ts spawns
 * it with a GroupSpec as JSON and reads a GroupResult from the last line of
 * stdout). See runtimes.ts for what is measured.
 */
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@mobile-mm/core/backend';
import { GraphBuilder, MS_DOMAIN, encodeModel, modelProto } from '@mobile-mm/export';
import { OnnxVisionModel, type OrtModule, type OrtSession } from '@mobile-mm/export/onnx-runtime';
import { QuantizedTensor, quantizedMatMul, registerInt2Kernels, type Bits } from '@mobile-mm/int2';
import { createRenderer, exactMatchRate, makeTaskSample, vqaAccuracy, type TaskSample } from '@mobile-mm/synth';
import { answer, loadModel, type VisionLanguageModel } from '@mobile-mm/vision';
import { RACE_TASKS, folderBytes, type GroupResult, type GroupSpec, type KernelRaceCase, type RaceCase, type RaceLoad, type RaceTask, type RaceVariant, type RuntimeName } from './runtimes.js';
import { summarize, time } from './stats.js';

const spec = JSON.parse(process.argv[2]) as GroupSpec;
tf.env().set('PROD', true);
let peakRss = process.memoryUsage().rss;
const sampleRss = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));

/** One call of a task on one sample: the answer text, generated tokens (+ <eos>) and decoder ms. */
type Caller = (task: RaceTask, s: TaskSample) => Promise<{ text: string; tokens: number; decodeMs: number }>;

function tfjsCaller(model: VisionLanguageModel): Caller {
  return async (task, s) => {
    const t = task === 'ocr-ctc' || task === 'ocr-decoder' ? 'ocr' : task;
    const r = await answer(model, [s.image], t, task === 'vqa' ? s.prompt : undefined, { decoding: task === 'ocr-ctc' ? 'ctc' : 'greedy' });
    const a = r.answers[0];
    return { text: a.text, tokens: task === 'ocr-ctc' ? 0 : a.tokens.length + 1, decodeMs: r.timings.decodeMs };
  };
}

function onnxCaller(model: OnnxVisionModel): Caller {
  return async (task, s) => {
    const t = task === 'ocr-ctc' || task === 'ocr-decoder' ? 'ocr' : task;
    const timings: { decodeMs?: number } = {};
    const [a] = await model.answer([s.image], t, task === 'vqa' ? s.prompt : undefined, { decoding: task === 'ocr-ctc' ? 'ctc' : 'greedy', timings });
    return { text: a.text, tokens: task === 'ocr-ctc' ? 0 : a.tokens.length + 1, decodeMs: timings.decodeMs ?? NaN };
  };
}

function score(task: RaceTask, samples: TaskSample[], preds: string[]): number {
  if (task === 'vqa') return vqaAccuracy(samples.map((s, i) => ({ templateId: s.templateId ?? '?', prediction: preds[i], answer: s.answer }))).accuracy;
  return exactMatchRate(preds, samples.map((s) => s.answer));
}

const ortModules = new Map<RuntimeName, Promise<OrtModule>>();

/** onnxruntime-web (wasm threads fixed by the group, before its first session) or onnxruntime-node. */
function ortModule(runtime: RuntimeName): Promise<OrtModule> {
  let m = ortModules.get(runtime);
  if (!m) {
    m =
      runtime === 'ort-web'
        ? import('onnxruntime-web').then((web) => {
            web.env.wasm.numThreads = spec.webThreads;
            return web as unknown as OrtModule;
          })
        : (import('onnxruntime-node') as Promise<unknown> as Promise<OrtModule>);
    ortModules.set(runtime, m);
  }
  return m;
}

function sessionOptions(runtime: RuntimeName, threads: number): Record<string, unknown> {
  // No spin-waiting of idle intra-op threads: on a shared 2-core machine they take the core from whoever runs next.
  return runtime === 'ort-node' ? { intraOpNumThreads: threads, interOpNumThreads: 1, extra: { session: { intra_op: { allow_spinning: '0' } } } } : {};
}

interface Loaded {
  v: RaceVariant;
  call: Caller;
  release: () => Promise<void>;
  load: RaceLoad;
}

async function loadVariant(v: RaceVariant, first: TaskSample): Promise<Loaded> {
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  let call: Caller;
  let release: () => Promise<void>;
  if (v.runtime === 'tfjs-wasm') {
    const { model } = await loadModel(v.dir);
    call = tfjsCaller(model);
    release = async () => model.dispose();
  } else {
    const model = await OnnxVisionModel.load(await ortModule(v.runtime), v.dir, { sessionOptions: sessionOptions(v.runtime, v.threads) });
    call = onnxCaller(model);
    release = () => model.release();
  }
  const loadMs = performance.now() - t0;
  const f0 = performance.now();
  await call('caption', first);
  const firstCallMs = performance.now() - f0;
  sampleRss();
  const load: RaceLoad = { runtime: v.runtime, variant: v.variant, threads: v.threads, loadMs, firstCallMs, rssMiB: (process.memoryUsage().rss - rss0) / 2 ** 20, fileBytes: await folderBytes(v.dir) };
  return { v, call, release, load };
}

/**
 * Every variant of the group answers each sample in turn (round robin), so
 * all of them see the same moments of a shared machine's load.
 */
async function raceTask(all: Loaded[], task: RaceTask, samples: TaskSample[]): Promise<RaceCase[]> {
  const pool = samples.length;
  for (let i = 0; i < spec.warmup; i++) for (const l of all) await l.call(task, samples[pool - 2 - i]);
  const acc = all.map(() => ({ ms: [] as number[], preds: [] as string[], tokens: 0, decodeMs: 0 }));
  for (let i = 0; i < spec.calls; i++) {
    for (const [j, l] of all.entries()) {
      const c0 = performance.now();
      const r = await l.call(task, samples[i]);
      acc[j].ms.push(performance.now() - c0);
      acc[j].preds.push(r.text);
      acc[j].tokens += r.tokens;
      acc[j].decodeMs += r.decodeMs;
    }
    sampleRss();
  }
  return all.map((l, j) => ({
    runtime: l.v.runtime,
    variant: l.v.variant,
    threads: l.v.threads,
    task,
    stats: summarize(acc[j].ms),
    msPerToken: acc[j].tokens > 0 ? acc[j].decodeMs / acc[j].tokens : NaN,
    meanTokens: acc[j].tokens / spec.calls,
    correct: score(task, samples.slice(0, spec.calls), acc[j].preds),
  }));
}

// ------------------------------------------------------------------ kernels

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Random packed weight [K, N] (canonical layout), bits b, group 64, and x [M, K]. */
function kernelData(m: number, k: number, bits: Bits) {
  const r = lcg(k * 31 + m + bits);
  const n = k;
  const groups = k / 64;
  const codes = Uint8Array.from({ length: (n * k * bits) / 8 }, () => Math.floor(r() * 256));
  const scales = Float32Array.from({ length: n * groups }, () => 0.005 + 0.01 * r());
  const mins = Float32Array.from({ length: n * groups }, () => -0.03 + 0.02 * r());
  const x = Float32Array.from({ length: m * k }, () => 2 * r() - 1);
  return { n, groups, codes, scales, mins, x };
}

/** Code q[k, n] of canonical codes (row n along k, lowest k in the lowest bits). */
function code(codes: Uint8Array, rowBytes: number, n: number, k: number, bits: number): number {
  const perByte = 8 / bits;
  return (codes[n * rowBytes + Math.floor(k / perByte)] >> (bits * (k % perByte))) & ((1 << bits) - 1);
}

/** Row 0 of x·W with ŵ = scale·q (+ min when `withMins`), float64. */
function referenceRow(d: ReturnType<typeof kernelData>, k: number, bits: number, withMins: boolean): Float64Array {
  const rowBytes = (k * bits) / 8;
  const y = new Float64Array(d.n);
  for (let n = 0; n < d.n; n++) {
    let acc = 0;
    for (let kk = 0; kk < k; kk++) {
      const g = n * d.groups + Math.floor(kk / 64);
      acc += d.x[kk] * (d.scales[g] * code(d.codes, rowBytes, n, kk, bits) + (withMins ? d.mins[g] : 0));
    }
    y[n] = acc;
  }
  return y;
}

function maxErr(y: ArrayLike<number>, ref: Float64Array): number {
  let e = 0;
  for (let i = 0; i < ref.length; i++) e = Math.max(e, Math.abs(y[i] - ref[i]));
  return e;
}

/** The float W [K, N] of a packed one (min included when `withMins`). */
function dense(d: ReturnType<typeof kernelData>, k: number, bits: number, withMins: boolean): Float32Array {
  const w = new Float32Array(k * d.n);
  const rowBytes = (k * bits) / 8;
  for (let n = 0; n < d.n; n++)
    for (let kk = 0; kk < k; kk++) {
      const g = n * d.groups + Math.floor(kk / 64);
      w[kk * d.n + n] = d.scales[g] * code(d.codes, rowBytes, n, kk, bits) + (withMins ? d.mins[g] : 0);
    }
  return w;
}

async function tfjsKernels(): Promise<KernelRaceCase[]> {
  const out: KernelRaceCase[] = [];
  const opts = { warmup: 2, minReps: 5, maxReps: 100, budgetMs: spec.kernelBudgetMs };
  for (const { m, k } of spec.kernelShapes) {
    const d = kernelData(m, k, 2);
    const ref = referenceRow(d, k, 2, true);
    const x = tf.tensor2d(d.x, [m, k]);
    const q = QuantizedTensor.fromCanonical({ inDim: k, outDim: d.n, bits: 2, groupSize: 64, scaleDtype: 'float32', codes: d.codes, scales: d.scales, mins: d.mins });
    const w = tf.tensor2d(dense(d, k, 2, true), [k, d.n]);
    for (const [op, f] of [
      ['Int2MatMul b2', () => quantizedMatMul(x, q)],
      ['matMul f32', () => tf.matMul(x, w)],
    ] as const) {
      const check = f();
      const err = maxErr((await check.data()).subarray(0, d.n), ref);
      check.dispose();
      const stats = await time(async () => {
        const y = f();
        await y.data();
        y.dispose();
      }, opts);
      out.push({ runtime: 'tfjs-wasm', threads: 1, op, m, k, n: d.n, stats, maxAbsErr: err });
    }
    tf.dispose([x, w]);
    q.dispose();
  }
  return out;
}

/** A one-node ONNX model: y = MatMulNBits(x) (bits, accuracy level) or MatMul(x, W f32). */
function oneNodeModel(d: ReturnType<typeof kernelData>, m: number, k: number, bits: number, acc: number | null): Uint8Array {
  const g = new GraphBuilder();
  const x = g.input('x', 'float32', [m, k]);
  let y: string;
  if (acc === null) {
    y = g.op('MatMul', [x, g.weight('w', dense(d, k, bits, false), [k, d.n])]);
  } else {
    const zp = g.weight('zp', new Uint8Array(d.n * Math.ceil((d.groups * bits) / 8)), [d.n, Math.ceil((d.groups * bits) / 8)]);
    y = g.op('MatMulNBits', [x, g.weight('b', d.codes, [d.n, d.groups, (64 * bits) / 8]), g.weight('scales', d.scales, [d.n, d.groups]), zp], { K: k, N: d.n, bits, block_size: 64, accuracy_level: acc }, { domain: MS_DOMAIN });
  }
  g.output(y, 'y', 'float32', [m, d.n]);
  return encodeModel(modelProto(g.graph('kernel'), {}, g.usesMicrosoftOps));
}

async function ortKernels(runtime: RuntimeName, threadsList: number[]): Promise<KernelRaceCase[]> {
  const ort = await ortModule(runtime);
  const out: KernelRaceCase[] = [];
  const opts = { warmup: 2, minReps: 5, maxReps: 100, budgetMs: spec.kernelBudgetMs };
  for (const threads of threadsList) {
    for (const { m, k } of spec.kernelShapes) {
      for (const [bits, acc] of [
        [2, 0],
        [2, 4],
        [4, 0],
        [4, 4],
        [2, null],
      ] as const) {
        const d = kernelData(m, k, bits);
        const ref = referenceRow(d, k, bits, false);
        const session: OrtSession = await ort.InferenceSession.create(oneNodeModel(d, m, k, bits, acc), sessionOptions(runtime, threads));
        const feeds = { x: new ort.Tensor('float32', d.x, [m, k]) };
        const check = await session.run(feeds);
        const err = maxErr((check.y.data as Float32Array).subarray(0, d.n), ref);
        const stats = await time(async () => {
          const r = await session.run(feeds);
          r.y.dispose?.();
        }, opts);
        out.push({ runtime, threads, op: acc === null ? 'MatMul f32' : `MatMulNBits b${bits} acc${acc}`, m, k, n: d.n, stats, maxAbsErr: err });
        await session.release();
        sampleRss();
      }
    }
  }
  return out;
}

async function main(): Promise<GroupResult> {
  await setupBackend('wasm');
  registerInt2Kernels();
  const renderer = await createRenderer();
  const pool = spec.calls + spec.warmup + 2;
  const samples = Object.fromEntries(
    RACE_TASKS.map((t) => [t, Array.from({ length: pool }, (_, k) => makeTaskSample(renderer, 'heldout', t === 'ocr-ctc' || t === 'ocr-decoder' ? 'ocr' : t, k))]),
  ) as Record<RaceTask, TaskSample[]>;
  const all: Loaded[] = [];
  for (const v of spec.variants) {
    all.push(await loadVariant(v, samples.caption[pool - 1]));
    process.stderr.write(`  loaded ${v.runtime} ${v.variant} ${v.threads}t\n`);
  }
  const cases: RaceCase[] = [];
  for (const task of RACE_TASKS) {
    cases.push(...(await raceTask(all, task, samples[task])));
    process.stderr.write(`  ${task} done\n`);
  }
  for (const l of all) await l.release();
  const kernels: KernelRaceCase[] = [];
  for (const [runtime, threads] of Object.entries(spec.kernels) as [RuntimeName, number[]][]) {
    kernels.push(...(runtime === 'tfjs-wasm' ? await tfjsKernels() : await ortKernels(runtime, threads)));
  }
  return { group: spec.name, loads: all.map((l) => l.load), cases, kernels, peakRssMiB: peakRss / 2 ** 20 };
}

const result = await main();
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
