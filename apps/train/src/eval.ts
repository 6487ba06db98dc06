#!/usr/bin/env node
/**
 * npm run eval -- --checkpoint DIR [--n 1000] [--split heldout|val|robust] [--lang en|es|fr|de|ja|zh|all] [--json out.json] [--backend wasm]
 *                 [--runtime tfjs|onnx] [--threads 1]
 *
 * `--runtime onnx`: DIR is an ONNX export (mobile-mm export --format onnx),
 * run by onnxruntime-node with --threads intra-op threads and the same
 * decoding (onnx-predictor.ts); English, v1 exports.
 *
 * Scores a checkpoint on the held-out split (all three tasks, through
 * vision's answer()) and prints a table. `--split robust`: the same held-out
 * samples drawn by the independent RasterRenderer (evaluate.ts). --json writes
 * {"caption":{"exact","bleu4"},"ocr":{"exact","cer","reader"},"vqa":{"accuracy","perTemplate"},"n","checkpoint","variant"}
 * (+ "ocrDecoder" for models with the CTC head, "method" for quantized ones,
 * "lang"; with --lang all, "languages": {en: {...}, es: {...}, ...} and the
 * English figures at the top level).
 */
import { writeFile } from 'node:fs/promises';
import { LANGUAGES, MobileMMError, isLanguage, type Language } from '@mobile-mm/core';
import { setupBackend } from '@mobile-mm/core/backend';
import { createRasterRenderer, createRenderer } from '@mobile-mm/synth';
import { loadModel } from '@mobile-mm/vision';
import { EVAL_SPLITS, evaluate, resultTable, type EvalSplit } from './evaluate.js';

function fail(msg: string, code = 2): never {
  console.error(`error: ${msg}\nusage: npm run eval -- --checkpoint DIR [--n 1000] [--split heldout|val|robust] [--lang LANG|all] [--json FILE] [--backend wasm|cpu] [--runtime tfjs|onnx] [--threads N]`);
  process.exit(code);
}

const argv = process.argv.slice(2);
let checkpoint = '';
let n = 1000;
let split: EvalSplit = 'heldout';
let json = '';
let backend: 'wasm' | 'cpu' = 'wasm';
let lang: Language | 'all' = 'en';
let runtime: 'tfjs' | 'onnx' = 'tfjs';
let threads = 1;
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const v = argv[++i];
  if (a === '--checkpoint') checkpoint = v ?? '';
  else if (a === '--n') n = Number(v);
  else if (a === '--split') split = v as EvalSplit;
  else if (a === '--json') json = v ?? '';
  else if (a === '--backend') backend = v as 'wasm' | 'cpu';
  else if (a === '--lang') lang = v as Language | 'all';
  else if (a === '--runtime') runtime = v as 'tfjs' | 'onnx';
  else if (a === '--threads') threads = Number(v);
  else fail(`unknown option "${a}"`);
}
if (!checkpoint) fail('--checkpoint DIR is required');
if (!Number.isInteger(n) || n < 1) fail(`--n: expected a positive integer, got ${n}`);
if (!EVAL_SPLITS.includes(split)) fail(`--split: "${split}" unknown; accepted: ${EVAL_SPLITS.join(', ')}`);
if (split === 'train') console.error('warning: scoring on the training split');
if (backend !== 'wasm' && backend !== 'cpu') fail(`--backend: accepted wasm, cpu`);
if (lang !== 'all' && !isLanguage(lang)) fail(`--lang: "${lang}" unknown; accepted: ${LANGUAGES.join(', ')}, all`);
if (runtime !== 'tfjs' && runtime !== 'onnx') fail(`--runtime: "${runtime}" unknown; accepted: tfjs, onnx`);
if (!Number.isInteger(threads) || threads < 1) fail(`--threads: expected a positive integer, got ${threads}`);

try {
  await setupBackend(backend);
  const renderer = split === 'robust' ? await createRasterRenderer() : await createRenderer();
  if (runtime === 'onnx') {
    if (lang !== 'en') fail('--runtime onnx: English only (the export carries a v1 vocabulary)', 2);
    const { onnxPredictor } = await import('./onnx-predictor.js');
    const { predictor, model, variant } = await onnxPredictor(checkpoint, threads);
    const { result } = await evaluate(predictor, renderer, split, n);
    console.log(resultTable(result));
    console.log(`\n${result.seconds.toFixed(1)} s for ${3 * n} answers on onnxruntime-node (${threads} thread${threads === 1 ? '' : 's'}; preprocessing on tfjs ${backend})`);
    if (json) await writeFile(json, `${JSON.stringify({ ...result, checkpoint, variant, runtime: 'onnxruntime-node' }, null, 2)}\n`);
    await model.release();
    process.exit(0);
  }
  const { model, quantization } = await loadModel(checkpoint);
  const known = model.tokenizer.languages.length > 0 ? model.tokenizer.languages : (['en'] as Language[]);
  const langs = lang === 'all' ? known : [lang];
  for (const l of langs) if (!known.includes(l)) fail(`--lang: this model answers in ${known.join(', ')}; got ${l}`, 2);
  const results: Partial<Record<Language, Awaited<ReturnType<typeof evaluate>>['result']>> = {};
  for (const l of langs) {
    const { result } = await evaluate(model, renderer, split, n, l);
    results[l] = result;
    console.log(`\n${l}:\n${resultTable(result)}`);
    console.log(`\n${(result.seconds).toFixed(1)} s for ${3 * n} answers on ${backend}`);
  }
  const variant = quantization ? `int${quantization.bits}` : 'fp32';
  const head = results[langs.includes('en') ? 'en' : langs[0]]!;
  const out = {
    ...head,
    lang: langs.includes('en') ? 'en' : langs[0],
    ...(lang === 'all' ? { languages: results } : {}),
    checkpoint,
    variant,
    ...(quantization ? { method: quantization.method } : {}),
  };
  if (json) await writeFile(json, `${JSON.stringify(out, null, 2)}\n`);
  model.dispose();
} catch (e) {
  if (e instanceof MobileMMError) fail(`${e.code}: ${e.message}`, 1);
  throw e;
}
