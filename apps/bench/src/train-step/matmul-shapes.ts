/**
 * BatchMatMul shapes of a training step, timed on wasm stock vs the fixed
 * kernel (views and copies loops) vs cpu, same run. Each variant's output is
 * checked against cpu first.
 *
 * Legend: B=32 batch, H=4 heads, D=32 head size, T tokens, C=128 channels,
 * F=384 feed-forward, V=1024 vocabulary; BT = B·T rows.
 */
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmFixes, setupBackend } from '@mobile-mm/core/backend';
import { DEFAULT_TIME_OPTIONS, summarize, type TimeOptions, type TimingStats } from '../stats.js';
import { measure, type Sample } from './clock.js';

export interface MatMulShape {
  name: string;
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
}

export type MatMulVariant = 'wasm-stock' | 'wasm-views' | 'wasm-copies' | 'cpu';
export const MATMUL_VARIANTS: MatMulVariant[] = ['wasm-stock', 'wasm-views', 'wasm-copies', 'cpu'];

export interface MatMulCase {
  shape: string;
  variant: MatMulVariant;
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
  /** Max |x - cpu| / (1e-4 + 1e-4·|cpu|) over the output: ≤ 1 passes. */
  error: number;
  firstMs: number;
  /** Wall-clock ms per call. */
  stats: TimingStats;
  /** This process's CPU ms per call (load-insensitive; see clock.ts). */
  cpuStats: TimingStats;
}

const BH = 32 * 4;
const D = 32;

export function trainStepShapes(quick = false): MatMulShape[] {
  const ts = quick ? [32] : [4, 8, 16, 32, 64, 128];
  const attention = ts.flatMap((t): MatMulShape[] => [
    { name: `attn q·kᵀ T=${t}`, a: [BH, t, D], b: [BH, t, D], transposeA: false, transposeB: true },
    { name: `attn p·v T=${t}`, a: [BH, t, t], b: [BH, t, D], transposeA: false, transposeB: false },
    { name: `attn grad pᵀ·dO T=${t}`, a: [BH, t, t], b: [BH, t, D], transposeA: true, transposeB: false },
  ]);
  const bt = quick ? 256 : 2048; // B·T = 32·64
  const dense: MatMulShape[] = [
    { name: `dense x·W [${bt},128]×[128,384]`, a: [bt, 128], b: [128, 384], transposeA: false, transposeB: false },
    {
      name: `dense grad dY·Wᵀ [${bt},384]×[128,384]ᵀ`,
      a: [bt, 384],
      b: [128, 384],
      transposeA: false,
      transposeB: true,
    },
    {
      name: `dense grad Xᵀ·dY [${bt},128]ᵀ×[${bt},384]`,
      a: [bt, 128],
      b: [bt, 384],
      transposeA: true,
      transposeB: false,
    },
    { name: `logits x·Eᵀ [1024,128]×[1024,128]ᵀ`, a: [1024, 128], b: [1024, 128], transposeA: false, transposeB: true },
  ];
  return [...attention, ...dense];
}

function seeded(shape: number[], seed: number): tf.Tensor {
  let a = seed >>> 0;
  const n = shape.reduce((p, d) => p * d, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    v[i] = a / 2 ** 32 - 0.5;
  }
  return tf.tensor(v, shape);
}

/** Registers the variant's BatchMatMul on wasm (the wasm backend must be active). */
function useWasmVariant(variant: MatMulVariant): void {
  if (variant === 'wasm-stock') registerWasmFixes({ segmentSum: true, batchMatMul: false });
  else registerWasmFixes({ batchMatMul: { loop: variant === 'wasm-views' ? 'views' : 'copies' } });
}

function maxError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let error = 0;
  for (let i = 0; i < want.length; i++)
    error = Math.max(error, Math.abs(got[i] - want[i]) / (1e-4 + 1e-4 * Math.abs(want[i])));
  return error;
}

/**
 * Per shape: cpu timed on its own; the wasm variants interleaved call by call
 * (switching the registered kernel costs microseconds), so load from other
 * processes on the machine hits them alike.
 */
