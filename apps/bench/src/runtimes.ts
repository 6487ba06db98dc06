/**
 * The `runtimes` suite: the same model on the same held-out images, run by
 *
 *   tfjs-wasm   mobile-mm (vision's answer()), fp32 and INT2 (Int2MatMul); one thread (tfjs-wasm has no threads in Node)
 *   ort-web     onnxruntime-web wasm, the ONNX export: fp32, MatMulNBits bits 4 and 2 (accuracy_level 0 and 4); 1 and 2 threads
 *   ort-node    onnxruntime-node CPU, the same exports, 1 and 2 intra-op threads: the native ceiling
 *
 * and the bare kernel: Int2MatMul vs MatMulNBits as a one-node ONNX model
 * (and each runtime's float32 matmul), M×K×N with M ∈ {1, 16}, K = N ∈ {1024, 2048, 4096}.
 *
 * Each group runs in its own process (onnxruntime-web's thread count is fixed
 * at its first session; RSS is per process): runtimes-worker.ts. Every model
 * variant is checked before timing (its answers are scored against the
 * ground truth of the timed samples; the kernels against x·dequantize(W)).
 * The int4 exports hold the INT2 checkpoint's codes widened to 4 bits (the
 * same values), so they time the 4-bit kernel at INT2's accuracy.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@mobile-mm/core/backend';
import { exportModel } from '@mobile-mm/export';
import { barChartSvg } from './charts.js';
import { nodeMachine } from './machine.js';
import { machineLine, type MachineInfo } from './report.js';
import type { TimingStats } from './stats.js';

export type RuntimeName = 'tfjs-wasm' | 'ort-web' | 'ort-node';
export type RaceTask = 'caption' | 'ocr-ctc' | 'ocr-decoder' | 'vqa';
export const RACE_TASKS: readonly RaceTask[] = ['caption', 'ocr-ctc', 'ocr-decoder', 'vqa'];

/** One model variant a group runs: a checkpoint (tfjs) or an ONNX export folder. */
export interface RaceVariant {
  runtime: RuntimeName;
  /** 'fp32', 'int2', 'int4', 'int2-acc4', ... */
  variant: string;
  threads: number;
  dir: string;
}

export interface RaceCase {
  runtime: RuntimeName;
  variant: string;
  threads: number;
  task: RaceTask;
  stats: TimingStats;
  /** Decoder time per generated token (<eos> included); NaN for the CTC reader. */
  msPerToken: number;
  meanTokens: number;
  /** Timed answers that were right (exact; VQA accuracy). */
  correct: number;
}

export interface RaceLoad {
  runtime: RuntimeName;
  variant: string;
  threads: number;
  loadMs: number;
  firstCallMs: number;
  /** Process RSS growth over the load and first call. */
  rssMiB: number;
  /** Bytes of the files loaded. */
  fileBytes: number;
}

export interface KernelRaceCase {
  runtime: RuntimeName;
  threads: number;
  /** 'Int2MatMul b2', 'matMul f32', 'MatMulNBits b2 acc0', ... */
  op: string;
  m: number;
  k: number;
  n: number;
  stats: TimingStats;
  /** Max |y − x·dequantize(W)| over the first row, before timing. */
  maxAbsErr: number;
}

export interface GroupResult {
  group: string;
  loads: RaceLoad[];
  cases: RaceCase[];
  kernels: KernelRaceCase[];
  peakRssMiB: number;
}

export interface GroupSpec {
  name: string;
  /** onnxruntime-web's wasm thread count in this process (fixed at its first session). */
  webThreads: number;
  /** Answered round robin, sample by sample. */
  variants: RaceVariant[];
  /** Kernel races to run in this process: runtime → thread counts. */
  kernels: Partial<Record<RuntimeName, number[]>>;
  calls: number;
  warmup: number;
  kernelShapes: { m: number; k: number }[];
  kernelBudgetMs: number;
}

export const KERNEL_SHAPES = [1, 16].flatMap((m) => [1024, 2048, 4096].map((k) => ({ m, k })));
export const QUICK_KERNEL_SHAPES = [{ m: 1, k: 1024 }, { m: 16, k: 1024 }];

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MODELS = path.resolve(HERE, '../../../packages/mobile-mm/models');

