/**
 * Test data for the wasm kernels: random weights quantized by the scalar
 * reference (reference.ts), the float64 dequantized weight, and a float64
 * matmul with the error scales the tolerances are stated in.
 */
import * as tf from '@tensorflow/tfjs-core';
import { randn } from '@mobile-mm/core/test-utils';
import type { Bits, QuantAttrs } from '../../kernel-names.js';
import { numGroups, packedCodesShape } from '../../format.js';
import {
  canonicalCode,
  canonicalRowBytes,
  canonicalToLayout,
  dequantizeReference,
  quantizeReference,
} from '../../reference.js';

export interface RefWeight {
  attrs: QuantAttrs;
  w: Float32Array;
  /** 'bytes' layout codes, scales, mins as the kernels take them. */
  codes: Int32Array;
  codesShape: [number, number];
  scales: Float32Array;
  mins: Float32Array;
  /** ŵ row-major [K, N], float64. */
  wHat: Float64Array;
  /** q[k, n] row-major [K, N]. */
  q: Uint8Array;
}

/** w ~ N(0, 0.2) with a few large outliers, so groups have uneven ranges. */
export function randomWeight(K: number, N: number, seed: number): Float32Array {
  const w = Float32Array.from(randn(K * N, seed, 0.2));
  for (let i = seed % 17; i < w.length; i += 97) w[i] *= 8;
  return w;
}

export function refWeight(bits: Bits, groupSize: number, K: number, N: number, seed = 1): RefWeight {
  const attrs: QuantAttrs = { bits, groupSize, inDim: K, outDim: N, layout: 'bytes' };
  const w = randomWeight(K, N, seed);
  const canon = quantizeReference(w, K, N, { bits, groupSize, scaleDtype: 'float32' });
  const wHat = dequantizeReference(canon, K, N, { bits, groupSize });
  const rowBytes = canonicalRowBytes(K, bits, groupSize);
  const q = new Uint8Array(K * N);
  for (let k = 0; k < K; k++)
    for (let n = 0; n < N; n++) q[k * N + n] = canonicalCode(canon.codes, rowBytes, n, k, bits);
  return {
    attrs,
    w,
    codes: canonicalToLayout(canon.codes, K, N, bits, groupSize, 'bytes'),
    codesShape: packedCodesShape(K, N, bits, groupSize, 'bytes'),
    scales: canon.scales,
    mins: canon.mins,
    wHat,
    q,
  };
}

/** The packed tensors of `ref` on the current backend. */
export function packedTensors(ref: RefWeight): { codes: tf.Tensor; scales: tf.Tensor; mins: tf.Tensor } {
  const groupShape = [ref.attrs.outDim, numGroups(ref.attrs.inDim, ref.attrs.groupSize)];
  return {
    codes: tf.tensor(ref.codes, ref.codesShape, 'int32'),
    scales: tf.tensor(ref.scales, groupShape, 'float32'),
    mins: tf.tensor(ref.mins, groupShape, 'float32'),
  };
}

export interface MatMulRef {
  /** y = x·ŵ + bias in float64, [M, N]. */
  y: Float64Array;
  /** Σ_k |x|·(s·q + |min|) + |bias|: the magnitude float32 rounding is relative to. */
  mag: Float64Array;
  /**
   * Σ_k 0.5·sa[m, g(k)]·s[n, g(k)]·q[k, n] with sa = max_{k∈g}|x[m,k]| / qmax:
   * the largest change rounding x to integers of step sa can make.
   */
  actRound: Float64Array;
}

export function matMulRef(
  x: Float32Array,
  M: number,
  ref: RefWeight,
  bias: Float32Array | null,
  qmax: number,
): MatMulRef {
  const { inDim: K, outDim: N, groupSize: G } = ref.attrs;
  const ng = numGroups(K, G);
  const y = new Float64Array(M * N);
  const mag = new Float64Array(M * N);
  const actRound = new Float64Array(M * N);
  const sa = new Float64Array(ng);
  for (let m = 0; m < M; m++) {
    sa.fill(0);
    for (let k = 0; k < K; k++) {
      const g = Math.floor(k / G);
      sa[g] = Math.max(sa[g], Math.abs(x[m * K + k]) / qmax);
    }
    for (let n = 0; n < N; n++) {
      let s = bias ? bias[n] : 0;
      let a = bias ? Math.abs(bias[n]) : 0;
      let r = 0;
      for (let k = 0; k < K; k++) {
        const g = Math.floor(k / G);
        const xv = x[m * K + k];
        const sq = ref.scales[n * ng + g] * ref.q[k * N + n];
        s += xv * ref.wHat[k * N + n];
        a += Math.abs(xv) * (sq + Math.abs(ref.mins[n * ng + g]));
        r += 0.5 * sa[g] * sq;
      }
      y[m * N + n] = s;
      mag[m * N + n] = a;
      actRound[m * N + n] = r;
    }
  }
  return { y, mag, actRound };
}

/** Throws at the first |got − want| > tol (per element); returns max error / tol. */
export function expectWithin(
  got: ArrayLike<number>,
  want: Float64Array,
  tol: (i: number) => number,
  label: string,
): number {
  if (got.length !== want.length) throw new Error(`${label}: length ${got.length}, want ${want.length}`);
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    const t = tol(i);
    if (!(err <= t)) throw new Error(`${label}: element ${i} = ${got[i]}, want ${want[i]} ± ${t} (err ${err})`);
    worst = Math.max(worst, err / t);
  }
  return worst;
}
