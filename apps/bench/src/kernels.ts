/**
 * Kernel benchmark: Int2MatMul (2/4/8-bit) against tfjs float32 matMul, same
 * backend, same run. Runs in Node and in the browser (no Node imports here).
 *
 * For each shape [M,K]×[K,N]: the quantized result is first checked against
 * x·dequantize(W) computed by tf.matMul (dequantize itself is tested
 * bit-exact against the scalar reference in packages/int2), then both are
 * timed after warm-up.
 */
import * as tf from '@tensorflow/tfjs-core';
import { dequantize, quantize, quantizedMatMul, type QuantizedTensor } from '@mobile-mm/int2';
import { summarize, time, type TimeOptions, type TimingStats } from './stats.js';

export interface KernelCase {
  backend: string;
  m: number;
  k: number;
  n: number;
  variant: 'f32' | 'int2' | 'int4' | 'int8';
  groupSize: number | null;
  weightBytes: number;
  /** Relative L2 error of the output vs x·dequantize(W) (0 for f32). */
  relError: number;
  stats: TimingStats;
  /** f32 median / this median: > 1 means faster than float32. */
  speedup: number;
}

export interface KernelSuiteOptions {
  shapes: Array<{ m: number; k: number }>;
  bits: Array<2 | 4 | 8>;
  groupSize: number;
  time?: Partial<TimeOptions>;
  /** Called after each case, for progress output. */
  onCase?: (c: KernelCase) => void;
}

export const FULL_SHAPES = [1, 16].flatMap((m) => [256, 512, 1024, 2048].map((k) => ({ m, k })));
export const QUICK_SHAPES = [
  { m: 1, k: 256 },
  { m: 16, k: 256 },
];

function relL2(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / Math.max(den, 1e-30));
}

/** Accepted output error: W2A8 paths round activations to 8 bits. */
const MAX_REL_ERROR = 2e-2;

export async function runKernelSuite(opts: KernelSuiteOptions): Promise<KernelCase[]> {
  const backend = tf.getBackend();
  const out: KernelCase[] = [];
  for (const { m, k } of opts.shapes) {
    const n = k;
    const x = tf.randomNormal([m, k], 0, 1, 'float32', 1);
    const w = tf.randomNormal([k, n], 0, 0.05, 'float32', 2);
    const f32 = await time(async () => {
      const y = tf.matMul(x, w);
      await y.data();
      y.dispose();
    }, opts.time);
    const base: KernelCase = {
      backend, m, k, n, variant: 'f32', groupSize: null, weightBytes: k * n * 4, relError: 0, stats: f32, speedup: 1,
    };
    out.push(base);
    opts.onCase?.(base);
    for (const bits of opts.bits) {
      const q: QuantizedTensor = quantize(w as tf.Tensor2D, { bits, groupSize: opts.groupSize });
      const deq = dequantize(q);
      const ref = tf.matMul(x, deq);
      const got = quantizedMatMul(x as tf.Tensor2D, q);
      const relError = relL2((await got.data()) as Float32Array, (await ref.data()) as Float32Array);
      tf.dispose([deq, ref, got]);
      if (!(relError <= MAX_REL_ERROR)) {
        q.dispose();
        throw new Error(`int${bits} ${m}x${k}x${n} on ${backend}: output error ${relError} > ${MAX_REL_ERROR}; not timing a wrong kernel`);
      }
      const stats = await time(async () => {
        const y = quantizedMatMul(x as tf.Tensor2D, q);
        await y.data();
        y.dispose();
      }, opts.time);
      const c: KernelCase = {
        backend, m, k, n, variant: `int${bits}` as KernelCase['variant'], groupSize: opts.groupSize,
        weightBytes: q.byteSize, relError, stats, speedup: f32.median / stats.median,
      };
      q.dispose();
      out.push(c);
      opts.onCase?.(c);
    }
    tf.dispose([x, w]);
  }
  return out;
}

export { summarize };