/** The ONNX exports the race runs, written to `dir` (from the shipped checkpoints). */
async function writeExports(dir: string): Promise<Record<string, string>> {
  await setupBackend('cpu');
  const specs: Record<string, { from: string; bits?: number; accuracyLevel?: number; quantOp?: 'dequantize' }> = {
    fp32: { from: 'tiny-fp32' },
    int4: { from: 'tiny-int2', bits: 4 },
    'int4-acc4': { from: 'tiny-int2', bits: 4, accuracyLevel: 4 },
    int2: { from: 'tiny-int2' },
    'int2-acc4': { from: 'tiny-int2', accuracyLevel: 4 },
    'int2-dq': { from: 'tiny-int2', quantOp: 'dequantize' },
  };
  const out: Record<string, string> = {};
  for (const [name, s] of Object.entries(specs)) {
    out[name] = path.join(dir, name);
    await exportModel({ format: 'onnx', checkpoint: path.join(MODELS, s.from), out: out[name], bits: s.bits, accuracyLevel: s.accuracyLevel, quantOp: s.quantOp });
  }
  return out;
}

export async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const f of await readdir(dir)) if (f.endsWith('.onnx') || f.endsWith('.safetensors')) total += (await stat(path.join(dir, f))).size;
  return total;
}

async function runGroup(spec: GroupSpec): Promise<GroupResult> {
  const worker = path.join(HERE, 'runtimes-worker.js');
  const { stdout } = await promisify(execFile)(process.execPath, [worker, JSON.stringify(spec)], { maxBuffer: 64 * 2 ** 20 });
  const last = stdout.trim().split('\n').pop()!;
  return JSON.parse(last) as GroupResult;
}

export interface RuntimesSuiteOptions {
  quick: boolean;
  onLine?: (line: string) => void;
}

