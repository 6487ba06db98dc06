/**
 * Error-minimising post-training quantization (PTQ), a better baseline than
 * round-to-nearest (RTN) at 2 bits.
 *
 * RTN maps each group's [min, max] onto the 2^b levels, so one outlier
 * stretches the grid for the whole group. Here, for each group:
 *   1. try clipped ranges [mn + a·r, mx − c·r] (r = mx − mn; a, c on a grid),
 *   2. for each, assign codes by rounding, then refit (scale, min) by least
 *      squares on those codes:  min_{s,m} Σ (w − s·q − m)²  (closed form),
 *      round s, m to the storage dtype and re-round the codes (2 passes),
 *   3. keep the candidate with the smallest Σ (w − ŵ)², RTN included, so the
 *      result is never worse than RTN in squared error.
 * This is the alternating scale/code refinement of k-quant style
 * quantizers; it only needs the weights (no calibration data).
 *
 * Output: the canonical layout of format.ts, ready for
 * QuantizedTensor.fromCanonical. Float64 arithmetic, plain loops.
 */
import type { Bits } from './kernel-names.js';
import { numGroups, type ScaleDtype } from './format.js';
import { canonicalRowBytes, quantizeCode, quantizeReference, roundToScaleDtype, type CanonicalQuantized, type QuantizeOptions } from './reference.js';

/** Clipping fractions tried at each end of a group's range. */
const CLIP_GRID = [0, 0.04, 0.08, 0.12, 0.16, 0.2, 0.25, 0.3];

interface Fit {
  scale: number;
  min: number;
  err: number;
}

function fitGroup(v: Float64Array, len: number, bits: Bits, dtype: ScaleDtype, mn: number, mx: number): Fit {
  const levels = (1 << bits) - 1;
  const q = new Float64Array(len);
  const errOf = (scale: number, min: number): number => {
    let e = 0;
    for (let i = 0; i < len; i++) {
      q[i] = quantizeCode(v[i], scale, min, bits);
      const d = v[i] - (scale * q[i] + min);
      e += d * d;
    }
    return e;
  };
  let scale = roundToScaleDtype((mx - mn) / levels, dtype);
  let min = roundToScaleDtype(mn, dtype);
  let err = errOf(scale, min);
  for (let pass = 0; pass < 2; pass++) {
    let sq = 0;
    let sv = 0;
    let sqq = 0;
    let sqv = 0;
    for (let i = 0; i < len; i++) {
      sq += q[i];
      sv += v[i];
      sqq += q[i] * q[i];
      sqv += q[i] * v[i];
    }
    const det = len * sqq - sq * sq;
    if (det <= 0) break;
    const s = roundToScaleDtype((len * sqv - sq * sv) / det, dtype);
    if (!(s > 0)) break;
    const m = roundToScaleDtype((sv - s * sq) / len, dtype);
    const e = errOf(s, m);
    if (!(e < err)) break;
    scale = s;
    min = m;
    err = e;
  }
  return { scale, min, err };
}

/**
 * Quantizes w (row-major [K, N]) minimising the squared error per group.
 * Same arguments and output as quantizeReference (RTN).
 */
export function quantizeMinMse(w: Float32Array | Float64Array, inDim: number, outDim: number, options: QuantizeOptions): CanonicalQuantized {
  const { bits, groupSize, scaleDtype } = options;
  const rtn = quantizeReference(w, inDim, outDim, options);
  const K = inDim;
  const N = outDim;
  const ng = numGroups(K, groupSize);
  const rowBytes = canonicalRowBytes(K, bits, groupSize);
  const codes = new Uint8Array(N * rowBytes);
  const scales = new Float32Array(N * ng);
  const mins = new Float32Array(N * ng);
  const v = new Float64Array(groupSize);
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < ng; g++) {
      const k0 = g * groupSize;
      const len = Math.min(groupSize, K - k0);
      let mn = Infinity;
      let mx = -Infinity;
      for (let i = 0; i < len; i++) {
        v[i] = w[(k0 + i) * N + n];
        if (v[i] < mn) mn = v[i];
        if (v[i] > mx) mx = v[i];
      }
      // RTN as the first candidate, scored with its own codes.
      let best: Fit = { scale: rtn.scales[n * ng + g], min: rtn.mins[n * ng + g], err: Infinity };
      {
        let e = 0;
        for (let i = 0; i < len; i++) {
          const d = v[i] - (best.scale * quantizeCode(v[i], best.scale, best.min, bits) + best.min);
          e += d * d;
        }
        best.err = e;
      }
      const r = mx - mn;
      if (r > 0) {
        for (const a of CLIP_GRID) {
          for (const c of CLIP_GRID) {
            if (a + c >= 0.6) continue;
            const fit = fitGroup(v, len, bits, scaleDtype, mn + a * r, mx - c * r);
            if (fit.err < best.err) best = fit;
          }
        }
      }
      scales[n * ng + g] = best.scale;
      mins[n * ng + g] = best.min;
      for (let i = 0; i < len; i++) {
        const q = quantizeCode(v[i], best.scale, best.min, bits);
        const bit = (k0 + i) * bits;
        codes[n * rowBytes + (bit >>> 3)] |= q << (bit & 7);
      }
    }
  }
  return { codes, scales, mins };
}
