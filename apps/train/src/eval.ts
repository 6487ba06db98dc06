#!/usr/bin/env node
/**
 * npm run eval -- --checkpoint DIR [--n 1000] [--split heldout] [--json out.json] [--backend wasm]
 *                 [--runtime tfjs|onnx] [--threads 1]
 *
 * Scores a checkpoint on the held-out split (all three tasks, greedy
 * decoding) and prints a table. `--runtime onnx`: DIR is an ONNX export
 * (mobile-mm export --format onnx), run by onnxruntime-node with --threads
 * intra-op threads and the same decoding (onnx-predictor.ts). --json writes
 * {"caption":{"exact","bleu4"},"ocr":{"exact","cer","reader"},"vqa":{"accuracy","perTemplate"},"n","checkpoint","variant"}
 * (+ "ocrDecoder" for models with the CTC head, "method" for quantized ones).
 */
import { writeFile } from 'node:fs/promises';
import { setupBackend, MobileMMError } from '@mobile-mm/core';
import { createRenderer, SPLITS, type Split } from '@mobile-mm/synth';
import { loadModel } from '@mobile-mm/vision';
import { evaluate, resultTable } from './evaluate.js';

function fail(msg: string, code = 2): never {
  console.error(`error: ${msg}\nusage: npm run eval -- --checkpoint DIR [--n 1000] [--split heldout|val] [--json FILE] [--backend wasm|cpu] [--runtime tfjs|onnx] [--threads N]`);
  process.exit(code);
}

const argv = process.argv.slice(2);
let checkpoint = '';
let n = 1000;
let split: Split = 'heldout';
let json = '';
let backend: 'wasm' | 'cpu' = 'wasm';
let runtime: 'tfjs' | 'onnx' = 'tfjs';
let threads = 1;
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const v = argv[++i];
  if (a === '--checkpoint') checkpoint = v ?? '';
  else if (a === '--n') n = Number(v);
  else if (a === '--split') split = v as Split;
  else if (a === '--json') json = v ?? '';
  else if (a === '--backend') backend = v as 'wasm' | 'cpu';
  else if (a === '--runtime') runtime = v as 'tfjs' | 'onnx';
  else if (a === '--threads') threads = Number(v);
  else fail(`unknown option "${a}"`);
}
if (!checkpoint) fail('--checkpoint DIR is required');
if (!Number.isInteger(n) || n < 1) fail(`--n: expected a positive integer, got ${n}`);
if (!SPLITS.includes(split)) fail(`--split: "${split}" unknown; accepted: ${SPLITS.join(', ')}`);
if (split === 'train') console.error('warning: scoring on the training split');
if (backend !== 'wasm' && backend !== 'cpu') fail(`--backend: accepted wasm, cpu`);
if (runtime !== 'tfjs' && runtime !== 'onnx') fail(`--runtime: "${runtime}" unknown; accepted: tfjs, onnx`);
if (!Number.isInteger(threads) || threads < 1) fail(`--threads: expected a positive integer, got ${threads}`);

try {
  await setupBackend(backend);
  const renderer = await createRenderer();
  if (runtime === 'onnx') {
    const { onnxPredictor } = await import('./onnx-predictor.js');
    const { predictor, model, variant } = await onnxPredictor(checkpoint, threads);
    const { result } = await evaluate(predictor, renderer, split, n);
    console.log(resultTable(result));
    console.log(`\n${result.seconds.toFixed(1)} s for ${3 * n} answers on onnxruntime-node (${threads} thread${threads === 1 ? '' : 's'}; preprocessing on tfjs ${backend})`);
    if (json) await writeFile(json, `${JSON.stringify({ ...result, checkpoint, variant, runtime: 'onnxruntime-node' }, null, 2)}\n`);
    await model.release();
  } else {
    const { model, quantization } = await loadModel(checkpoint);
    const { result } = await evaluate(model, renderer, split, n);
    const variant = quantization ? `int${quantization.bits}` : 'fp32';
    const out = { ...result, checkpoint, variant, ...(quantization ? { method: quantization.method } : {}) };
    console.log(resultTable(result));
    console.log(`\n${(result.seconds).toFixed(1)} s for ${3 * n} answers on ${backend}`);
    if (json) await writeFile(json, `${JSON.stringify(out, null, 2)}\n`);
    model.dispose();
  }
} catch (e) {
  if (e instanceof MobileMMError) fail(`${e.code}: ${e.message}`, 1);
  throw e;
}