export async function runRuntimesSuite(o: RuntimesSuiteOptions): Promise<{ groups: GroupResult[] }> {
  const log = o.onLine ?? (() => undefined);
  const tmp = await mkdtemp(path.join(tmpdir(), 'mobile-mm-race-'));
  try {
    const onnx = await writeExports(tmp);
    const calls = o.quick ? 3 : 20;
    const warmup = o.quick ? 1 : 3;
    const kernelShapes = o.quick ? QUICK_KERNEL_SHAPES : KERNEL_SHAPES;
    const kernelBudgetMs = o.quick ? 50 : 400;
    const ortVariants = (runtime: RuntimeName, threads: number) =>
      Object.entries(onnx).map(([variant, dir]) => ({ runtime, variant, threads, dir }));
    const common = { calls, warmup, kernelShapes, kernelBudgetMs };
    const tfjs = (variant: string) => ({ runtime: 'tfjs-wasm' as const, variant, threads: 1, dir: path.join(MODELS, variant === 'fp32' ? 'tiny-fp32' : 'tiny-int2') });
    // Three processes: onnxruntime-web's thread count is per process, and multi-threaded sessions run apart.
    // tfjs-wasm INT2 runs in each, the reference of the "vs" column, answering between the others so every
    // ratio is of the same moments.
    const groups: GroupSpec[] = [
      {
        name: 'one thread each: tfjs, ort-web, ort-node',
        webThreads: 1,
        variants: [tfjs('fp32'), tfjs('int2'), ...ortVariants('ort-web', 1), ...ortVariants('ort-node', 1)],
        kernels: { 'tfjs-wasm': [1], 'ort-web': [1], 'ort-node': [1] },
        ...common,
      },
      // Multi-threaded runtimes apart: their idle worker threads would take the cores from the others between calls.
      { name: 'tfjs int2 + ort-web 2 threads', webThreads: 2, variants: [tfjs('int2'), ...ortVariants('ort-web', 2)], kernels: { 'ort-web': [2] }, ...common },
      { name: 'tfjs int2 + ort-node 2 threads', webThreads: 1, variants: [tfjs('int2'), ...ortVariants('ort-node', 2)], kernels: { 'ort-node': [2] }, ...common },
    ];
    const results: GroupResult[] = [];
    for (const g of groups) {
      log(`${g.name} …`);
      const r = await runGroup(g);
      for (const c of r.cases) log(`  ${c.runtime} ${c.variant} ${c.threads}t ${c.task}: ${c.stats.median.toFixed(2)} ms`);
      results.push(r);
    }
    return { groups: results };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '—');
const label = (c: { runtime: string; variant: string; threads: number }) => `${c.runtime} ${c.variant} ${c.threads}t`;

/** runtimes.md: per task the calls of every runtime and variant, ratios against tfjs-wasm INT2 of the same run. */
export function runtimesMarkdown(r: { groups: GroupResult[] }, machine: MachineInfo, quick: boolean): string {
  const cases = r.groups.flatMap((g) => g.cases);
  const loads = r.groups.flatMap((g) => g.loads);
  const kernels = r.groups.flatMap((g) => g.kernels);
  // The reference of each row: tfjs-wasm INT2 of the same process (answering round robin with it).
  const groupOf = new Map(r.groups.flatMap((g) => g.cases.map((c) => [c, g] as const)));
  const tag = (c: RaceCase) => String.fromCharCode(65 + r.groups.indexOf(groupOf.get(c)!));
  const ref = (c: RaceCase) => groupOf.get(c)!.cases.find((x) => x.runtime === 'tfjs-wasm' && x.variant === 'int2' && x.task === c.task);
  const ours = (c: RaceCase) => ref(c)?.stats.median ?? NaN;
  // On a shared machine the fastest call is the least disturbed one: a second, load-robust ratio.
  const oursMin = (c: RaceCase) => ref(c)?.stats.min ?? NaN;
  const byTask = RACE_TASKS.map((task) => {
    const rows = cases.filter((c) => c.task === task).sort((a, b) => ours(b) / b.stats.median - ours(a) / a.stats.median);
    return [
      `### ${task}`,
      '',
      '| process | runtime | variant | threads | median ms | IQR ms | p95 ms | min ms | n | ms/token | tokens | vs tfjs-wasm int2 | (by min) | right |',
      '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...rows.map(
        (c) =>
          `| ${tag(c)} | ${c.runtime} | ${c.variant} | ${c.threads} | ${f(c.stats.median, 2)} | ${f(c.stats.iqr, 2)} | ${f(c.stats.p95, 2)} | ${f(c.stats.min, 2)} | ${c.stats.n} | ${f(c.msPerToken, 3)} | ${f(c.meanTokens)} | ${f(ours(c) / c.stats.median, 2)}× | ${f(oursMin(c) / c.stats.min, 2)}× | ${(100 * c.correct).toFixed(0)} % |`,
      ),
    ].join('\n');
  });
  const loadTable = [
    '| runtime | variant | threads | load ms | first call ms | RSS growth MiB | file bytes |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...loads.map((l) => `| ${l.runtime} | ${l.variant} | ${l.threads} | ${f(l.loadMs, 0)} | ${f(l.firstCallMs, 0)} | ${f(l.rssMiB)} | ${l.fileBytes.toLocaleString('en-US')} |`),
  ];
  const peaks = r.groups.map((g) => `${g.group} ${f(g.peakRssMiB)} MiB`).join(' · ');
  const shapes = [...new Set(kernels.map((k) => `${k.m}×${k.k}×${k.n}`))];
  const ops = [...new Set(kernels.map((k) => `${k.runtime} ${k.threads}t|${k.op}`))];
  const kernelTable = [
    `| runtime · op | ${shapes.join(' | ')} |`,
    `|---|${shapes.map(() => '---:').join('|')}|`,
    ...ops.map((key) => {
      const [rt, op] = key.split('|');
      const cells = shapes.map((s) => {
        const c = kernels.find((k) => `${k.runtime} ${k.threads}t` === rt && k.op === op && `${k.m}×${k.k}×${k.n}` === s);
        return c ? f(c.stats.median, 3) : '—';
      });
      return `| ${rt} · ${op} | ${cells.join(' | ')} |`;
    }),
  ];
  const maxErr = kernels.reduce((m, k) => Math.max(m, k.maxAbsErr), 0);
  return `# Runtimes: mobile-mm tfjs-wasm vs onnxruntime-web and onnxruntime-node${quick ? ' (quick)' : ''}

${machineLine(machine)}

**The machine was shared** with other jobs (a niced training run and other builds on 2 cores): absolute times are noisy; compare the
ratios, which come from one run. Same model (the shipped tiny-fp32 / tiny-int2), the same held-out SynthScenes images (one image per
call, batch 1), the same decoding: greedy with a KV cache (mobile-mm: core's generate; onnxruntime: @mobile-mm/export's
OnnxVisionModel driving decoder.onnx), OCR also through the CTC head. Preprocessing is the same tfjs code in every row. Median, IQR and
p95 per call after ${quick ? 1 : 3} warm-up calls. Three processes (onnxruntime-web's thread count is per process; multi-threaded sessions apart, since their idle workers would take the cores from the others): ${r.groups
    .map((g, i) => `${String.fromCharCode(65 + i)} = ${g.group}`)
    .join('; ')}. In each, every variant answers sample i before any answers sample i + 1 (round robin), so all see the same moments of the
machine's load; "vs tfjs-wasm int2" = the INT2 median of the same process / this median (>1: faster than us).
"right" = share of the timed answers that match the ground truth (a check that every runtime answers, not an accuracy figure).
ONNX variants: fp32 (Gemm/MatMul), int2 = MatMulNBits bits 2, int4 = the INT2 codes widened to bits 4 (same values), "-acc4" =
accuracy_level 4 (int8 activations), otherwise accuracy_level 0; int2-dq = the INT2 codes unpacked inside the graph
(--quant-op dequantize), which onnxruntime folds to float32 weights when the session loads. The first onnxruntime-web
variant of a process also pays the wasm runtime's start in its load time. tfjs-wasm has no threads in Node (TRAPS.md); onnxruntime-web
threads are wasm worker threads, onnxruntime-node threads intra-op threads.

## Findings

${raceSummary(r)}

Why we lose where we lose (read the min columns: on this shared machine the medians carry other jobs' load):

- **The decoder step is all per-op overhead.** One generated token runs the decoder on one position: a few hundred small
  ops (width 128) of 10⁴–10⁵ multiply-adds each. tfjs dispatches every op from JavaScript (a kernel call into wasm, a new
  tensor, tidy bookkeeping, reshapes, transposes and the KV-cache concats as kernels of their own) and the generation loop
  reads the logits back each token; onnxruntime runs the whole planned graph in one \`session.run\` inside its own wasm
  (or native) code, with fused nodes and preallocated buffers. So the gap is widest per token (caption, OCR by the decoder)
  and smallest for the encoder alone (OCR by the CTC head: one pass over 32 tokens, fewer and larger ops), where our INT2 is
  within a small factor of onnxruntime-web's fp32.
- **Float matmuls in tfjs-wasm are slow at M = 1** (the bare-kernel table: tfjs matMul f32 against onnxruntime-web's
  MatMul f32 and our Int2MatMul). Int2MatMul replaces them, which is why our INT2 model is faster than our fp32 one, and
  at M = 1 it is as fast as or faster than onnxruntime-web's float MatMul; at M = 16 onnxruntime's float MatMul is ahead.
- **onnxruntime-node** is native code with MLAS kernels: the ceiling, several times faster than our INT2 on every task.
  Its 2-thread rows (process C) gain little on 2 shared cores and a model this small.
- **Where we win: 2-bit matmuls in wasm.** onnxruntime-web's MatMulNBits (bits 2 or 4, either accuracy level) is one to
  two orders of magnitude slower than our Int2MatMul, and slower than its own float MatMul, at M = 1 (TRAPS.md: its wasm
  build has no fast n-bit path). So onnxruntime-web's own MatMulNBits int2 model loses to its fp32 one, and our INT2 is
  faster than it on the tasks above where the "vs" ratio of its row is below 1. Shipping int2 to onnxruntime-web is better
  done as int2-dq (\`--quant-op dequantize\`): the packed file, folded to float32 weights at load, fp32 speed.
- **Memory**: our INT2 keeps 2-bit codes in memory; int2-dq and fp32 hold float32 weights once loaded, and
  onnxruntime-web adds its own wasm heap (the first onnxruntime-web row's RSS growth and load time include its start).

## Per task

${byTask.join('\n\n')}

## Load and memory

${loadTable.join('\n')}

Peak RSS per process: ${peaks}.

## Bare kernel: x [M, K] · W [K, N], K = N (ms per call, median)

Int2MatMul = mobile-mm's tfjs-wasm kernel (g64, asymmetric); MatMulNBits = a one-node ONNX model (block 64, uint8 zero points 0; the
export adds the group-min term beside it); matMul f32 / MatMul f32 = each runtime's float32 matmul in its fast layout. Every output was
checked against x·dequantize(W) before timing (max abs error ${maxErr.toExponential(1)}).

${kernelTable.join('\n')}
`;
}

