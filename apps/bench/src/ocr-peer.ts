/**
 * OCR peer benchmark (Node): tesseract.js 7, fully offline, against our OCR
 * (MobileMultiModalLLM on the wasm backend, int2 and fp32, profile
 * 'balanced': greedy decoding, or the CTC head for OCR where the model has one) on the same held-out SynthScenes text lines
 * (32×128, sample indices 0 … n-1 of the held-out split).
 *
 * Per engine:
 * 1. load: create the engine (tesseract: worker start, language data,
 *    parameters; ours: create(): backend start and weights); then the first
 *    call, timed on its own, and untimed warm-up calls, all on lines after
 *    the n scored ones;
 * 2. accuracy pass, untimed: every line once; exact-line rate and corpus
 *    CER against the ground truth (`@mobile-mm/synth` metrics);
 * 3. timing pass: every line again, each call timed (RGBA in, text out;
 *    tesseract's 3× upscale and the worker round trip included); each
 *    answer must equal the accuracy pass's (`changed` counts those that do
 *    not), so the timed calls are the scored ones.
 * Per line: median, IQR and p95 over the n timed calls.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MobileMultiModalLLM } from 'mobile-mm';
import { corpusCer, createRenderer, exactMatchRate, makeTaskSample, type TaskSample } from '@mobile-mm/synth';
import { summarize, type TimingStats } from './stats.js';
import { createTesseractPeer, TESSERACT_SETTINGS, type RgbaImage, type TesseractInfo, type TesseractSettings } from './tesseract-peer.js';
import { machineLine, type MachineInfo } from './report.js';
import { nodeMachine } from './machine.js';

export type OcrVariant = 'int2' | 'fp32';

export interface OcrPeerOptions {
  /** Scored and timed lines: held-out indices 0 … lines-1. */
  lines: number;
  /** Untimed calls after the first call, before both passes. */
  warmup: number;
  variants: OcrVariant[];
  onLine?: (line: string) => void;
}

export interface OcrEngineResult {
  engine: 'tesseract.js' | 'mobile-mm';
  /** tesseract: the traineddata folder; ours: the variant. */
  variant: string;
  /** Share of lines read exactly (trimmed, case-sensitive). */
  exact: number;
  /** Corpus character error rate: Levenshtein distance / reference characters. */
  cer: number;
  distance: number;
  refChars: number;
  /** Per line, ms, timing pass. */
  stats: TimingStats;
  loadMs: number;
  firstCallMs: number;
  /** Timed answers that differ from the scored ones (0 for a deterministic engine). */
  changed: number;
  /** The first wrong lines, for the report. */
  mistakes: { index: number; answer: string; read: string }[];
  /** ours: model folder, weight bytes and the facade's notes. */
  model?: { name: string; weightBytes: number; notes: string[]; reader?: 'ctc' | 'decoder' };
}

export interface OcrPeerResult {
  lines: number;
  warmup: number;
  split: 'heldout';
  tesseractSettings: TesseractSettings;
  tesseract: TesseractInfo;
  engines: OcrEngineResult[];
}

interface Engine {
  read(img: RgbaImage): Promise<string>;
  close(): Promise<void>;
}

async function measure(
  engine: OcrEngineResult['engine'],
  variant: string,
  open: () => Promise<Engine>,
  samples: TaskSample[],
  spare: TaskSample[],
  log: (l: string) => void,
): Promise<{ result: OcrEngineResult; engine: Engine }> {
  const t0 = performance.now();
  const e = await open();
  const loadMs = performance.now() - t0;
  const f0 = performance.now();
  await e.read(spare[0].image);
  const firstCallMs = performance.now() - f0;
  for (const s of spare.slice(1)) await e.read(s.image);

  const reads: string[] = [];
  for (const s of samples) reads.push(await e.read(s.image));
  const refs = samples.map((s) => s.answer);
  const exact = exactMatchRate(reads, refs);
  const { cer, distance, refChars } = corpusCer(reads, refs);

  const ms: number[] = [];
  let changed = 0;
  for (let i = 0; i < samples.length; i++) {
    const c0 = performance.now();
    const text = await e.read(samples[i].image);
    ms.push(performance.now() - c0);
    if (text !== reads[i]) changed++;
  }
  const stats = summarize(ms);
  const mistakes = samples
    .map((s, i) => ({ index: s.index, answer: s.answer, read: reads[i] }))
    .filter((m) => m.read.trim() !== m.answer.trim())
    .slice(0, 12);
  log(`${engine} ${variant}: exact ${(100 * exact).toFixed(1)} % · CER ${(100 * cer).toFixed(1)} % · median ${stats.median.toFixed(1)} ms/line`);
  return { result: { engine, variant, exact, cer, distance, refChars, stats, loadMs, firstCallMs, changed, mistakes }, engine: e };
}

