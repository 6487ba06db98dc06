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
import { setFusedKernelsEnabled } from '@mobile-mm/core';
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
  /** Whether the fused decode kernels (core layers/fused.ts) were on; absent = on (the default). */
  fused?: boolean;
  /** Same variant with the fused kernels off / this median (the before/after ratio); only with fusedAblation. */
  vsUnfused?: number;
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
  fused?: boolean;
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
  /**
   * Run every variant twice, with the fused decode kernels off (what the code
   * did before them; an fp32 app that never loads @mobile-mm/int2 also runs
   * this way) and on. "vs fp32" then compares with fp32 fused off.
   */
  fusedAblation?: boolean;
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
    const unfused = new Map<string, number>();
    const runs = o.variants.flatMap((variant) => (o.fusedAblation ? [false, true] : [true]).map((fused) => ({ variant, fused })));
    for (const { variant, fused } of runs) {
      setFusedKernelsEnabled(fused);
      const tag = o.fusedAblation ? (fused ? ' fused' : ' unfused') : '';
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
        if (variant === 'fp32' && (!o.fusedAblation || !fused)) baseline.set(task, stats.median);
        if (o.fusedAblation && !fused) unfused.set(`${variant} ${task}`, stats.median);
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
          ...(o.fusedAblation ? { fused, vsUnfused: (unfused.get(`${variant} ${task}`) ?? NaN) / stats.median } : {}),
        };
        cases.push(c);
        log(`${backend} ${variant}${tag} ${task}: median ${stats.median.toFixed(1)} ms · p95 ${stats.p95.toFixed(1)} · ${c.callsPerSecond.toFixed(1)} calls/s`);
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
        ...(o.fusedAblation ? { fused } : {}),
      });
      log(`${backend} ${variant}${tag} vqa (fast, cached image): median ${stats.median.toFixed(1)} ms`);
      fast.dispose();
      loads.push({
        backend,
        variant,
        loadMs,
        firstCallMs,
        weightBytes: mm.health().model.weightBytes,
        peakRssMiB: peakRss / 2 ** 20,
        peakTfjsMiB: peakTf / 2 ** 20,
        ...(o.fusedAblation ? { fused } : {}),
      });
      mm.dispose();
    }
    // The 'fast' rows compare against the balanced fp32 VQA median of the same backend.
    for (const c of cases) if (c.backend === backend && c.profile === 'fast') c.vsFp32 = (baseline.get('vqa') ?? NaN) / c.stats.median;
  }
  setFusedKernelsEnabled(true);
  return { loads, cases };
}

const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '—');

export function modelTables(r: { loads: ModelLoad[]; cases: ModelCase[] }): string {
  const ablation = r.cases.some((c) => c.fused !== undefined);
  const v = (x: { variant: string; fused?: boolean }) => (x.fused === undefined ? x.variant : `${x.variant} ${x.fused ? 'fused' : 'unfused'}`);
  const a = [
    `| backend | variant | profile | task | median ms | IQR ms | p95 ms | n | calls/s | decode tok/s | tokens/call | vs fp32 |${ablation ? ' vs unfused |' : ''} right |`,
    `|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|${ablation ? '---:|' : ''}---:|`,
    ...r.cases.map(
      (c) =>
        `| ${c.backend} | ${v(c)} | ${c.profile}${c.note ? ` (${c.note})` : ''} | ${c.task} | ${f(c.stats.median)} | ${f(c.stats.iqr)} | ${f(c.stats.p95)} | ${c.stats.n} | ${f(c.callsPerSecond)} | ${f(c.decodeTokensPerSecond, 0)} | ${f(c.meanTokens)} | ${f(c.vsFp32, 2)}× |${ablation ? ` ${c.vsUnfused === undefined ? '—' : `${f(c.vsUnfused, 2)}×`} |` : ''} ${Number.isFinite(c.correct) ? `${(100 * c.correct).toFixed(0)} %` : '—'} |`,
    ),
  ];
  const b = [
    '| backend | variant | load ms | first call ms | weight bytes | peak RSS MiB | peak tfjs MiB |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...r.loads.map((l) => `| ${l.backend} | ${v(l)} | ${f(l.loadMs, 0)} | ${f(l.firstCallMs, 0)} | ${l.weightBytes.toLocaleString('en-US')} | ${f(l.peakRssMiB)} | ${f(l.peakTfjsMiB, 2)} |`),
  ];
  return `${a.join('\n')}\n\n${b.join('\n')}`;
}

/** One configuration of the interleaved comparison. */
export interface AbConfig {
  variant: ModelVariant;
  fused: boolean;
}

export interface AbCase extends AbConfig {
  backend: ModelBackend;
  task: Task;
  stats: TimingStats;
  /** Generated tokens per second of decode time (prefill + steps). */
  decodeTokensPerSecond: number;
  /** Median decode time per generated token (decodeMs / tokens), ms. */
  msPerToken: number;
  /** fp32 unfused median / this median, per task. */
  vsFp32: number;
  /** int2 unfused (today's INT2) median / this median. */
  vsInt2Unfused: number;
  /** Share of calls whose text equals the same call's text of the fp32 / int2 unfused run (greedy output unchanged). */
  sameAsUnfused: number;
}