/** One `npm run eval --json` result (apps/bench/results/runtimes-eval/*.json). */
export interface EvalJson {
  caption: { exact: number; bleu4: number };
  ocr: { exact: number; cer: number; reader: string };
  ocrDecoder?: { exact: number; cer: number };
  vqa: { accuracy: number };
  n: number;
  seconds: number;
  variant: string;
  runtime?: string;
}

/** The accuracy table: ours (tfjs-wasm) next to each ONNX export through onnxruntime-node, same split and n. */
export function evalMarkdown(rows: { name: string; r: EvalJson }[]): string {
  const pct = (x: number | undefined) => (x === undefined ? '—' : `${(100 * x).toFixed(1)} %`);
  return [
    '| model | runtime | n/task | caption exact | BLEU-4 | OCR exact (CTC) | CER (CTC) | OCR exact (decoder) | VQA | seconds |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      ({ name, r }) =>
        `| ${name} | ${r.runtime ?? 'tfjs-wasm'} | ${r.n} | ${pct(r.caption.exact)} | ${r.caption.bleu4.toFixed(4)} | ${pct(r.ocr.exact)} | ${pct(r.ocr.cer)} | ${pct(r.ocrDecoder?.exact)} | ${pct(r.vqa.accuracy)} | ${r.seconds.toFixed(1)} |`,
    ),
  ].join('\n');
}

