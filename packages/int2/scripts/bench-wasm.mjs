#!/usr/bin/env node
/**
 * Timing of the wasm Int2MatMul against float32 tf.matMul (XNNPACK) on the
 * tfjs wasm backend in Node (one thread). Not a test.
 *
 *   npm run build -w @mobile-mm/int2 && node packages/int2/scripts/bench-wasm.mjs [--quick] [--rows]
 *
 * For every shape it first validates each path against float64 math on the
 * reference's dequantized weight (same bounds as Int2MatMul.test.ts), then
 * warms up, reports the first call separately, and prints the median of
 * `samples` timings (each the mean of enough calls to last ≥ 20 ms) with the
 * spread (min–max of the samples, in % of the median).
 *
 * --rows: also sweeps M (the crossover between the integer and unpack paths);
 *   --rows-only: only that.
 * --wall: wall-clock instead of process CPU time (use on an idle machine).
 */
import path from 'node:path';
import { createRequire } from 'node:module';
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels, setWasmMatMulPath, setWasmMemoryMode, ACT_QMAX } from '../dist/wasm/index.js';
import { Int2MatMul } from '../dist/kernel-names.js';
import { canonicalToLayout, dequantizeReference, quantizeReference } from '../dist/reference.js';
import { numGroups, packedCodesShape } from '../dist/format.js';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const wall = args.has('--wall');
const SAMPLES = quick ? 5 : 15;
const MIN_SAMPLE_MS = quick ? 5 : 20;

const require = createRequire(import.meta.url);
setWasmPaths(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep);
await tf.setBackend('wasm');
await tf.ready();
registerWasmKernels();

// ------------------------------------------------------------------ data

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function randn(n, seed, std = 1) {
  const r = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++)
    out[i] = std * Math.sqrt(-2 * Math.log(Math.max(r(), 1e-12))) * Math.cos(2 * Math.PI * r());
  return out;
}

function makeWeight(K, N, bits, G, seed) {
  const w = randn(K * N, seed, 0.05);
  const canon = quantizeReference(w, K, N, { bits, groupSize: G, scaleDtype: 'float32' });
  const ng = numGroups(K, G);
  const attrs = { bits, groupSize: G, inDim: K, outDim: N, layout: 'bytes' };
  return {
    attrs,
    w: tf.tensor2d(w, [K, N]),
    codes: tf.tensor(
      canonicalToLayout(canon.codes, K, N, bits, G, 'bytes'),
      packedCodesShape(K, N, bits, G, 'bytes'),
      'int32',
    ),
    scales: tf.tensor2d(canon.scales, [N, ng]),
    mins: tf.tensor2d(canon.mins, [N, ng]),
    wHat: dequantizeReference(canon, K, N, { bits, groupSize: G }),
    dispose() {
      tf.dispose([this.w, this.codes, this.scales, this.mins]);
    },
  };
}

// ------------------------------------------------------------------ validation

/** rmse(y − y64) / rms(y64) and a hard check against the tests' bound. */
function validate(label, got, x, M, K, N, wHat, qmax) {
  let se = 0;
  let sy = 0;
  // Every row up to 16, then a spread of 16 rows (the check is O(M·K·N) in JS).
  const rows = M <= 16 ? [...Array(M).keys()] : [...Array(16).keys()].map((i) => Math.floor((i * (M - 1)) / 15));
  for (const m of rows) {
    for (let n = 0; n < N; n++) {
      let y = 0;
      let mag = 0;
      for (let k = 0; k < K; k++) {
        const p = x[m * K + k] * wHat[k * N + n];
        y += p;
        mag += Math.abs(p);
      }
      const err = Math.abs(got[m * N + n] - y);
      // Loose version of the tests' bound: 0.5·max|x|/qmax per activation, 1e-5 float32 slack.
      const bound = (qmax ? 0.5 / qmax : 0) * mag * 40 + 1e-5 * mag + 1e-6;
      if (!(err <= bound))
        throw new Error(`${label}: y[${m},${n}] = ${got[m * N + n]}, want ${y} (err ${err} > ${bound})`);
      se += err * err;
      sy += y * y;
    }
  }
  return Math.sqrt(se / sy);
}

// ------------------------------------------------------------------ timing

/**
 * ms per call. Default: CPU time of this process (process.cpuUsage), which a
 * busy shared machine inflates far less than wall time; --wall for wall time.
 * Node runs the wasm backend on one thread, so CPU time ≈ wall time when idle.
 */
function time(fn, inner) {
  if (wall) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) fn();
    return (performance.now() - t0) / inner;
  }
  const c0 = process.cpuUsage();
  for (let i = 0; i < inner; i++) fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / inner;
}

/**
 * Times several functions interleaved (A B C A B C ...), so that load from
 * other processes hits all of them alike. Returns per function
 * {first, median, lo, hi} in ms per call and, per function, the median over
 * samples of (time of fns[0]) / (its time): the speedup against the baseline.
 */
