/** Summary statistics for repeated timings (milliseconds). */
export interface TimingStats {
  n: number;
  median: number;
  p95: number;
  min: number;
  max: number;
  /** Interquartile range: the spread we report next to the median. */
  iqr: number;
  /** Calls per timed sample (short calls are repeated to beat timer resolution). */
  inner?: number;
}

/** Linear-interpolated quantile q ∈ [0, 1] of ascending `sorted` (NaN when empty). */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function summarize(samples: number[]): TimingStats {
  const s = [...samples].sort((a, b) => a - b);
  return {
    n: s.length,
    median: quantile(s, 0.5),
    p95: quantile(s, 0.95),
    min: s[0],
    max: s[s.length - 1],
    iqr: quantile(s, 0.75) - quantile(s, 0.25),
  };
}

export interface TimeOptions {
  /** Untimed calls first (JIT, shader compilation, XNNPACK packing). */
  warmup: number;
  minReps: number;
  maxReps: number;
  /** Stop once this much time was spent timing (after minReps). */
  budgetMs: number;
}

export const DEFAULT_TIME_OPTIONS: TimeOptions = { warmup: 3, minReps: 7, maxReps: 200, budgetMs: 1500 };

/** Smallest time one sample should span: browsers coarsen performance.now() to 0.1 ms or worse. */
const MIN_SAMPLE_MS = 2;

/**
 * Times an async body (which must wait for its result) after warm-up. Calls
 * shorter than MIN_SAMPLE_MS are repeated inside each sample and the sample
 * divided by the repeat count, so coarse browser timers still resolve them.
 */
export async function time(body: () => Promise<void>, opts: Partial<TimeOptions> = {}): Promise<TimingStats> {
  const o = { ...DEFAULT_TIME_OPTIONS, ...opts };
  for (let i = 0; i < o.warmup; i++) await body();
  const c0 = performance.now();
  await body();
  const once = performance.now() - c0;
  const inner = Math.min(1000, Math.max(1, Math.ceil(MIN_SAMPLE_MS / Math.max(once, 0.005))));
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < o.maxReps && (samples.length < o.minReps || performance.now() - start < o.budgetMs)) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) await body();
    samples.push((performance.now() - t0) / inner);
  }
  return { ...summarize(samples), inner };
}