async function readEvals(dir: string): Promise<{ name: string; r: EvalJson }[]> {
  const files = await readdir(dir).catch(() => [] as string[]);
  const out: { name: string; r: EvalJson }[] = [];
  for (const f of files.filter((x) => x.endsWith('.json')).sort()) out.push({ name: f.replace(/\.json$/, ''), r: JSON.parse(await readFile(path.join(dir, f), 'utf8')) as EvalJson });
  return out;
}

/**
 * The findings, computed from this run's numbers (ratios within one process).
 * The "why" is what the measurements and the two runtimes' designs show; it
 * names no number that is not in the tables.
 */
export function raceSummary(r: { groups: GroupResult[] }): string {
  const a = r.groups[0];
  const pick = (rt: RuntimeName, variant: string, threads: number, task: RaceTask) =>
    a.cases.find((c) => c.runtime === rt && c.variant === variant && c.threads === threads && c.task === task);
  // The fastest call of each row (its least disturbed one on a shared machine), and ratios of those.
  const ms = (c?: RaceCase) => f(c?.stats.min ?? NaN, 1);
  const ratio = (x?: RaceCase, ours?: RaceCase) => (x && ours ? f(ours.stats.min / x.stats.min, 1) : '—');
  const lines: string[] = ['Fastest call of each variant (min ms; process A, one thread each, answering round robin):', ''];
  for (const task of RACE_TASKS) {
    const ours = pick('tfjs-wasm', 'int2', 1, task);
    const webF = pick('ort-web', 'fp32', 1, task);
    const webQ = pick('ort-web', 'int2', 1, task);
    const webDq = pick('ort-web', 'int2-dq', 1, task);
    const node = a.cases.filter((c) => c.runtime === 'ort-node' && c.task === task).sort((x, y) => x.stats.min - y.stats.min)[0];
    lines.push(
      `- **${task}**: our INT2 ${ms(ours)} ms (fp32 ${ms(pick('tfjs-wasm', 'fp32', 1, task))}); onnxruntime-web fp32 ${ms(webF)} ms (${ratio(webF, ours)}× faster than our INT2), ` +
        `MatMulNBits int2 ${ms(webQ)} (${ratio(webQ, ours)}×), int2-dq ${ms(webDq)} (${ratio(webDq, ours)}×); onnxruntime-node best ${node ? `${node.variant} ${ms(node)} ms (${ratio(node, ours)}×)` : '—'}.`,
    );
  }
  const perToken = (rt: RuntimeName, v: string) => {
    const cap = pick(rt, v, 1, 'caption');
    const enc = pick(rt, v, 1, 'ocr-ctc');
    return cap && enc ? f((cap.stats.min - enc.stats.min) / cap.meanTokens, 2) : '—';
  };
  lines.push(
    `- Per caption token ((fastest caption − fastest encoder pass) / tokens): ours ${perToken('tfjs-wasm', 'int2')} ms (INT2), ${perToken('tfjs-wasm', 'fp32')} ms (fp32); ` +
      `onnxruntime-web ${perToken('ort-web', 'fp32')} ms (fp32), ${perToken('ort-web', 'int2')} ms (MatMulNBits int2), ${perToken('ort-web', 'int2-dq')} ms (int2-dq); onnxruntime-node ${perToken('ort-node', 'fp32')} ms (fp32).`,
  );
  const k = (rt: RuntimeName, op: string, m: number, kk: number) => a.kernels.find((x) => x.runtime === rt && x.threads === 1 && x.op === op && x.m === m && x.k === kk)?.stats.median ?? NaN;
  const big = Math.max(...a.kernels.map((x) => x.k));
  for (const m of [1, 16]) {
    lines.push(
      `- Kernel ${m}×${big}×${big} (median ms, one thread): our Int2MatMul ${f(k('tfjs-wasm', 'Int2MatMul b2', m, big), 2)}, tfjs matMul f32 ${f(k('tfjs-wasm', 'matMul f32', m, big), 2)}; ` +
        `onnxruntime-web MatMulNBits b2 ${f(k('ort-web', 'MatMulNBits b2 acc0', m, big), 2)} (acc4 ${f(k('ort-web', 'MatMulNBits b2 acc4', m, big), 2)}), b4 ${f(k('ort-web', 'MatMulNBits b4 acc0', m, big), 2)} (acc4 ${f(k('ort-web', 'MatMulNBits b4 acc4', m, big), 2)}), MatMul f32 ${f(k('ort-web', 'MatMul f32', m, big), 2)}; ` +
        `onnxruntime-node MatMulNBits b2 acc4 ${f(k('ort-node', 'MatMulNBits b2 acc4', m, big), 3)}, b4 acc4 ${f(k('ort-node', 'MatMulNBits b4 acc4', m, big), 3)}, MatMul f32 ${f(k('ort-node', 'MatMul f32', m, big), 3)}.`,
    );
  }
  return lines.join('\n');
}