export async function runOcrPeerSuite(o: OcrPeerOptions): Promise<OcrPeerResult> {
  if (!Number.isInteger(o.lines) || o.lines < 1) throw new Error(`ocr-peer: lines must be a positive integer, got ${o.lines}`);
  const log = o.onLine ?? (() => undefined);
  const renderer = await createRenderer();
  const samples = Array.from({ length: o.lines }, (_, k) => makeTaskSample(renderer, 'heldout', 'ocr', k));
  const spare = Array.from({ length: 1 + o.warmup }, (_, k) => makeTaskSample(renderer, 'heldout', 'ocr', o.lines + k));
  const engines: OcrEngineResult[] = [];

  let info: TesseractInfo | undefined;
  const tess = await measure(
    'tesseract.js',
    TESSERACT_SETTINGS.traineddata,
    async () => {
      const peer = await createTesseractPeer(TESSERACT_SETTINGS);
      info = peer.info;
      return { read: (img) => peer.recognize(img), close: () => peer.terminate() };
    },
    samples,
    spare,
    log,
  );
  await tess.engine.close();
  engines.push(tess.result);

  for (const variant of o.variants) {
    let mm: MobileMultiModalLLM | undefined;
    const ours = await measure(
      'mobile-mm',
      variant,
      async () => {
        const m = await MobileMultiModalLLM.create({ backend: 'wasm', variant, profile: 'balanced' });
        mm = m;
        return {
          read: async (img) => (await m.ocr({ data: img.data, width: img.width, height: img.height })).text,
          close: async () => m.dispose(),
        };
      },
      samples,
      spare,
      log,
    );
    if (mm) {
      const h = mm.health();
      ours.result.model = { name: h.model.name, weightBytes: h.model.weightBytes, notes: h.notes, reader: mm.model.ctcHead ? 'ctc' : 'decoder' };
    }
    await ours.engine.close();
    engines.push(ours.result);
  }
  if (!info) throw new Error('ocr-peer: the tesseract peer did not report its versions');
  return { lines: o.lines, warmup: o.warmup, split: 'heldout', tesseractSettings: TESSERACT_SETTINGS, tesseract: info, engines };
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '—');