function benchInterleaved(fns) {
  const first = fns.map((fn) => time(fn, 1));
  for (let i = 0; i < 3; i++) fns.forEach((fn) => fn());
  const inner = fns.map((fn) => {
    let n = 1;
    while (time(fn, n) * n < MIN_SAMPLE_MS) n *= 2;
    return n;
  });
  const samples = fns.map(() => []);
  for (let s = 0; s < SAMPLES; s++) fns.forEach((fn, i) => samples[i].push(time(fn, inner[i])));
  const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
  return fns.map((_, i) => ({
    first: first[i],
    median: median(samples[i]),
    lo: Math.min(...samples[i]),
    hi: Math.max(...samples[i]),
    speedup: median(samples[i].map((t, s) => samples[0][s] / t)),
  }));
}

const fmt = (r) => `${r.median.toFixed(3)} ±${((100 * (r.hi - r.lo)) / 2 / r.median).toFixed(0)}%`;

function runInt2(xT, wt, mode, memory = 'auto') {
  setWasmMatMulPath(mode);
  setWasmMemoryMode(memory);
  const y = tf.engine().runKernel(Int2MatMul, { x: xT, codes: wt.codes, scales: wt.scales, mins: wt.mins }, wt.attrs);
  setWasmMatMulPath('auto');
  setWasmMemoryMode('auto');
  return y;
}

/** Validates every path, then times float32 and the paths interleaved. */
function row(M, K, N, bits, G, paths) {
  const wt = makeWeight(K, N, bits, G, K + N);
  const x = randn(M * K, M + 7, 1);
  const xT = tf.tensor2d(x, [M, K]);
  const out = { shape: `[${M},${K}]x[${K},${N}]`, bits, G };
  for (const p of paths) {
    const [mode, memory] = p.split(':');
    const y = runInt2(xT, wt, mode, memory);
    const qmax = mode === 'unpack' ? 0 : ACT_QMAX[mode === 'auto' ? 'int16' : mode];
    out[`err_${p}`] = validate(`${p} ${out.shape}`, y.dataSync(), x, M, K, N, wt.wHat, qmax);
    y.dispose();
  }
  const fns = [
    () => tf.dispose(tf.matMul(xT, wt.w)),
    ...paths.map((p) => {
      const [mode, memory] = p.split(':');
      return () => tf.dispose(runInt2(xT, wt, mode, memory));
    }),
  ];
  const r = benchInterleaved(fns);
  out.f32 = r[0];
  paths.forEach((p, i) => (out[p] = r[i + 1]));
  xT.dispose();
  wt.dispose();
  return out;
}

// ------------------------------------------------------------------ main

console.log(
  `# wasm Int2MatMul vs float32 tf.matMul — Node ${process.version}, ${os.cpus()[0]?.model ?? '?'}, tfjs ${
    tf.version_core
  }`,
);
console.log(
  `# median ${
    wall ? 'wall' : 'CPU'
  } ms per call ± half the min–max spread of ${SAMPLES} interleaved samples; speedup = median over samples of float32 / int2; first = first-call ms`,
);
console.log('');
const rowsOnly = args.has('--rows-only');
const sizes = quick ? [256, 1024, 2048] : [256, 512, 1024, 2048];
if (!rowsOnly) {
  const paths = ['auto', 'int8', 'unpack', 'auto:copy'];
  console.log(
    '| shape | bits G | float32 | int2 auto | speedup | int8 (W2A8) | unpack+XNNPACK | auto, copy mode | first call f32 / int2 | rel. err int16 / int8 / unpack |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const M of [1, 16]) {
    for (const s of sizes) {
      const r = row(M, s, s, 2, 64, paths);
      console.log(
        `| ${r.shape} | ${r.bits} ${r.G} | ${fmt(r.f32)} | ${fmt(r.auto)} | ${r.auto.speedup.toFixed(2)}× | ${fmt(
          r.int8,
        )} | ${fmt(r.unpack)} | ${fmt(r['auto:copy'])} | ${r.f32.first.toFixed(1)} / ${r.auto.first.toFixed(
          1,
        )} | ${r.err_auto.toExponential(1)} / ${r.err_int8.toExponential(1)} / ${r.err_unpack.toExponential(1)} |`,
      );
    }
  }
  console.log('');
  console.log('| shape | bits G | float32 | int2 auto | speedup | unpack+XNNPACK |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const [bits, G] of [
    [2, 32],
    [2, 128],
    [4, 64],
    [8, 64],
  ]) {
    for (const M of [1, 16]) {
      const r = row(M, 1024, 1024, bits, G, ['auto', 'unpack']);
      console.log(
        `| ${r.shape} | ${bits} ${G} | ${fmt(r.f32)} | ${fmt(r.auto)} | ${r.auto.speedup.toFixed(2)}× | ${fmt(
          r.unpack,
        )} |`,
      );
    }
  }
}
if (args.has('--rows') || rowsOnly) {
  console.log('');
  console.log('| shape | float32 | int16 | unpack+XNNPACK | int16 / unpack |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const s of [512, 1024, 2048]) {
    for (const M of [64, 256, 1024]) {
      const r = row(M, s, s, 2, 64, ['int16', 'unpack']);
      console.log(
        `| ${r.shape} | ${fmt(r.f32)} | ${fmt(r.int16)} | ${fmt(r.unpack)} | ${(
          r.unpack.speedup / r.int16.speedup
        ).toFixed(2)} |`,
      );
    }
  }
}
