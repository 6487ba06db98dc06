/**
 * Scale benchmark (Node): the decoder of the tiny, small and base presets
 * (random weights), float32 vs INT2 vs INT4, on the cpu and wasm backends,
 * against this machine's memory bandwidth measured in the same run.
 *
 * Per preset × backend × variant:
 *   prefillMs    the decoder's prompt pass: 8 prompt tokens against a
 *                64-token memory (that pass also projects the memory into
 *                every block's cross-attention keys/values); the image
 *                encoder is not part of it.
 *   msPerToken   one greedy decode step after the prompt (the real path:
 *                core's generate(), KV cache, the sampled id read back),
 *                (t_last − t_first) / (tokens − 1) over the token events.
 *   weightBytes  bytes of weights one decode step reads: every projection
 *                except the cross-attention k/v (their outputs are cached),
 *                biases, norms, one row of the token and position tables and
 *                the whole tied LM head (float32 [V, C]). Packed weights
 *                count their in-memory bytes (int32 codes + float32 scales
 *                and mins: 3.0 bits per weight at 2 bits, G = 64).
 *   kvBytes      bytes of cached keys/values one step reads (self-attention
 *                at the mean length, cross-attention over the 64 memory tokens).
 *   gbPerS       weightBytes / msPerToken: the weight traffic rate reached.
 *   limitMs      weightBytes / the measured read bandwidth: the fastest a
 *                step could be if it did nothing but stream its weights once.
 *
 * The bandwidth is measured like a decode step reads weights: one thread
 * summing a 256 MiB Float64Array (4 accumulators, far past every cache),
 * best of 3, at the start and after every preset; the limit uses the best of
 * these (other jobs on the machine only lower it). A TypedArray.set copy of
 * the same buffer is reported beside it.
 *
 * Rounds alternate the variants (fp32, int2, int4, fp32, ...) on one backend
 * and preset, so a load change on the shared machine hits all of them.
 * A benchmark, not a test: nothing here asserts a time.
 */
import * as tf from '@tensorflow/tfjs-core';
import { TextDecoder as CoreTextDecoder, generate } from '@mobile-mm/core';
import { setupBackend } from '@mobile-mm/core/backend';
import { QuantizedTensor, registerInt2Kernels, type Bits } from '@mobile-mm/int2';
import { MOBILE_MM_PRESETS, SceneTokenizer, type PresetName } from '@mobile-mm/vision';
import { summarize, type TimingStats } from './stats.js';

export type ScaleBackend = 'cpu' | 'wasm';
export type ScaleVariant = 'fp32' | 'int2' | 'int4';
export const SCALE_PRESETS = ['tiny', 'small', 'base'] as const satisfies readonly PresetName[];
export type ScalePreset = (typeof SCALE_PRESETS)[number];

export interface ScaleRow {
  preset: ScalePreset;
  backend: ScaleBackend;
  variant: ScaleVariant;
  /** Median over rounds of the per-round mean decode step, ms. */
  msPerToken: number;
  /** Median prompt pass, ms. */
  prefillMs: number;
  weightBytes: number;
  kvBytes: number;
  /** weightBytes / msPerToken, GB/s (10^9 bytes). */
  gbPerS: number;
  /** weightBytes / measured read bandwidth, ms. */
  limitMs: number;
  /** msPerToken / limitMs (1 = at the bandwidth limit). */
  vsLimit: number;
  /** fp32 msPerToken / this msPerToken, same backend and preset, same run. */
  vsFp32: number;
  /** Per-round decode step means (ms), for the spread. */
  tokenStats: TimingStats;
  parameters: number;
}

export interface Bandwidth {
  /** Read bandwidth of one thread (sum), GB/s: the best of every measurement in the run. */
  readGBps: number;
  /** Each measurement's read GB/s (start of the run, after each preset): how much the machine's load moved it. */
  readSamples?: number[];
  /** TypedArray.set copy, bytes read + written per second, GB/s. */
  copyGBps: number;
  bufferMiB: number;
}

export interface ScaleOptions {
  presets: readonly ScalePreset[];
  backends: readonly ScaleBackend[];
  variants: readonly ScaleVariant[];
  /** Tokens generated per round (≥ 2). */
  tokens: number;
  /** Timed rounds per variant (plus one untimed warm-up). */
  rounds: number;
  onLine?: (line: string) => void;
  /** Buffer of the bandwidth probe (default 256 MiB; smaller only for smoke tests). */
  bandwidthMiB?: number;
}

export const PROMPT_TOKENS = 8;
export const MEMORY_TOKENS = 64;
const GROUP_SIZE = 64;

