#!/usr/bin/env node
/**
 * npm run bench -- kernels|model|train|ocr-peer|runtimes|all [--quick] [--backends cpu,wasm]
 * npm run bench -- report   (REPORT.md + charts/*.svg from the results' JSON; summary.ts)
 * npm run bench -- serve [--quick] [--soak N] [--out DIR]   (HTTP server under load; serve.ts; not part of `all`)
 * npm run bench -- runtimes-report [--quick]   (runtimes.md + charts/runtimes.svg from runtimes.json)
 * npm run bench -- profile [--preset tinyAux] [--out DIR]   (one decode step op by op, tf.profile; profile-step.ts)
 * npm run bench -- scale [--quick] [--json FILE] [--backends cpu,wasm] [--presets tiny,small,base]   (decode ms/token vs memory bandwidth; scale.ts)
 *
 * Writes JSON and a markdown table per suite to apps/bench/results/.
 * A benchmark, not a test: nothing here asserts a time.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BackendName } from '@mobile-mm/core';
import type { PresetName } from '@mobile-mm/vision';
import { setupBackend } from '@mobile-mm/core/backend';
import { registerInt2Kernels } from '@mobile-mm/int2';
import { FULL_SHAPES, QUICK_SHAPES, runKernelSuite, type KernelCase } from './kernels.js';
import { kernelTable, machineLine } from './report.js';
import { nodeMachine } from './machine.js';
import { abTable, modelTables, runModelAb, runModelSuite } from './model.js';
import { ocrPeerCli } from './ocr-peer.js';
import { runtimesCli, runtimesReportCli } from './runtimes.js';
import { writeReport } from './summary.js';
import { runServeSuite, serveTables } from './serve.js';
import { profileDecodeStep, profileTables } from './profile-step.js';
import { runScaleSuite, scaleTable, SCALE_PRESETS, type ScalePreset } from './scale.js';

const RESULTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../results');
const SUITES = ['kernels', 'model', 'train', 'ocr-peer', 'runtimes'] as const;

function usage(msg?: string): never {
  if (msg) console.error(`error: ${msg}`);
  console.error(`usage: npm run bench -- <${SUITES.join('|')}|all> [--quick] [--backends cpu,wasm] [--out DIR]  |  npm run bench -- report`);
  process.exit(2);
}

function parse(argv: string[]) {
  const suite = argv[0];
  if (!suite) usage('no suite given');
  if (suite !== 'all' && !(SUITES as readonly string[]).includes(suite)) usage(`unknown suite "${suite}"`);
  let quick = false;
  let backends: BackendName[] = ['cpu', 'wasm'];
  let out = RESULTS;
  let fusedAblation = false;
  let ab = false;
  let calls: number | undefined;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') quick = true;
    else if (a === '--fused-ablation') fusedAblation = true;
    else if (a === '--ab') ab = true;
    else if (a === '--calls') calls = Number(argv[++i]);
    else if (a === '--backends') {
      backends = (argv[++i] ?? '').split(',').filter(Boolean) as BackendName[];
      for (const b of backends) if (b !== 'cpu' && b !== 'wasm') usage(`backend "${b}" does not run in Node; use npm run bench:browser for webgl`);
    } else if (a === '--out') out = path.resolve(argv[++i] ?? usage('--out needs a folder'));
    else usage(`unknown option "${a}"`);
  }
  if (calls !== undefined && !(Number.isSafeInteger(calls) && calls > 0)) usage('--calls takes a positive count');
  return { suite, quick, backends, out, fusedAblation, ab, calls };
}

async function kernels(o: ReturnType<typeof parse>): Promise<void> {
  const machine = nodeMachine();
  const all: KernelCase[] = [];
  for (const b of o.backends) {
    await setupBackend(b);
    registerInt2Kernels(b);
    console.error(`kernels on ${b} …`);
    const cases = await runKernelSuite({
      shapes: o.quick ? QUICK_SHAPES : FULL_SHAPES,
      bits: [2, 4, 8],
      groupSize: 64,
      time: o.quick ? { warmup: 1, minReps: 2, maxReps: 3, budgetMs: 50 } : undefined,
      onCase: (c) => console.error(`  ${c.variant.padEnd(4)} ${c.m}x${c.k}x${c.n}: ${c.stats.median.toFixed(3)} ms (${c.speedup.toFixed(2)}x f32)`),
    });
    all.push(...cases);
  }
  const name = o.quick ? 'kernels-node.quick' : 'kernels-node';
  await mkdir(o.out, { recursive: true });
  await writeFile(path.join(o.out, `${name}.json`), JSON.stringify({ machine, quick: o.quick, cases: all }, null, 2));
  const md = `# Kernels: Int2MatMul vs float32 matMul (Node)\n\n${machineLine(machine)}\n\n` +
    'Same run, same backend; median and interquartile range after warm-up; each output validated against x·dequantize(W) first. ' +
    '"vs f32" = float32 median / this median (>1 is faster). Group size 64, scales and mins in float32 in memory.\n\n' +
    `${kernelTable(all)}\n`;
  await writeFile(path.join(o.out, `${name}.md`), md);
  console.log(md);
}

async function model(o: ReturnType<typeof parse>): Promise<void> {
  const machine = nodeMachine();
  if (o.ab) {
    const t0 = performance.now();
    const rows = await runModelAb({ backends: o.backends as ('cpu' | 'wasm')[], rounds: o.calls ?? (o.quick ? 4 : 30), warmup: 2, onLine: (l) => console.error(`  ${l}`) });
    const wallS = (performance.now() - t0) / 1000;
    await mkdir(o.out, { recursive: true });
    await writeFile(path.join(o.out, 'model-ab.json'), JSON.stringify({ machine, wallS, rows }, null, 2));
    const md =
      `# Model A/B: fused decode kernels off/on, fp32 and int2, interleaved (Node)\n\n${machineLine(machine)}\n\n` +
      'Both shipped models (tiny-fp32, tiny-int2) loaded at once; each round runs every task once per configuration on the same held-out image, ' +
      'the configurations in a rotating order, so load on the shared machine hits all alike. Greedy decoding, profile balanced (OCR: the CTC head). ' +
      '"unfused" = fused kernels off (MOBILE_MM_FUSED=0: the decode path before them, and what an fp32 app without @mobile-mm/int2 runs). ' +
      '"decode ms / token" = decodeMs / (tokens + 1) per call, median (prefill included). "same answer" = share of calls whose text equals the ' +
      `unfused run of the same variant on the same image. Suite wall time ${wallS.toFixed(0)} s.\n\n${abTable(rows)}\n`;
    await writeFile(path.join(o.out, 'model-ab.md'), md);
    console.log(md);
    return;
  }
  const r = await runModelSuite({
    backends: o.quick ? ['wasm'] : (o.backends as ('cpu' | 'wasm')[]),
    variants: ['fp32', 'int2'],
    calls: o.calls ?? (o.quick ? 3 : 40),
    warmup: o.quick ? 1 : 3,
    fusedAblation: o.fusedAblation,
    onLine: (l) => console.error(`  ${l}`),
  });
  const name = `${o.quick ? 'model-node.quick' : 'model-node'}${o.fusedAblation ? '.fused-ablation' : ''}`;
  await mkdir(o.out, { recursive: true });
  await writeFile(path.join(o.out, `${name}.json`), JSON.stringify({ machine, quick: o.quick, ...r }, null, 2));
  const md =
    `# Model: MobileMultiModalLLM per backend, variant and task (Node)\n\n${machineLine(machine)}\n\n` +
    'Held-out SynthScenes images, a different one per call; greedy decoding (profile balanced; OCR: the CTC head on models that have one) unless stated; ' +
    'median, interquartile range and p95 per call after warm-up; calls/s = 1000 / mean. "vs fp32" = fp32 median on the same backend ' +
    'in this run / this median (>1 is faster). "right" = share of the timed answers that match the ground truth (a sanity check of the timed ' +
    'outputs; accuracy at n = 1,000 is in the model cards). Load = create(): backend start + reading and uploading the weights.' +
    (o.fusedAblation
      ? ' Fused ablation: each variant runs with the fused decode kernels off ("unfused", the code before them, and what an fp32 app without @mobile-mm/int2 runs) and on ("fused"); "vs fp32" compares with fp32 unfused, "vs unfused" with the same variant unfused.'
      : '') +
    '\n\n' +
    `${modelTables(r)}\n`;
  await writeFile(path.join(o.out, `${name}.md`), md);
  console.log(md);
}

async function serve(args: string[]): Promise<void> {
  let quick = false;
  let soak: number | undefined;
  let out = RESULTS;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--quick') quick = true;
    else if (args[i] === '--soak') soak = Number(args[++i]);
    else if (args[i] === '--out') out = path.resolve(args[++i] ?? usage('--out needs a folder'));
    else usage(`unknown option "${args[i]}" for serve`);
  }
  if (soak !== undefined && !(Number.isSafeInteger(soak) && soak > 0)) usage('--soak takes a positive request count');
  const machine = nodeMachine();
  const r = await runServeSuite({ quick, ...(soak !== undefined ? { soakRequests: soak } : {}), onLine: (l) => console.error(`  ${l}`) });
  const name = quick ? 'serve.quick' : 'serve';
  await mkdir(out, { recursive: true });
  await writeFile(path.join(out, `${name}.json`), JSON.stringify({ machine, ...r }, null, 2));
  const md =
    `# Serve: mobile-mm serve under HTTP load (Node, loopback)\n\n${machineLine(machine)}\n\n` +
    'The server (@mobile-mm/server, wasm backend, int2 model, profile balanced, one worker thread per replica) and autocannon 9 in one process, ' +
    'on 127.0.0.1. Requests are raw PNG bodies to /v1/caption, /v1/ocr and /v1/vqa (the three held-out samples of each kind in turn), answers ' +
    'checked against MobileMultiModalLLM first. Closed loop: each connection sends its next request when the last one is answered. Latencies ' +
    'are client-side, per request, of 200 responses only, warm (a 2 s warm-up per task first). The machine has 2 cores shared with other work ' +
    '(see the load note below), so absolute figures are noisy; the overload counts and the soak bounds are the point.\n\n' +
    `${serveTables(r)}\n`;
  await writeFile(path.join(out, `${name}.md`), md);
  console.log(md);
}

async function scale(args: string[]): Promise<void> {
  let quick = false;
  let json: string | undefined;
  let out = RESULTS;
  let backends: ('cpu' | 'wasm')[] = ['cpu', 'wasm'];
  let presets: ScalePreset[] = [...SCALE_PRESETS];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--quick') quick = true;
    else if (a === '--json') json = path.resolve(args[++i] ?? usage('--json needs a file'));
    else if (a === '--out') out = path.resolve(args[++i] ?? usage('--out needs a folder'));
    else if (a === '--backends') {
      backends = (args[++i] ?? '').split(',').filter(Boolean) as ('cpu' | 'wasm')[];
      for (const b of backends) if (b !== 'cpu' && b !== 'wasm') usage(`scale runs on cpu and wasm; got "${b}"`);
    } else if (a === '--presets') {
      presets = (args[++i] ?? '').split(',').filter(Boolean) as ScalePreset[];
      for (const p of presets) if (!(SCALE_PRESETS as readonly string[]).includes(p)) usage(`scale presets: ${SCALE_PRESETS.join(', ')}; got "${p}"`);
    } else usage(`unknown option "${a}" for scale`);
  }
  const machine = nodeMachine();
  const t0 = performance.now();
  const r = await runScaleSuite({
    presets,
    backends,
    variants: ['fp32', 'int2', 'int4'],
    tokens: quick ? 8 : 24,
    rounds: quick ? 2 : 5,
    onLine: (l) => console.error(`  ${l}`),
  });
  const wallS = (performance.now() - t0) / 1000;
  const doc = { machine, quick, wallS, bandwidth: r.bandwidth, rows: r.rows };
  const name = quick ? 'scale.quick' : 'scale';
  await mkdir(out, { recursive: true });
  await writeFile(json ?? path.join(out, `${name}.json`), JSON.stringify(doc, null, 2));
  const md =
    `# Scale: decode speed of the tiny, small and base decoders vs memory bandwidth (Node)\n\n${machineLine(machine)}\n\n` +
    `Random weights; ${PROMPT_NOTE} Method: apps/bench/README.md (scale). Suite wall time ${wallS.toFixed(0)} s.\n\n${scaleTable(r)}\n`;
  if (!json) await writeFile(path.join(out, `${name}.md`), md);
  console.log(md);
}

const PROMPT_NOTE = 'greedy decoding through core generate() with the KV cache; prompt 8 tokens, memory 64 tokens.';

async function profile(args: string[]): Promise<void> {
  let preset: PresetName = 'tinyAux';
  let out = RESULTS;
  let backends: ('cpu' | 'wasm')[] = ['cpu', 'wasm'];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--preset') preset = (args[++i] ?? usage('--preset needs a name')) as PresetName;
    else if (args[i] === '--backends') backends = (args[++i] ?? '').split(',').filter((b) => b === 'cpu' || b === 'wasm') as ('cpu' | 'wasm')[];
    else if (args[i] === '--out') out = path.resolve(args[++i] ?? usage('--out needs a folder'));
    else usage(`unknown option "${args[i]}" for profile`);
  }
  const machine = nodeMachine();
  const rows = await profileDecodeStep({ preset, backends, reps: 40 });
  await mkdir(out, { recursive: true });
  const name = preset === 'tinyAux' ? 'profile-step' : `profile-step.${preset}`;
  await writeFile(path.join(out, `${name}.json`), JSON.stringify({ machine, fused: process.env.MOBILE_MM_FUSED !== '0', rows }, null, 2));
  const md =
    `# One decode step op by op (tf.profile, Node)\n\n${machineLine(machine)}\n\n` +
    `Fused decode kernels ${process.env.MOBILE_MM_FUSED === '0' ? 'OFF (MOBILE_MM_FUSED=0)' : 'on'}. Preset ${preset}'s decoder (random weights), one new token after an 8-token prompt, 64 memory tokens, logits read back. ` +
    'Σ kernel ms from tf.profile (per kernel name the median over 5 profiled steps); step wall ms = median of 40 unprofiled steps. Method: apps/bench/README.md (profile).\n\n' +
    `${profileTables(rows)}\n`;
  await writeFile(path.join(out, `${name}.md`), md);
  console.log(md);
}

const argv = process.argv.slice(2);
if (argv[0] === 'profile') {
  await profile(argv.slice(1));
} else if (argv[0] === 'scale') {
  await scale(argv.slice(1));
} else if (argv[0] === 'report') {
  const r = await writeReport(RESULTS);
  console.log(`wrote ${path.join(RESULTS, 'REPORT.md')} and ${r.charts.size} charts from ${r.sources.join(', ')}`);
} else if (argv[0] === 'serve') {
  await serve(argv.slice(1));
} else if (argv[0] === 'runtimes-report') {
  await runtimesReportCli(parse(['runtimes', ...argv.slice(1)]));
} else if (argv[0] === 'train') {
  // The training-step suite has its own options (shapes|step|all, --quick, --steps N).
  process.argv.splice(2, 1);
  await import('./train-step/main.js');
} else {
  const opts = parse(argv);
  if (opts.suite === 'kernels' || opts.suite === 'all') await kernels(opts);
  if (opts.suite === 'model' || opts.suite === 'all') await model(opts);
  if (opts.suite === 'ocr-peer' || opts.suite === 'all') await ocrPeerCli(opts); // tesseract.js vs our OCR, wasm only (--backends ignored)
  if (opts.suite === 'runtimes' || opts.suite === 'all') await runtimesCli(opts); // tfjs-wasm vs onnxruntime-web/-node (--backends ignored)
  if (opts.suite === 'all') {
    process.argv.splice(2, process.argv.length - 2, ...(opts.quick ? ['--quick'] : []));
    await import('./train-step/main.js');
  }
}
