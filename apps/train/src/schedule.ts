/**
 * Learning-rate schedule: linear warm-up to `peak`, then cosine decay to
 * `peak·minRatio` at `total` steps (held there after).
 */
export interface ScheduleConfig {
  peak: number;
  warmupSteps: number;
  totalSteps: number;
  /** Final lr as a fraction of peak; 0.1 keeps late steps useful. */
  minRatio: number;
}

export function learningRate(step: number, c: ScheduleConfig): number {
  if (step < c.warmupSteps) return (c.peak * (step + 1)) / c.warmupSteps;
  const span = Math.max(1, c.totalSteps - c.warmupSteps);
  const t = Math.min(1, (step - c.warmupSteps) / span);
  const cos = 0.5 * (1 + Math.cos(Math.PI * t));
  return c.peak * (c.minRatio + (1 - c.minRatio) * cos);
}
