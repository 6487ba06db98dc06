/**
 * Scalar reference for the format in format.ts: the ground truth that every
 * fast path (cpu, wasm, webgl kernels; layout conversions) is tested against.
 * Plain loops over (n, k), float64 arithmetic, no cleverness.
 *
 * Arithmetic, fixed here so that every backend can reproduce it bit for bit:
 *   mn, mx  = min / max of the group's real rows (padded rows k ≥ K excluded)
 *   min     = toScaleDtype(mn)
 *   scale   = toScaleDtype((mx − mn) / (2^b − 1))   (computed in float64, then
 *             rounded to float32, then — for 'float16' — to float16)
 *   q       = clamp(⌊(w − min) / scale + 0.5⌋, 0, 2^b − 1),  q = 0 when scale = 0
 *   ŵ       = scale · q + min   (float64 here; kernels round once to float32)
 */
import type { Bits, PackedLayout } from './kernel-names.js';
import { codesPerElement, numGroups, paddedInDim, type ScaleDtype } from './format.js';

// ---------------------------------------------------------------- float16

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/**
 * IEEE binary16 bits of `x` (first rounded to float32), round to nearest even,
 * with subnormals, ±Infinity on overflow (|x| ≥ 65520) and NaN preserved.
 */
export function float32ToFloat16Bits(x: number): number {
  f32Scratch[0] = x;
  const b = u32Scratch[0];
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  const mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0);
  const e = exp - 127 + 15; // biased f16 exponent
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // f16 subnormal h · 2^-24. The value is m · 2^(exp − 150) with m = 1.mant · 2^23,
    // so h = m · 2^(exp − 126) = m / 2^(14 − e), rounded to nearest even.
    if (e < -10) return sign; // below half the smallest subnormal: rounds to ±0
    const m = mant | 0x800000;
    const shift = 14 - e;
    const rem = m & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    let h = m >>> shift;
    if (rem > half || (rem === half && (h & 1) === 1)) h++;
    return sign | h; // h may carry into the exponent field: that is the right encoding
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1) === 1)) h++; // carry may reach 0x7c00 = Infinity
  return sign | h;
}

/** The float value of IEEE binary16 bits `h`. */
export function float16BitsToFloat32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant !== 0 ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** x rounded to float32, then to float16, returned as a number (exact f32→f16→f32). */
export function roundToFloat16(x: number): number {
  return float16BitsToFloat32(float32ToFloat16Bits(x));
}

/** x rounded to the storage precision of `dtype`. */
export function roundToScaleDtype(x: number, dtype: ScaleDtype): number {
  return dtype === 'float16' ? roundToFloat16(x) : Math.fround(x);
}

// ---------------------------------------------------------------- one group

/** Scale and min of one group from its raw min `mn` and max `mx`. */
export function groupScaleMin(mn: number, mx: number, bits: Bits, dtype: ScaleDtype): { scale: number; min: number } {
  const levels = (1 << bits) - 1;
  const min = roundToScaleDtype(mn, dtype);
  const scale = mx === mn ? 0 : roundToScaleDtype((mx - mn) / levels, dtype);
  return { scale, min };
}

/** Code of one weight given its group's (already rounded) scale and min. */
export function quantizeCode(w: number, scale: number, min: number, bits: Bits): number {
  if (scale === 0) return 0;
  const levels = (1 << bits) - 1;
  const q = Math.floor((w - min) / scale + 0.5);
  return q < 0 ? 0 : q > levels ? levels : q;
}

// ---------------------------------------------------------------- whole weight

export interface QuantizeOptions {
  bits: Bits;
  groupSize: number;
  scaleDtype: ScaleDtype;
}

/** A quantized weight in canonical layout (see format.ts). */
export interface CanonicalQuantized {
  /** u8 [N, Kp·b/8]. */
  codes: Uint8Array;
  /** [N, Kp/G], values representable in the scale dtype. */
  scales: Float32Array;
  mins: Float32Array;
}

/** Bytes per canonical codes row (one output column n). */
export function canonicalRowBytes(inDim: number, bits: Bits, groupSize: number): number {
  return (paddedInDim(inDim, groupSize) * bits) / 8;
}

/** Code q[k, n] read from canonical bytes. */
export function canonicalCode(codes: Uint8Array, rowBytes: number, n: number, k: number, bits: Bits): number {
  const bit = k * bits;
  return (codes[n * rowBytes + (bit >>> 3)] >>> (bit & 7)) & ((1 << bits) - 1);
}