export async function runMatMulShapes(opts: {
  shapes: MatMulShape[];
  variants?: MatMulVariant[];
  time?: Partial<TimeOptions>;
  onCase?: (c: MatMulCase) => void;
}): Promise<MatMulCase[]> {
  const variants = opts.variants ?? MATMUL_VARIANTS;
  const t = { ...DEFAULT_TIME_OPTIONS, warmup: 2, minReps: 9, budgetMs: 600, ...opts.time };
  const out: MatMulCase[] = [];
  for (const s of opts.shapes) {
    const record = (variant: MatMulVariant, error: number, firstMs: number, samples: Sample[]) => {
      const stats = summarize(samples.map((x) => x.wallMs));
      const cpuStats = summarize(samples.map((x) => x.cpuMs));
      const c: MatMulCase = {
        shape: s.name,
        variant,
        a: s.a,
        b: s.b,
        transposeA: s.transposeA,
        transposeB: s.transposeB,
        error,
        firstMs,
        stats,
        cpuStats,
      };
      opts.onCase?.(c);
      out.push(c);
    };
    await setupBackend('cpu');
    const a = seeded(s.a, 1);
    const b = seeded(s.b, 2);
    const mm = () => tf.matMul(a, b, s.transposeA, s.transposeB);
    const first = (): { ms: number; values: Float32Array } => {
      const t0 = performance.now();
      const r = mm();
      const ms = performance.now() - t0;
      const values = r.dataSync() as Float32Array;
      r.dispose();
      return { ms, values };
    };
    const ref = first();
    // wasm and cpu kernels run synchronously: the product is done when matMul returns.
    const once = () => measure(() => mm().dispose());
    if (variants.includes('cpu')) {
      for (let i = 0; i < t.warmup; i++) await once();
      const cpuSamples: Sample[] = [];
      const start = performance.now();
      while (
        cpuSamples.length < t.maxReps &&
        (cpuSamples.length < t.minReps || performance.now() - start < t.budgetMs)
      ) {
        cpuSamples.push(await once());
      }
      record('cpu', 0, ref.ms, cpuSamples);
    }

    const wasmVariants = variants.filter((v) => v !== 'cpu');
    const samples = new Map<MatMulVariant, Sample[]>(wasmVariants.map((v) => [v, []]));
    const firsts = new Map<MatMulVariant, { ms: number; error: number }>();
    await setupBackend('wasm');
    for (const v of wasmVariants) {
      useWasmVariant(v);
      const f = first(); // moves a and b to wasm on the first variant
      const error = maxError(f.values, ref.values);
      if (!(error <= 1)) throw new Error(`${s.name} on ${v}: output differs from cpu (error ${error})`);
      firsts.set(v, { ms: f.ms, error });
      for (let i = 0; i < t.warmup; i++) mm().dispose();
    }
    const start = performance.now();
    for (
      let rep = 0;
      rep < t.maxReps && (rep < t.minReps || performance.now() - start < t.budgetMs * wasmVariants.length);
      rep++
    ) {
      for (const v of wasmVariants) {
        useWasmVariant(v);
        samples.get(v)!.push(await once());
      }
    }
    for (const v of wasmVariants) record(v, firsts.get(v)!.error, firsts.get(v)!.ms, samples.get(v)!);
    tf.dispose([a, b]);
  }
  await setupBackend('wasm');
  registerWasmFixes();
  return out;
}

const fmt = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '—');

/** One row per shape: median wall ms (and CPU ms) per variant, and stock / views on CPU time. */
export function matMulTable(cases: MatMulCase[]): string {
  const variants = MATMUL_VARIANTS.filter((v) => cases.some((c) => c.variant === v));
  const rows = [
    `| shape | ${variants.map((v) => `${v} ms`).join(' | ')} | stock / views |`,
    `|---|${variants.map(() => '---:').join('|')}|---:|`,
  ];
  for (const shape of [...new Set(cases.map((c) => c.shape))]) {
    const by = new Map(cases.filter((c) => c.shape === shape).map((c) => [c.variant, c]));
    const cell = (v: MatMulVariant) => {
      const c = by.get(v);
      return c ? `${fmt(c.stats.median)} (${fmt(c.cpuStats.median)})` : '—';
    };
    const ratio = (by.get('wasm-stock')?.cpuStats.median ?? NaN) / (by.get('wasm-views')?.cpuStats.median ?? NaN);
    rows.push(`| ${shape} | ${variants.map(cell).join(' | ')} | ${fmt(ratio, 1)}× |`);
  }
  return rows.join('\n');
}