export function ocrPeerMarkdown(r: OcrPeerResult, machine: MachineInfo, quick: boolean): string {
  const tess = r.engines.find((e) => e.engine === 'tesseract.js');
  const s = r.tesseractSettings;
  const t = r.tesseract;
  const table = [
    '| engine | variant | exact lines | CER | char. accuracy | median ms/line | IQR ms | p95 ms | vs tesseract (time) | load ms | first call ms | changed |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.engines.map(
      (e) =>
        `| ${e.engine} | ${e.variant} | ${pct(e.exact)} | ${pct(e.cer)} | ${pct(1 - e.cer)} | ${ms(e.stats.median)} | ${ms(e.stats.iqr)} | ${ms(e.stats.p95)} | ` +
        `${tess ? `${(tess.stats.median / e.stats.median).toFixed(2)}×` : '—'} | ${e.loadMs.toFixed(0)} | ${ms(e.firstCallMs)} | ${e.changed} |`,
    ),
  ];
  const mistakes = r.engines.map(
    (e) =>
      `**${e.engine} ${e.variant}** (${Math.round((1 - e.exact) * r.lines)} wrong; the first ${e.mistakes.length}, answer → read): ` +
      (e.mistakes.length ? e.mistakes.map((m) => `\`${m.answer}\` → \`${m.read}\``).join(' · ') : 'none'),
  );
  const models = r.engines
    .filter((e) => e.model)
    .map(
      (e) =>
        `${e.variant}: \`${e.model!.name}\`, ${e.model!.weightBytes.toLocaleString('en-US')} weight bytes, ` +
        `${e.model!.reader === 'ctc' ? 'read by the CTC head (one encoder pass)' : 'read by greedy decoding'}${e.model!.notes.length ? ` (${e.model!.notes.join('; ')})` : ''}`,
    );
  return [
    `# OCR peer: tesseract.js vs MobileMultiModalLLM (Node)${quick ? ' — quick run, harness check only' : ''}`,
    '',
    machineLine(machine),
    '',
    `The same ${r.lines.toLocaleString('en-US')} held-out SynthScenes text lines (32×128, indices 0–${r.lines - 1}) for every engine. ` +
      'Exact lines: trimmed, case-sensitive string match; CER: corpus character error rate (sum of Levenshtein distances / reference characters); ' +
      'character accuracy = 1 − CER. Each engine reads every line once untimed (the scored pass), then again timed, one call at a time after ' +
      `a first call and ${r.warmup} warm-up calls on other lines; median, interquartile range and p95 per line over the ${r.lines.toLocaleString('en-US')} timed calls. ` +
      '"changed" = timed answers that differ from the scored ones. "vs tesseract (time)" = tesseract median / this median (>1 is faster).',
    '',
    table.join('\n'),
    '',
    '## Settings',
    '',
    `- **tesseract.js ${t.tesseractJs}** (tesseract.js-core ${t.tesseractJsCore}, \`${t.coreBuild}\`), one worker thread, fully offline: ` +
      `language data \`${t.traineddata}\` from ${t.dataPackage} (${t.traineddataBytes.toLocaleString('en-US')} bytes, ${t.traineddataGzip ? 'gzip' : 'raw'}, sha256 \`${t.traineddataSha256.slice(0, 16)}…\`), ` +
      "`cacheMethod: 'none'`, worker script and core from node_modules (a `--quick` run under `strace -f -e trace=socket,connect` opens no socket). " +
      `Engine ${s.oem}; page segmentation mode ${s.psm} (single text line); whitelist \`${s.whitelist}\` (A–Z, 0–9, space); ` +
      `each line converted to grey (BT.601 luma), upscaled ${s.upscale}× (${s.interpolation}) and passed as an 8-bit PGM; user_defined_dpi ${s.dpi}. ` +
      'The timed call includes the conversion, the upscale and the round trip to the worker thread.',
    `- **mobile-mm**: \`MobileMultiModalLLM.create({ backend: 'wasm', variant, profile: 'balanced' })\`, \`mm.ocr({ data, width, height })\` on the RGBA line. ${models.join(' · ')}.`,
    '',
    '## Wrong lines',
    '',
    mistakes.join('\n\n'),
    '',
  ].join('\n');
}

/** `npm run bench -- ocr-peer [--quick]`: 1,000 lines (quick: 20, harness check only) → results/ocr-peer[.quick].{json,md}. */
export async function ocrPeerCli(o: { quick: boolean; out: string }): Promise<void> {
  const machine = nodeMachine();
  const r = await runOcrPeerSuite({
    lines: o.quick ? 20 : 1000,
    warmup: o.quick ? 2 : 10,
    variants: ['int2', 'fp32'],
    onLine: (l) => console.error(`  ${l}`),
  });
  const name = o.quick ? 'ocr-peer.quick' : 'ocr-peer';
  await mkdir(o.out, { recursive: true });
  await writeFile(path.join(o.out, `${name}.json`), JSON.stringify({ machine, quick: o.quick, ...r }, null, 2));
  const md = ocrPeerMarkdown(r, machine, o.quick);
  await writeFile(path.join(o.out, `${name}.md`), md);
  console.log(md);
}