/** Single-thread memory bandwidth: a summed and a copied 256 MiB buffer, best of `reps`. */
export function measureBandwidth(reps = 3, bufferMiB = 256): Bandwidth {
  const n = (bufferMiB * 2 ** 20) / 8;
  const a = new Float64Array(n);
  for (let i = 0; i < n; i += 512) a[i] = i & 7; // touch every page
  const b = new Float64Array(n);
  let bestSum = Infinity;
  let bestCopy = Infinity;
  let sink = 0;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let i = 0; i < n; i += 4) {
      s0 += a[i];
      s1 += a[i + 1];
      s2 += a[i + 2];
      s3 += a[i + 3];
    }
    bestSum = Math.min(bestSum, performance.now() - t0);
    sink += s0 + s1 + s2 + s3;
    const t1 = performance.now();
    b.set(a);
    bestCopy = Math.min(bestCopy, performance.now() - t1);
    sink += b[n - 1];
  }
  if (Number.isNaN(sink)) throw new Error('unreachable'); // keeps the loops observable
  const bytes = n * 8;
  return { readGBps: bytes / (bestSum * 1e6), copyGBps: (2 * bytes) / (bestCopy * 1e6), bufferMiB };
}

/** A deterministic PRNG (mulberry32) for the random packed weights. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** A random packed [K, N] weight at `bits` (uniform codes; scales ≈ glorot-sized steps, centred mins). */
function randomPacked(inDim: number, outDim: number, bits: Bits, rand: () => number): QuantizedTensor {
  const kp = Math.ceil(inDim / GROUP_SIZE) * GROUP_SIZE;
  const ng = kp / GROUP_SIZE;
  const codes = new Uint8Array((outDim * kp * bits) / 8);
  for (let i = 0; i < codes.length; i++) codes[i] = (rand() * 256) | 0;
  const levels = 2 ** bits - 1;
  const limit = Math.sqrt(6 / (inDim + outDim));
  const scales = new Float32Array(outDim * ng).fill((2 * limit) / levels);
  const mins = new Float32Array(outDim * ng).fill(-limit);
  return QuantizedTensor.fromCanonical({ codes, scales, mins, inDim, outDim, bits, groupSize: GROUP_SIZE, scaleDtype: 'float16' });
}

export interface Built {
  decoder: CoreTextDecoder;
  weightBytes: number;
  kvBytes: number;
  parameters: number;
}

/** The preset's decoder (memory width = the encoder's), packed to `variant` with random codes. */
export function buildDecoder(preset: ScalePreset, variant: ScaleVariant, vocabSize: number, tokens: number, seed: number): Built {
  const p = MOBILE_MM_PRESETS[preset];
  const decoder = new CoreTextDecoder({ ...p.decoder, vocabSize, memoryDim: p.encoder.dim }, { name: `scale_${preset}_${variant}` });
  const rand = rng(seed);
  const linears = decoder.linears();
  if (variant !== 'fp32') {
    const bits: Bits = variant === 'int2' ? 2 : 4;
    for (const l of Object.values(linears)) l.usePacked(randomPacked(l.inDim, l.outDim, bits, rand));
  }
  // Bytes a decode step reads (see the header).
  const crossKV = new Set(Object.entries(linears).filter(([path]) => /cross_attn\.(k|v)$/.test(path)).map(([, l]) => l));
  let weightBytes = 0;
  let parameters = 0;
  for (const l of Object.values(linears)) {
    parameters += l.inDim * l.outDim;
    if (crossKV.has(l)) continue;
    weightBytes += l.packed ? l.packed.byteSize : 4 * l.inDim * l.outDim;
  }
  const C = p.decoder.dim;
  for (const [name, w] of Object.entries(decoder.namedWeights())) {
    if (name.endsWith('.kernel')) continue; // float kernels counted above (packed ones are not listed)
    parameters += w.size;
    if (/cross_attn\.(k|v)\.bias$/.test(name)) continue;
    if (name === 'token_embedding.embeddings') weightBytes += 4 * (w.size + C); // the tied LM head reads it all; the lookup one row
    else if (name.startsWith('position_embedding')) weightBytes += 4 * C;
    else weightBytes += 4 * w.size;
  }
  const meanLength = PROMPT_TOKENS + tokens / 2;
  const kvBytes = p.decoder.numLayers * 2 * 4 * C * (meanLength + MEMORY_TOKENS);
  return { decoder, weightBytes, kvBytes, parameters };
}

/** One greedy generation of `tokens` tokens; returns prefill ms and the mean decode step ms. */
async function oneRound(decoder: CoreTextDecoder, memory: tf.Tensor3D, prompt: number[], tokens: number): Promise<{ prefillMs: number; stepMs: number }> {
  const times: number[] = [];
  const t0 = performance.now();
  await generate(decoder, prompt, { maxNewTokens: tokens, memory, onToken: () => times.push(performance.now()) });
  if (times.length !== tokens) throw new Error(`scale: expected ${tokens} tokens, got ${times.length}`);
  return { prefillMs: times[0] - t0, stepMs: (times[tokens - 1] - times[0]) / (tokens - 1) };
}

