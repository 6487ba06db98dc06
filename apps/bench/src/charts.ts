/**
 * Hand-written SVG charts for the generated report (no chart dependency):
 * grouped bars (linear or log scale) and panels of scatter points on a log
 * x axis. Pure functions from numbers to an SVG string; every text is
 * escaped, every number rounded, nothing depends on the clock.
 */

export interface BarSeries {
  label: string;
  color: string;
  /** One value per group; null where the series has no bar there. */
  values: (number | null)[];
}

export interface BarChart {
  title: string;
  subtitle?: string;
  yLabel: string;
  groups: string[];
  series: BarSeries[];
  /** Log-scale y axis (values spanning decades: cpu vs wasm latency). */
  log?: boolean;
  /** Decimals of the value printed above each bar. */
  decimals?: number;
}

export interface ScatterPoint {
  x: number;
  y: number;
  /** Index into ScatterChart.keys (colour and legend entry). */
  key: number;
}

export interface ScatterPanel {
  yLabel: string;
  points: ScatterPoint[];
  /** Printed under the axis label: which way is better. */
  note?: string;
}

export interface ScatterChart {
  title: string;
  subtitle?: string;
  xLabel: string;
  keys: { label: string; color: string; hollow?: boolean }[];
  panels: ScatterPanel[];
}

const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const r1 = (x: number) => Math.round(x * 10) / 10;

/** A tidy tick step for a linear axis from 0 to max (1, 2 or 5 × 10^k). */
function niceStep(max: number, ticks = 5): number {
  const raw = max / ticks;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
}

/** Tick label: 0.01 … 1,000,000 without exponent noise. */
function tickLabel(v: number): string {
  if (v >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (v >= 1e3) return `${+(v / 1e3).toPrecision(3)}k`;
  return String(+v.toPrecision(3));
}

function legend(items: { label: string; color: string; hollow?: boolean }[], x0: number, y0: number, width: number): { svg: string; height: number } {
  const parts: string[] = [];
  let x = x0;
  let y = y0;
  for (const it of items) {
    const w = 26 + it.label.length * 6.6;
    if (x + w > x0 + width && x > x0) {
      x = x0;
      y += 18;
    }
    const swatch = it.hollow
      ? `<rect x="${r1(x)}" y="${r1(y - 9)}" width="11" height="11" fill="white" stroke="${it.color}" stroke-width="2"/>`
      : `<rect x="${r1(x)}" y="${r1(y - 9)}" width="11" height="11" fill="${it.color}"/>`;
    parts.push(`${swatch}<text x="${r1(x + 16)}" y="${r1(y)}" font-size="11">${escapeXml(it.label)}</text>`);
    x += w;
  }
  return { svg: parts.join(''), height: y - y0 + 18 };
}

function frame(width: number, height: number, title: string, subtitle: string | undefined, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}>\n` +
    `<rect width="${width}" height="${height}" fill="white"/>\n` +
    `<text x="16" y="22" font-size="15" font-weight="600">${escapeXml(title)}</text>\n` +
    (subtitle ? `<text x="16" y="40" font-size="11" fill="#555">${escapeXml(subtitle)}</text>\n` : '') +
    `${body}\n</svg>\n`
  );
}

/** Grouped bars: one group per task (say), one bar per series, the value printed on top. */
export function barChartSvg(c: BarChart): string {
  const all = c.series.flatMap((s) => s.values).filter((v): v is number => v !== null && Number.isFinite(v) && v > 0);
  if (all.length === 0) throw new Error(`barChartSvg(${c.title}): no positive values`);
  const bar = 16;
  const groupW = c.series.length * bar + 28;
  const left = 64;
  const top = 56;
  const plotH = 240;
  const width = Math.max(520, left + c.groups.length * groupW + 24, Math.ceil(32 + (c.subtitle?.length ?? 0) * 6), Math.ceil(32 + c.title.length * 8.5));
  const plotW = width - left - 24;
  const lo = c.log ? 10 ** Math.floor(Math.log10(Math.min(...all))) : 0;
  const step = c.log ? 0 : niceStep(Math.max(...all));
  const hi = c.log ? 10 ** Math.ceil(Math.log10(Math.max(...all)) + 0.15) : Math.ceil(Math.max(...all) / step) * step;
  const y = (v: number) => top + plotH - (c.log ? (Math.log10(v / lo) / Math.log10(hi / lo)) * plotH : (v / hi) * plotH);
  const parts: string[] = [];
  const ticks: number[] = [];
  if (c.log) for (let t = lo; t <= hi * 1.0001; t *= 10) ticks.push(t);
  else for (let t = 0; t <= hi + step / 2; t += step) ticks.push(t);
  for (const t of ticks) {
    parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${r1(y(t))}" y2="${r1(y(t))}" stroke="#e3e3e3"/>`);
    parts.push(`<text x="${left - 6}" y="${r1(y(t) + 4)}" font-size="11" text-anchor="end">${tickLabel(t)}</text>`);
  }
  parts.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotH}" stroke="#333"/>`);
  parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${top + plotH}" y2="${top + plotH}" stroke="#333"/>`);
  parts.push(`<text transform="translate(16 ${top + plotH / 2}) rotate(-90)" font-size="11" text-anchor="middle">${escapeXml(c.yLabel)}${c.log ? ' (log scale)' : ''}</text>`);
  const gap = (plotW - c.groups.length * (groupW - 28)) / c.groups.length;
  c.groups.forEach((g, gi) => {
    const gx = left + gap / 2 + gi * (groupW - 28 + gap);
    c.series.forEach((s, si) => {
      const v = s.values[gi];
      if (v === null || !Number.isFinite(v) || v <= 0) return;
      const x = gx + si * bar;
      const yt = y(Math.max(v, lo));
      parts.push(`<rect x="${r1(x)}" y="${r1(yt)}" width="${bar - 2}" height="${r1(top + plotH - yt)}" fill="${s.color}"><title>${escapeXml(`${s.label} · ${g}: ${v.toFixed(c.decimals ?? 1)}`)}</title></rect>`);
      parts.push(`<text transform="translate(${r1(x + bar / 2 + 3)} ${r1(yt - 3)}) rotate(-90)" font-size="9" fill="#333">${v.toFixed(c.decimals ?? 1)}</text>`);
    });
    parts.push(`<text x="${r1(gx + (c.series.length * bar) / 2)}" y="${top + plotH + 16}" font-size="11" text-anchor="middle">${escapeXml(g)}</text>`);
  });
  const lg = legend(c.series, left, top + plotH + 40, plotW);
  parts.push(lg.svg);
  return frame(width, top + plotH + 40 + lg.height, c.title, c.subtitle, parts.join('\n'));
}