/** Quantizes w (row-major [K, N]) per format.ts. */
export function quantizeReference(
  w: Float32Array | Float64Array,
  inDim: number,
  outDim: number,
  { bits, groupSize, scaleDtype }: QuantizeOptions,
): CanonicalQuantized {
  const K = inDim;
  const N = outDim;
  const ng = numGroups(K, groupSize);
  const rowBytes = canonicalRowBytes(K, bits, groupSize);
  const codes = new Uint8Array(N * rowBytes);
  const scales = new Float32Array(N * ng);
  const mins = new Float32Array(N * ng);
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < ng; g++) {
      const k0 = g * groupSize;
      const k1 = Math.min(k0 + groupSize, K);
      let mn = Infinity;
      let mx = -Infinity;
      for (let k = k0; k < k1; k++) {
        const v = w[k * N + n];
        if (v < mn) mn = v;
        if (v > mx) mx = v;
      }
      const { scale, min } = groupScaleMin(mn, mx, bits, scaleDtype);
      scales[n * ng + g] = scale;
      mins[n * ng + g] = min;
      for (let k = k0; k < k1; k++) {
        const q = quantizeCode(w[k * N + n], scale, min, bits);
        const bit = k * bits;
        codes[n * rowBytes + (bit >>> 3)] |= q << (bit & 7);
      }
    }
  }
  return { codes, scales, mins };
}

/** ŵ = scale·q + min as float64, row-major [K, N] (padded rows dropped). */
export function dequantizeReference(
  q: CanonicalQuantized,
  inDim: number,
  outDim: number,
  { bits, groupSize }: { bits: Bits; groupSize: number },
): Float64Array {
  const K = inDim;
  const N = outDim;
  const ng = numGroups(K, groupSize);
  const rowBytes = canonicalRowBytes(K, bits, groupSize);
  const out = new Float64Array(K * N);
  for (let k = 0; k < K; k++) {
    const g = Math.floor(k / groupSize);
    for (let n = 0; n < N; n++) {
      const code = canonicalCode(q.codes, rowBytes, n, k, bits);
      out[k * N + n] = q.scales[n * ng + g] * code + q.mins[n * ng + g];
    }
  }
  return out;
}

// ---------------------------------------------------------------- layouts

/**
 * Canonical bytes → the int32 codes of a backend layout, [N, ⌈Kp/c⌉] row-major,
 * with code k of row n at element ⌊k/c⌋, bits b·(k mod c). For 'bytes'
 * (c = 32/b) this equals reading the canonical bytes as little-endian int32.
 */
export function canonicalToLayout(
  codes: Uint8Array,
  inDim: number,
  outDim: number,
  bits: Bits,
  groupSize: number,
  layout: PackedLayout,
): Int32Array {
  const kp = paddedInDim(inDim, groupSize);
  const c = codesPerElement(bits, layout);
  const cols = Math.ceil(kp / c);
  const rowBytes = canonicalRowBytes(inDim, bits, groupSize);
  const out = new Int32Array(outDim * cols);
  for (let n = 0; n < outDim; n++) {
    for (let k = 0; k < kp; k++) {
      const q = canonicalCode(codes, rowBytes, n, k, bits);
      out[n * cols + Math.floor(k / c)] |= q << (bits * (k % c));
    }
  }
  return out;
}

/** The inverse of canonicalToLayout. */
export function layoutToCanonical(
  codes: Int32Array | Float32Array | ArrayLike<number>,
  inDim: number,
  outDim: number,
  bits: Bits,
  groupSize: number,
  layout: PackedLayout,
): Uint8Array {
  const kp = paddedInDim(inDim, groupSize);
  const c = codesPerElement(bits, layout);
  const cols = Math.ceil(kp / c);
  const rowBytes = canonicalRowBytes(inDim, bits, groupSize);
  const mask = (1 << bits) - 1;
  const out = new Uint8Array(outDim * rowBytes);
  for (let n = 0; n < outDim; n++) {
    for (let k = 0; k < kp; k++) {
      const element = codes[n * cols + Math.floor(k / c)] | 0;
      const q = (element >>> (bits * (k % c))) & mask;
      const bit = k * bits;
      out[n * rowBytes + (bit >>> 3)] |= q << (bit & 7);
    }
  }
  return out;
}

// ---------------------------------------------------------------- error

export interface ErrorMeasure {
  /** sqrt(mean((a − b)²)). */
  rmse: number;
  /** max |a − b|. */
  maxAbs: number;
}

/** RMSE and max abs error between two equally long arrays. */
export function errorMeasure(actual: ArrayLike<number>, expected: ArrayLike<number>): ErrorMeasure {
  if (actual.length !== expected.length) {
    throw new Error(`errorMeasure: lengths differ (${actual.length} vs ${expected.length})`);
  }
  let sq = 0;
  let maxAbs = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    sq += d * d;
    if (d > maxAbs) maxAbs = d;
  }
  return { rmse: Math.sqrt(sq / Math.max(1, expected.length)), maxAbs };
}