export async function runScaleSuite(o: ScaleOptions): Promise<{ bandwidth: Bandwidth; rows: ScaleRow[] }> {
  const log = o.onLine ?? (() => undefined);
  // Measured at the start and again after every preset: a loaded machine lowers it, and the limit is the best seen.
  const probe = () => measureBandwidth(3, o.bandwidthMiB ?? 256);
  const samples: Bandwidth[] = [probe()];
  log(`memory bandwidth (1 thread): read ${samples[0].readGBps.toFixed(2)} GB/s, copy ${samples[0].copyGBps.toFixed(2)} GB/s`);
  const pending: { row: ScaleRow; weightBytes: number }[] = [];
  const vocabSize = new SceneTokenizer().vocabSize;
  const rows: ScaleRow[] = [];
  for (const backend of o.backends) {
    await setupBackend(backend);
    registerInt2Kernels(backend);
    for (const preset of o.presets) {
      const memory = tf.randomNormal([1, MEMORY_TOKENS, MOBILE_MM_PRESETS[preset].encoder.dim], 0, 1, 'float32', 7) as tf.Tensor3D;
      const prompt = Array.from({ length: PROMPT_TOKENS }, (_, i) => 5 + ((i * 7) % (vocabSize - 5)));
      const built = o.variants.map((v, i) => ({ variant: v, ...buildDecoder(preset, v, vocabSize, o.tokens, 1234 + i) }));
      const prefill = new Map<ScaleVariant, number[]>(o.variants.map((v) => [v, []]));
      const steps = new Map<ScaleVariant, number[]>(o.variants.map((v) => [v, []]));
      try {
        for (const b of built) await oneRound(b.decoder, memory, prompt, 2); // warm-up: kernels, XNNPACK packing, JIT
        for (let r = 0; r < o.rounds; r++) {
          for (const b of built) {
            const t = await oneRound(b.decoder, memory, prompt, o.tokens);
            prefill.get(b.variant)!.push(t.prefillMs);
            steps.get(b.variant)!.push(t.stepMs);
          }
        }
      } finally {
        memory.dispose();
        for (const b of built) b.decoder.dispose();
      }
      samples.push(probe());
      log(`memory bandwidth (1 thread): read ${samples[samples.length - 1].readGBps.toFixed(2)} GB/s`);
      const fp32 = steps.has('fp32') ? summarize(steps.get('fp32')!).median : NaN;
      for (const b of built) {
        const tokenStats = summarize(steps.get(b.variant)!);
        const ms = tokenStats.median;
        const limitMs = NaN; // set below, from the best bandwidth of the run
        const row: ScaleRow = {
          preset,
          backend,
          variant: b.variant,
          msPerToken: ms,
          prefillMs: summarize(prefill.get(b.variant)!).median,
          weightBytes: b.weightBytes,
          kvBytes: b.kvBytes,
          gbPerS: b.weightBytes / (ms * 1e6),
          limitMs,
          vsLimit: ms / limitMs,
          vsFp32: fp32 / ms,
          tokenStats,
          parameters: b.parameters,
        };
        rows.push(row);
        pending.push({ row, weightBytes: b.weightBytes });
        log(
          `${backend} ${preset} ${b.variant}: ${ms.toFixed(2)} ms/token (IQR ${tokenStats.iqr.toFixed(2)}), prefill ${row.prefillMs.toFixed(1)} ms, ` +
            `${(b.weightBytes / 2 ** 20).toFixed(1)} MiB/token, ${row.gbPerS.toFixed(2)} GB/s, ${row.vsFp32.toFixed(2)}× fp32`,
        );
      }
    }
  }
  const best = samples.reduce((a, b) => (b.readGBps > a.readGBps ? b : a));
  const bandwidth: Bandwidth = { ...best, copyGBps: Math.max(...samples.map((x) => x.copyGBps)), readSamples: samples.map((x) => x.readGBps) };
  for (const { row, weightBytes } of pending) {
    row.limitMs = weightBytes / (bandwidth.readGBps * 1e6);
    row.vsLimit = row.msPerToken / row.limitMs;
  }
  return { bandwidth, rows };
}

const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '—');

export function scaleTable(r: { bandwidth: Bandwidth; rows: ScaleRow[] }): string {
  const lines = [
    `Measured single-thread bandwidth, best of the run: read (sum of a ${r.bandwidth.bufferMiB} MiB Float64Array) **${f(r.bandwidth.readGBps)} GB/s**, ` +
      `copy (TypedArray.set, read + write) ${f(r.bandwidth.copyGBps)} GB/s` +
      (r.bandwidth.readSamples ? ` (read at the start and after each preset: ${r.bandwidth.readSamples.map((x) => f(x)).join(', ')} GB/s; the machine's load moves it).` : '.'),
    '',
    '| preset | backend | variant | ms/token | IQR | prefill ms | weight MiB/token | KV MiB/token | GB/s | limit ms | × limit | vs fp32 |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.rows.map(
      (x) =>
        `| ${x.preset} | ${x.backend} | ${x.variant} | ${f(x.msPerToken)} | ${f(x.tokenStats.iqr)} | ${f(x.prefillMs, 1)} | ${f(x.weightBytes / 2 ** 20)} | ${f(x.kvBytes / 2 ** 20)} | ${f(x.gbPerS)} | ${f(x.limitMs, 3)} | ${f(x.vsLimit, 1)}× | ${f(x.vsFp32)}× |`,
    ),
  ];
  return lines.join('\n');
}
