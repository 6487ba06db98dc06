/** Markdown rendering of benchmark results. */
import type { KernelCase } from './kernels.js';

export interface MachineInfo {
  runtime: string;
  cpu: string;
  cores: number;
  memoryGiB: number | null;
  tfjs: string;
  date: string;
}

const fmt = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '—');

export function machineLine(m: MachineInfo): string {
  return `${m.runtime} · ${m.cpu} · ${m.cores} cores${m.memoryGiB ? ` · ${m.memoryGiB} GiB` : ''} · tfjs ${m.tfjs} · ${m.date}`;
}

export function kernelTable(cases: KernelCase[]): string {
  const rows = [
    '| backend | M×K×N | variant | median ms | IQR ms | p95 ms | n | vs f32 | weight bytes | f32/bytes | rel. error |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const c of cases) {
    const f32Bytes = c.k * c.n * 4;
    rows.push(
      `| ${c.backend} | ${c.m}×${c.k}×${c.n} | ${c.variant}${c.groupSize ? ` g${c.groupSize}` : ''} | ${fmt(c.stats.median)} | ${fmt(c.stats.iqr)} | ${fmt(c.stats.p95)} | ${c.stats.n} | ${fmt(c.speedup, 2)}× | ${c.weightBytes.toLocaleString('en-US')} | ${fmt(f32Bytes / c.weightBytes, 1)}× | ${c.relError.toExponential(1)} |`,
    );
  }
  return rows.join('\n');
}