/**
 * The interleaved A/B: the fp32 and int2 models stay loaded, and every round
 * runs each task once under each configuration (fused decode kernels off and
 * on, per variant) on the same image, in a rotating order, so a load change
 * on the shared machine hits every configuration alike. Also checks that
 * turning the fused kernels on leaves each greedy answer unchanged.
 */
export async function runModelAb(o: { backends: ModelBackend[]; rounds: number; warmup: number; onLine?: (l: string) => void; renderer?: Renderer }): Promise<AbCase[]> {
  const renderer = o.renderer ?? (await createRenderer());
  const tasks: Task[] = ['caption', 'ocr', 'vqa'];
  const samples = Object.fromEntries(tasks.map((t) => [t, Array.from({ length: o.rounds }, (_, k) => makeTaskSample(renderer, 'heldout', t, k))])) as Record<Task, TaskSample[]>;
  const configs: AbConfig[] = [
    { variant: 'fp32', fused: false },
    { variant: 'fp32', fused: true },
    { variant: 'int2', fused: false },
    { variant: 'int2', fused: true },
  ];
  const log = o.onLine ?? (() => undefined);
  const out: AbCase[] = [];
  for (const backend of o.backends) {
    const models = {
      fp32: await MobileMultiModalLLM.create({ backend, variant: 'fp32', profile: 'balanced' }),
      int2: await MobileMultiModalLLM.create({ backend, variant: 'int2', profile: 'balanced' }),
    };
    try {
      const key = (c: AbConfig, t: Task) => `${c.variant} ${c.fused} ${t}`;
      const ms = new Map<string, number[]>();
      const perToken = new Map<string, number[]>();
      const texts = new Map<string, string[]>();
      for (let i = 0; i < o.warmup; i++) {
        for (const c of configs) {
          setFusedKernelsEnabled(c.fused);
          for (const t of tasks) await call(models[c.variant], samples[t][i % o.rounds]);
        }
      }
      for (let r = 0; r < o.rounds; r++) {
        for (const t of tasks) {
          const s = samples[t][r];
          for (let j = 0; j < configs.length; j++) {
            const c = configs[(j + r) % configs.length]; // rotate who goes first
            setFusedKernelsEnabled(c.fused);
            const c0 = performance.now();
            const res = await call(models[c.variant], s);
            const k = key(c, t);
            (ms.get(k) ?? ms.set(k, []).get(k)!).push(performance.now() - c0);
            (perToken.get(k) ?? perToken.set(k, []).get(k)!).push(res.timings.decodeMs / (res.tokens.length + 1));
            const list = texts.get(k) ?? texts.set(k, []).get(k)!;
            list[r] = res.text;
          }
        }
      }
      for (const t of tasks) {
        const med = (c: AbConfig) => summarize(ms.get(key(c, t))!).median;
        for (const c of configs) {
          const k = key(c, t);
          const stats = summarize(ms.get(k)!);
          const ref = texts.get(key({ variant: c.variant, fused: false }, t))!;
          const mine = texts.get(k)!;
          const tokMs = summarize(perToken.get(k)!).median;
          const row: AbCase = {
            backend,
            ...c,
            task: t,
            stats,
            msPerToken: tokMs,
            decodeTokensPerSecond: 1000 / tokMs,
            vsFp32: med(configs[0]) / stats.median,
            vsInt2Unfused: med(configs[2]) / stats.median,
            sameAsUnfused: mine.filter((x, i) => x === ref[i]).length / mine.length,
          };
          out.push(row);
          log(`${backend} ${c.variant} ${c.fused ? 'fused' : 'unfused'} ${t}: median ${stats.median.toFixed(2)} ms, ${tokMs.toFixed(3)} ms/token, ${row.vsFp32.toFixed(2)}× fp32, ${row.vsInt2Unfused.toFixed(2)}× int2 unfused, same text ${(100 * row.sameAsUnfused).toFixed(0)} %`);
        }
      }
    } finally {
      setFusedKernelsEnabled(true);
      models.fp32.dispose();
      models.int2.dispose();
    }
  }
  return out;
}

export function abTable(rows: AbCase[]): string {
  return [
    '| backend | variant | fused kernels | task | median ms / call | IQR | n | decode ms / token | vs fp32 unfused | vs int2 unfused | same answer as unfused |',
    '|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.backend} | ${r.variant} | ${r.fused ? 'on' : 'off'} | ${r.task} | ${f(r.stats.median, 2)} | ${f(r.stats.iqr, 2)} | ${r.stats.n} | ${f(r.msPerToken, 3)} | ${f(r.vsFp32, 2)}× | ${f(r.vsInt2Unfused, 2)}× | ${(100 * r.sameAsUnfused).toFixed(0)} % |`,
    ),
  ].join('\n');
}