export function runtimesChart(r: { groups: GroupResult[] }): string {
  const cases = r.groups.flatMap((g) => g.cases);
  const keys = [...new Set(cases.map(label))];
  const palette = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac', '#1f77b4', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#17becf', '#bcbd22', '#7f7f7f', '#aec7e8', '#ffbb78', '#98df8a', '#ff9896', '#c5b0d5', '#c49c94'];
  return barChartSvg({
    title: 'ms per call: mobile-mm tfjs-wasm vs onnxruntime (web wasm, node CPU)',
    subtitle: 'tiny model, batch 1, greedy with KV cache; shared 2-core machine (ratios within one run)',
    yLabel: 'ms per call (log)',
    groups: [...RACE_TASKS],
    series: keys.map((k, i) => ({ label: k, color: palette[i % palette.length], values: RACE_TASKS.map((t) => cases.find((c) => label(c) === k && c.task === t)?.stats.median ?? null) })),
    log: true,
    decimals: 1,
  });
}

/** runtimes.md and charts/runtimes.svg from a run's results (and the eval JSONs beside them). */
async function writeRuntimesReport(out: string, name: string, machine: MachineInfo, quick: boolean, r: { groups: GroupResult[] }): Promise<string> {
  await mkdir(path.join(out, 'charts'), { recursive: true });
  const evals = await readEvals(path.join(out, 'runtimes-eval'));
  const md =
    runtimesMarkdown(r, machine, quick) +
    (evals.length > 0
      ? `\n## Accuracy: ours vs the ONNX exports (npm run eval, held-out split)\n\nEach row is \`npm run eval -- --checkpoint DIR [--runtime onnx] --n 1000 --json\` (runtimes-eval/NAME.json); the same samples, greedy decoding with the KV cache, OCR through the CTC head (and the decoder). "seconds" is the whole evaluation on the shared machine.\n\n${evalMarkdown(evals)}\n`
      : '');
  await writeFile(path.join(out, `${name}.md`), md);
  await writeFile(path.join(out, 'charts', `${name}.svg`), runtimesChart(r));
  return md;
}

export async function runtimesCli(o: { quick: boolean; out: string }): Promise<void> {
  tf.env().set('PROD', true); // no "install tfjs-node" banner
  const machine = nodeMachine();
  const r = await runRuntimesSuite({ quick: o.quick, onLine: (l) => console.error(l) });
  const name = o.quick ? 'runtimes.quick' : 'runtimes';
  await mkdir(o.out, { recursive: true });
  await writeFile(path.join(o.out, `${name}.json`), JSON.stringify({ machine, quick: o.quick, ...r }, null, 2));
  console.log(await writeRuntimesReport(o.out, name, machine, o.quick, r));
}

/** `npm run bench -- runtimes-report`: re-renders runtimes.md / .svg from runtimes.json (no timing). */
export async function runtimesReportCli(o: { quick: boolean; out: string }): Promise<void> {
  const name = o.quick ? 'runtimes.quick' : 'runtimes';
  const j = JSON.parse(await readFile(path.join(o.out, `${name}.json`), 'utf8')) as { machine: MachineInfo; quick: boolean; groups: GroupResult[] };
  await writeRuntimesReport(o.out, name, j.machine, j.quick, j);
  console.log(`wrote ${path.join(o.out, `${name}.md`)}`);
}
