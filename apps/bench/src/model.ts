/**
 * Model benchmark (Node, and a browser page through browser/main.ts): the MobileMultiModalLLM facade per backend ×
 * variant × task, on held-out SynthScenes images (a different image every
 * call), greedy decoding ('balanced' profile; OCR reads with the CTC head on
 * models that have one) unless stated.
 *
 * Per backend and variant: load time (create(): backend start + weights),
 * first-call latency, steady-state median / IQR / p95 per call after
 * warm-up, calls per second (1000 / mean), decode tokens per second, peak
 * RSS and tfjs bytes, and weight bytes. fp32 on the same backend, measured in
 * the same run, is the baseline of the "vs fp32" column. Outputs are scored
 * against the ground truth of the timed samples (a check that the timed
 * calls produce real answers, not an accuracy figure: see MODEL_CARD.md for
 * n = 1,000).
 *
 * A feature-cache row ('fast' profile, one scene, different questions)
 * shows the repeated-question path.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MobileMultiModalLLM, type CallResult } from 'mobile-mm';
import { createRenderer, exactMatchRate, makeTaskSample, vqaAccuracy, type Renderer, type Task, type TaskSample } from '@mobile-mm/synth';
import { summarize, type TimingStats } from './stats.js';

export type ModelBackend = 'cpu' | 'wasm' | 'webgl';
export type ModelVariant = 'fp32' | 'int2';

export interface ModelCase {
  backend: ModelBackend;
  variant: ModelVariant;
  profile: 'balanced' | 'fast';
  task: Task;
  /** Per call, ms. */
  stats: TimingStats;
  callsPerSecond: number;
  /** Generated tokens per second of decode time. */
  decodeTokensPerSecond: number;
  meanTokens: number;
  /** fp32 median / this median on the same backend and task (>1 is faster). */
  vsFp32: number;
  /** Timed answers that were right (exact match; VQA accuracy). */
  correct: number;
  note?: string;
}

export interface ModelLoad {
  backend: ModelBackend;
  variant: ModelVariant;
  loadMs: number;
  firstCallMs: number;
  weightBytes: number;
  /** Peak process RSS (Node); NaN (null in JSON) where the host has none to read (a browser page). */
  peakRssMiB: number;
  peakTfjsMiB: number;
}

export interface ModelSuiteOptions {
  backends: ModelBackend[];
  variants: ModelVariant[];
  /** Timed calls per task (distinct images, cycled). */
  calls: number;
  warmup: number;
  onLine?: (line: string) => void;
  /** The SynthScenes renderer; default createRenderer() (in a browser pass one made with a font URL). */
  renderer?: Renderer;
}

/** Process RSS in bytes where there is a process (Node), else NaN. */
function rss(): number {
  return typeof process !== 'undefined' && typeof process.memoryUsage === 'function' ? process.memoryUsage().rss : NaN;
}

function imageOf(s: TaskSample) {
  return { data: s.image.data, width: s.image.width, height: s.image.height };
}

function call(mm: MobileMultiModalLLM, s: TaskSample): Promise<CallResult> {
  return s.task === 'caption' ? mm.caption(imageOf(s)) : s.task === 'ocr' ? mm.ocr(imageOf(s)) : mm.vqa(imageOf(s), s.prompt);
}

function score(task: Task, samples: TaskSample[], preds: string[]): number {
  if (task === 'vqa') return vqaAccuracy(samples.map((s, i) => ({ templateId: s.templateId ?? '?', prediction: preds[i], answer: s.answer }))).accuracy;
  return exactMatchRate(preds, samples.map((s) => s.answer));
}