/** Side-by-side scatter panels sharing a log-scale x axis and one legend. */
export function scatterChartSvg(c: ScatterChart): string {
  const xs = c.panels.flatMap((p) => p.points.map((q) => q.x)).filter((v) => v > 0);
  if (xs.length === 0) throw new Error(`scatterChartSvg(${c.title}): no points`);
  const panelW = 250;
  const plotH = 200;
  const left = 56;
  const top = 74;
  const width = 16 + c.panels.length * (panelW + left);
  const xlo = 10 ** Math.floor(Math.log10(Math.min(...xs)) - 0.05);
  const xhi = 10 ** Math.ceil(Math.log10(Math.max(...xs)) + 0.05);
  const parts: string[] = [];
  c.panels.forEach((p, pi) => {
    const px = 16 + pi * (panelW + left) + left - 16;
    const ys = p.points.map((q) => q.y);
    const span = Math.max(...ys) - Math.min(...ys) || Math.abs(ys[0]) || 1;
    const ylo = Math.min(...ys) - 0.12 * span;
    const yhi = Math.max(...ys) + 0.12 * span;
    const X = (v: number) => px + (Math.log10(v / xlo) / Math.log10(xhi / xlo)) * panelW;
    const Y = (v: number) => top + plotH - ((v - ylo) / (yhi - ylo)) * plotH;
    parts.push(`<rect x="${r1(px)}" y="${top}" width="${panelW}" height="${plotH}" fill="none" stroke="#333"/>`);
    for (let t = xlo; t <= xhi * 1.0001; t *= 10) {
      parts.push(`<line x1="${r1(X(t))}" x2="${r1(X(t))}" y1="${top}" y2="${top + plotH}" stroke="#e3e3e3"/>`);
      parts.push(`<text x="${r1(X(t))}" y="${top + plotH + 14}" font-size="10" text-anchor="middle">${tickLabel(t)}</text>`);
    }
    const ystep = niceStep(yhi - ylo, 4);
    for (let t = Math.ceil(ylo / ystep) * ystep; t <= yhi; t += ystep) {
      parts.push(`<line x1="${r1(px)}" x2="${r1(px + panelW)}" y1="${r1(Y(t))}" y2="${r1(Y(t))}" stroke="#eeeeee"/>`);
      parts.push(`<text x="${r1(px - 4)}" y="${r1(Y(t) + 3)}" font-size="10" text-anchor="end">${+t.toPrecision(3)}</text>`);
    }
    parts.push(`<text x="${r1(px + panelW / 2)}" y="${top - 8}" font-size="12" font-weight="600" text-anchor="middle">${escapeXml(p.yLabel)}</text>`);
    if (p.note) parts.push(`<text x="${r1(px + panelW / 2)}" y="${top + plotH + 44}" font-size="10" fill="#555" text-anchor="middle">${escapeXml(p.note)}</text>`);
    parts.push(`<text x="${r1(px + panelW / 2)}" y="${top + plotH + 30}" font-size="11" text-anchor="middle">${escapeXml(c.xLabel)}</text>`);
    for (const q of p.points) {
      const k = c.keys[q.key];
      const fill = k.hollow ? 'white' : k.color;
      parts.push(`<circle cx="${r1(X(q.x))}" cy="${r1(Y(q.y))}" r="5" fill="${fill}" stroke="${k.color}" stroke-width="2" fill-opacity="0.85"><title>${escapeXml(`${k.label}: ${q.y} at ${q.x.toLocaleString('en-US')} bytes`)}</title></circle>`);
    }
  });
  const lg = legend(c.keys, 16 + left - 16, top + plotH + 68, width - 2 * left);
  parts.push(lg.svg);
  return frame(width, top + plotH + 68 + lg.height, c.title, c.subtitle, parts.join('\n'));
}
