/**
 * The demo `npm start` runs: caption and VQA on each bundled scene, OCR on
 * each bundled text line, printing the model's answer, the ground truth and
 * the time of each call. One warm-up call per task first (tfjs sets up
 * kernels per op shape on first use); its time is shown apart, not in the
 * medians.
 */
import { msg, type MessageKey, type MessageValues } from '@mobile-mm/core';
import type { CallResult, MobileMultiModalLLM } from './facade.js';
import { readSamples, type SampleEntry } from './samples.js';

export interface DemoCall {
  task: 'caption' | 'ocr' | 'vqa';
  file: string;
  question?: string;
  answer: string;
  truth: string;
  correct: boolean;
  ms: number;
  cached: boolean;
}

export interface DemoReport {
  backend: string;
  variant: string;
  profile: string;
  model: string;
  notes: string[];
  split: string;
  warmupMs: number;
  calls: DemoCall[];
  /** Median ms per call by task. */
  medianMs: Record<string, number>;
  correct: number;
}

function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs every sample through `mm`; `log` gets the human-readable lines (omit it for JSON only). */
export async function runDemo(mm: MobileMultiModalLLM, log: (line: string) => void = () => {}): Promise<DemoReport> {
  const { file, path } = await readSamples();
  const h = mm.health();
  const lang = h.locale; // the report is written in the instance's language
  const t = (key: MessageKey, values?: MessageValues): string => msg(key, values, lang);
  log(t('demo.header', { backend: h.backend, variant: h.variant, profile: h.profile, model: h.model.name }));
  for (const note of h.notes) log(t('cli.note', { message: note }));
  log(t('demo.samples', { n: file.samples.length, split: file.split, dir: path('') }));

  // One untimed call per task first: tfjs sets up kernels (and webgl compiles shaders) per op shape on first use.
  let warmupMs = 0;
  const scene = file.samples.find((s) => s.kind === 'scene');
  const line = file.samples.find((s) => s.kind === 'text');
  if (scene) warmupMs += (await mm.caption(path(scene.file))).timings.totalMs + (await mm.vqa(path(scene.file), 'how many objects are there?')).timings.totalMs;
  if (line) warmupMs += (await mm.ocr(path(line.file))).timings.totalMs;
  log(t('demo.warmup', { ms: warmupMs }));
  const calls: DemoCall[] = [];
  const record = (task: DemoCall['task'], s: SampleEntry, r: CallResult, truth: string, question?: string): void => {
    const call: DemoCall = {
      task,
      file: s.file,
      ...(question !== undefined ? { question } : {}),
      answer: r.text,
      truth,
      correct: r.text === truth,
      ms: r.timings.totalMs,
      cached: r.cached,
    };
    calls.push(call);
    const mark = call.correct ? '✓' : '✗';
    const cache = r.cached ? t('demo.cached') : '';
    log('');
    log(`${task.padEnd(7)} ${s.file}  ${call.ms.toFixed(1)} ms${cache}  ${mark}`);
    if (question !== undefined) log(t('demo.question', { text: question }));
    log(t('demo.answer', { text: r.text }));
    log(t('demo.truth', { text: truth }));
  };
  for (const s of file.samples) {
    const img = path(s.file);
    if (s.kind === 'scene') {
      if (s.caption !== undefined) record('caption', s, await mm.caption(img), s.caption);
      if (s.vqa !== undefined) record('vqa', s, await mm.vqa(img, s.vqa.question), s.vqa.answer, s.vqa.question);
    } else if (s.ocr !== undefined) {
      record('ocr', s, await mm.ocr(img), s.ocr);
    }
  }
  const medianMs: Record<string, number> = {};
  for (const task of ['caption', 'ocr', 'vqa'] as const) {
    const ms = calls.filter((c) => c.task === task).map((c) => c.ms);
    if (ms.length) medianMs[task] = median(ms);
  }
  const correct = calls.filter((c) => c.correct).length;
  log('');
  const medians = Object.entries(medianMs)
    .map(([task, ms]) => `${task} ${new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(ms)}`)
    .join(' · ');
  log(t('demo.summary', { medians, correct, total: calls.length }));
  log(t('demo.synthetic'));
  return { backend: h.backend, variant: h.variant, profile: h.profile, model: h.model.name, notes: h.notes, split: file.split, warmupMs, calls, medianMs, correct };
}