export async function runModelSuite(o: ModelSuiteOptions): Promise<{ loads: ModelLoad[]; cases: ModelCase[] }> {
  const renderer = o.renderer ?? (await createRenderer());
  const tasks: Task[] = ['caption', 'ocr', 'vqa'];
  const pool = Math.max(o.calls, 8);
  const samples = Object.fromEntries(tasks.map((t) => [t, Array.from({ length: pool }, (_, k) => makeTaskSample(renderer, 'heldout', t, k))])) as Record<Task, TaskSample[]>;
  const loads: ModelLoad[] = [];
  const cases: ModelCase[] = [];
  const log = o.onLine ?? (() => undefined);

  for (const backend of o.backends) {
    const baseline = new Map<Task, number>();
    for (const variant of o.variants) {
      let peakRss = rss();
      let peakTf = 0;
      const sampleMemory = () => {
        peakRss = Math.max(peakRss, rss());
        peakTf = Math.max(peakTf, tf.memory().numBytes);
      };
      const t0 = performance.now();
      const mm = await MobileMultiModalLLM.create({ backend, variant, profile: 'balanced' });
      const loadMs = performance.now() - t0;
      sampleMemory();
      const f0 = performance.now();
      await call(mm, samples.caption[pool - 1]);
      const firstCallMs = performance.now() - f0;
      sampleMemory();
      for (const task of tasks) {
        for (let i = 0; i < o.warmup; i++) await call(mm, samples[task][(pool - 2 - i + pool) % pool]);
        const ms: number[] = [];
        const preds: string[] = [];
        let tokens = 0;
        let decodeMs = 0;
        for (let i = 0; i < o.calls; i++) {
          const s = samples[task][i % pool];
          const c0 = performance.now();
          const r = await call(mm, s);
          ms.push(performance.now() - c0);
          preds.push(r.text);
          tokens += r.tokens.length + 1; // + <eos>
          decodeMs += r.timings.decodeMs;
          sampleMemory();
        }
        const stats = summarize(ms);
        const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
        if (variant === 'fp32') baseline.set(task, stats.median);
        const c: ModelCase = {
          backend,
          variant,
          profile: 'balanced',
          task,
          stats,
          callsPerSecond: 1000 / mean,
          decodeTokensPerSecond: (1000 * tokens) / decodeMs,
          meanTokens: tokens / o.calls,
          vsFp32: (baseline.get(task) ?? NaN) / stats.median,
          correct: score(task, samples[task].slice(0, o.calls), preds), // pool ≥ calls: call i used sample i
        };
        cases.push(c);
        log(`${backend} ${variant} ${task}: median ${stats.median.toFixed(1)} ms · p95 ${stats.p95.toFixed(1)} · ${c.callsPerSecond.toFixed(1)} calls/s`);
      }
      // Repeated questions about one scene: the 'fast' profile's feature cache skips the encoder.
      const fast = await MobileMultiModalLLM.create({ backend, variant, profile: 'fast' });
      const scene = samples.vqa[0];
      const questions = samples.vqa.map((s) => s.prompt);
      for (let i = 0; i < o.warmup; i++) await fast.vqa(imageOf(scene), questions[i % questions.length]);
      const ms: number[] = [];
      let tokens = 0;
      let decodeMs = 0;
      for (let i = 0; i < o.calls; i++) {
        const c0 = performance.now();
        const r = await fast.vqa(imageOf(scene), questions[i % questions.length]);
        ms.push(performance.now() - c0);
        tokens += r.tokens.length + 1;
        decodeMs += r.timings.decodeMs;
      }
      const stats = summarize(ms);
      cases.push({
        backend,
        variant,
        profile: 'fast',
        task: 'vqa',
        stats,
        callsPerSecond: 1000 / (ms.reduce((a, b) => a + b, 0) / ms.length),
        decodeTokensPerSecond: (1000 * tokens) / decodeMs,
        meanTokens: tokens / o.calls,
        vsFp32: NaN,
        correct: NaN,
        note: 'one scene, different questions (feature cache)',
      });
      log(`${backend} ${variant} vqa (fast, cached image): median ${stats.median.toFixed(1)} ms`);
      fast.dispose();
      loads.push({
        backend,
        variant,
        loadMs,
        firstCallMs,
        weightBytes: mm.health().model.weightBytes,
        peakRssMiB: peakRss / 2 ** 20,
        peakTfjsMiB: peakTf / 2 ** 20,
      });
      mm.dispose();
    }
    // The 'fast' rows compare against the balanced fp32 VQA median of the same backend.
    for (const c of cases) if (c.backend === backend && c.profile === 'fast') c.vsFp32 = (baseline.get('vqa') ?? NaN) / c.stats.median;
  }
  return { loads, cases };
}

const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '—');

export function modelTables(r: { loads: ModelLoad[]; cases: ModelCase[] }): string {
  const a = [
    '| backend | variant | profile | task | median ms | IQR ms | p95 ms | n | calls/s | decode tok/s | tokens/call | vs fp32 | right |',
    '|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.cases.map(
      (c) =>
        `| ${c.backend} | ${c.variant} | ${c.profile}${c.note ? ` (${c.note})` : ''} | ${c.task} | ${f(c.stats.median)} | ${f(c.stats.iqr)} | ${f(c.stats.p95)} | ${c.stats.n} | ${f(c.callsPerSecond)} | ${f(c.decodeTokensPerSecond, 0)} | ${f(c.meanTokens)} | ${f(c.vsFp32, 2)}× | ${Number.isFinite(c.correct) ? `${(100 * c.correct).toFixed(0)} %` : '—'} |`,
    ),
  ];
  const b = [
    '| backend | variant | load ms | first call ms | weight bytes | peak RSS MiB | peak tfjs MiB |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...r.loads.map((l) => `| ${l.backend} | ${l.variant} | ${f(l.loadMs, 0)} | ${f(l.firstCallMs, 0)} | ${l.weightBytes.toLocaleString('en-US')} | ${f(l.peakRssMiB)} | ${f(l.peakTfjsMiB, 2)} |`),
  ];
  return `${a.join('\n')}\n\n${b.join('\n')}`;
}
