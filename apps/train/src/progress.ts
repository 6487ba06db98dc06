/** One-line progress bar: step, loss, steps/s and ETA, redrawn in place on a TTY. */
export class Progress {
  private readonly start = Date.now();
  private lastDraw = 0;

  constructor(
    private readonly total: number,
    private readonly startStep = 0,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  update(step: number, fields: Record<string, number | string>, force = false): void {
    const now = Date.now();
    if (!force && now - this.lastDraw < 500) return;
    this.lastDraw = now;
    const done = step - this.startStep;
    const secs = (now - this.start) / 1000;
    const rate = done / Math.max(secs, 1e-9);
    const eta = rate > 0 ? (this.total - step) / rate : Infinity;
    const width = 24;
    const filled = Math.round((width * step) / this.total);
    const bar = '█'.repeat(filled) + '░'.repeat(Math.max(0, width - filled));
    const extra = Object.entries(fields)
      .map(([k, v]) => `${k} ${typeof v === 'number' ? v.toFixed(4) : v}`)
      .join(' · ');
    const line = `${bar} ${step}/${this.total} · ${extra} · ${rate.toFixed(2)} steps/s · ETA ${formatDuration(eta)}`;
    if (this.out.isTTY) this.out.write(`\r${line}\x1b[K`);
    else this.out.write(`${line}\n`);
  }

  done(): void {
    if (this.out.isTTY) this.out.write('\n');
  }
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s % 60).padStart(2, '0')}s`;
}
