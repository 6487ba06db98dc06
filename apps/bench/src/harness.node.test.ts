/**
 * The bench harness runs (the --quick check CI needs), without timing
 * assertions: the model suite on wasm with two calls per task gives
 * well-formed cases for fp32 and int2, and the report generator turns the
 * committed results into a markdown report and well-formed SVG charts.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { barChartSvg, scatterChartSvg } from './charts.js';
import { modelTables, runModelSuite } from './model.js';
import { writeReport } from './summary.js';

const RESULTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../results');

/** Every element opened is closed in order (a minimal XML well-formedness check), and no NaN/undefined leaked into the text. */
function expectWellFormedSvg(svg: string): void {
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  expect(svg).not.toMatch(/NaN|undefined|Infinity/);
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    const [, close, name, selfClose] = m;
    if (selfClose) continue;
    if (close) expect(stack.pop()).toBe(name);
    else stack.push(name);
  }
  expect(stack).toEqual([]);
  expect(svg.replace(/<[^>]*>/g, '')).not.toMatch(/[<>]|&(?!amp;|lt;|gt;|quot;)/);
}

it('the quick model suite on wasm returns fp32 and int2 cases for every task', async () => {
  const lines: string[] = [];
  const r = await runModelSuite({ backends: ['wasm'], variants: ['fp32', 'int2'], calls: 2, warmup: 0, onLine: (l) => lines.push(l) });
  expect(r.loads.map((l) => `${l.backend} ${l.variant}`)).toEqual(['wasm fp32', 'wasm int2']);
  for (const l of r.loads) {
    expect(l.loadMs).toBeGreaterThan(0);
    expect(l.firstCallMs).toBeGreaterThan(0);
    expect(l.peakRssMiB).toBeGreaterThan(0);
    expect(l.peakTfjsMiB).toBeGreaterThan(0);
  }
  const [fp32, int2] = r.loads;
  expect(int2.weightBytes).toBeLessThan(fp32.weightBytes / 4); // 2-bit codes: the bundled int2 model is ≈8× smaller
  expect(r.cases.map((c) => `${c.variant} ${c.profile} ${c.task}`)).toEqual([
    'fp32 balanced caption', 'fp32 balanced ocr', 'fp32 balanced vqa', 'fp32 fast vqa',
    'int2 balanced caption', 'int2 balanced ocr', 'int2 balanced vqa', 'int2 fast vqa',
  ]);
  for (const c of r.cases) {
    expect(c.stats.n).toBe(2);
    for (const x of [c.stats.median, c.stats.p95, c.callsPerSecond, c.decodeTokensPerSecond, c.meanTokens, c.vsFp32]) {
      expect(Number.isFinite(x) && x > 0, `${c.variant} ${c.task}`).toBe(true);
    }
    if (c.profile === 'balanced') expect(c.correct).toBeGreaterThanOrEqual(0);
  }
  expect(lines).toHaveLength(8);
  const table = modelTables(r);
  expect(table.split('\n').filter((l) => l.startsWith('| wasm'))).toHaveLength(8 + 2);
  expect(table).not.toMatch(/NaN|undefined/);
});

it('the report generator renders the committed results into REPORT.md and well-formed SVG charts', async () => {
  const out = await mkdtemp(path.join(os.tmpdir(), 'bench-report-'));
  try {
    const r = await writeReport(RESULTS, out);
    expect(r.sources).toEqual(expect.arrayContaining(['model-node.json', 'train-step.json', 'quantization-accuracy.json']));
    const md = await readFile(path.join(out, 'REPORT.md'), 'utf8');
    expect(md).toMatch(/^# apps\/bench report\n/);
    expect(md).not.toMatch(/NaN|undefined/);
    for (const h of ['## Model latency in Node', '## Training steps', '## Kernels', '## Accuracy vs bytes']) expect(md).toContain(h);
    const files = (await readdir(path.join(out, 'charts'))).sort();
    expect(files).toEqual(expect.arrayContaining(['accuracy-vs-bytes.svg', 'model-latency-node.svg', 'train-steps.svg']));
    for (const f of files) {
      expect(md, `REPORT.md links ${f}`).toContain(`(charts/${f})`);
      expectWellFormedSvg(await readFile(path.join(out, 'charts', f), 'utf8'));
    }
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

it('charts escape their text and keep bars and points inside the picture', () => {
  const bars = barChartSvg({ title: 'a <b> & "c"', yLabel: 'ms', groups: ['x', 'y'], series: [{ label: 's&t', color: '#000', values: [3, null] }], log: true });
  expectWellFormedSvg(bars);
  expect(bars).toContain('a &lt;b&gt; &amp; &quot;c&quot;');
  const height = Number(bars.match(/height="(\d+)"/)![1]);
  for (const m of bars.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="\d+" height="([\d.]+)" fill="#000"/g)) {
    expect(Number(m[2]) + Number(m[3])).toBeLessThanOrEqual(height);
  }
  const scatter = scatterChartSvg({
    title: 't',
    xLabel: 'bytes',
    keys: [{ label: 'k', color: '#111' }],
    panels: [{ yLabel: 'acc', points: [{ x: 480_512, y: 0.6, key: 0 }, { x: 3_936_000, y: 0.65, key: 0 }] }],
  });
  expectWellFormedSvg(scatter);
  expect(scatter.match(/<circle/g)).toHaveLength(2);
  expect(() => barChartSvg({ title: 'empty', yLabel: 'ms', groups: ['x'], series: [{ label: 's', color: '#000', values: [null] }] })).toThrow(/no positive values/);
});
