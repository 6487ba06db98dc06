/**
 * Fake quantization for quantization-aware training (QAT).
 *
 *   ŵ = fakeQuantize(W)      W [K, N] float32 → ŵ [K, N], on the format's grid
 *
 * Forward: the arithmetic of reference.ts, group by group along K (padded
 * rows excluded from min/max), with float32 scales and mins:
 *   mn, mx = group min / max;  scale = (mx − mn)/(2^b − 1)
 *   q      = clamp(⌊(w − mn)/scale + 0.5⌋, 0, 2^b − 1);  ŵ = scale·q + mn
 * The packed file stores scales and mins in float16 (2.5 bits/weight at
 * b=2, G=64); that last rounding (relative ≤ 2^-11) is the only difference
 * between the trained ŵ and what the exported model computes with.
 *
 * Backward: straight-through estimator, ∂ŵ/∂W = I. Every weight sits inside
 * its group's [min, max], so there is no out-of-range region to clip.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import { MobileMMError } from '@mobile-mm/core';
import type { Bits } from './kernel-names.js';
import { DEFAULT_GROUP_SIZE, paddedInDim, SUPPORTED_BITS, SUPPORTED_GROUP_SIZES } from './format.js';

export interface FakeQuantizeOptions {
  bits: Bits;
  /** Default DEFAULT_GROUP_SIZE. */
  groupSize?: number;
}

/** The forward value only (no gradient wiring): ŵ of W [K, N]. */
function fakeQuantValue(w: Tensor2D, bits: Bits, groupSize: number): Tensor2D {
  return tf.tidy(() => {
    const [k, n] = w.shape;
    const kp = paddedInDim(k, groupSize);
    const levels = (1 << bits) - 1;
    // Pad K with copies of row K−1: it lies in the last group, so its min/max do not change.
    const x = kp > k ? tf.concat([w, tf.tile(tf.slice(w, [k - 1, 0], [1, n]), [kp - k, 1])], 0) : w;
    const g = tf.reshape(x, [kp / groupSize, groupSize, n]); // [Kp/G, G, N]
    const mn = tf.min(g, 1, true); // [Kp/G, 1, N]
    const scale = tf.div(tf.sub(tf.max(g, 1, true), mn), levels);
    const safe = tf.where(tf.greater(scale, 0), scale, tf.onesLike(scale)); // scale 0: every w = mn, q = 0
    const q = tf.clipByValue(tf.floor(tf.add(tf.div(tf.sub(g, mn), safe), 0.5)), 0, levels);
    const wq = tf.reshape(tf.add(tf.mul(q, scale), mn), [kp, n]);
    return (kp > k ? tf.slice(wq, [0, 0], [k, n]) : wq) as Tensor2D;
  });
}

/**
 * ŵ = W snapped to its b-bit group grid, with a straight-through gradient.
 * Use inside a loss: the float W keeps training, the forward sees ŵ.
 */
export function fakeQuantize(w: Tensor2D, options: FakeQuantizeOptions): Tensor2D {
  const bits = options.bits;
  const groupSize = options.groupSize ?? DEFAULT_GROUP_SIZE;
  if (!(SUPPORTED_BITS as readonly number[]).includes(bits)) {
    throw new MobileMMError('INVALID_ARGUMENT', `fakeQuantize: bits must be one of ${SUPPORTED_BITS.join(', ')}; got ${String(bits)}.`, { field: 'bits' });
  }
  if (!(SUPPORTED_GROUP_SIZES as readonly number[]).includes(groupSize)) {
    throw new MobileMMError('INVALID_ARGUMENT', `fakeQuantize: groupSize must be one of ${SUPPORTED_GROUP_SIZES.join(', ')}; got ${String(groupSize)}.`, { field: 'groupSize' });
  }
  if (!(w instanceof tf.Tensor) || w.rank !== 2 || w.dtype !== 'float32') {
    throw new MobileMMError('INVALID_SHAPE', `fakeQuantize: W must be a float32 [K, N] tensor; got ${w instanceof tf.Tensor ? `${w.dtype} [${w.shape}]` : typeof w}.`);
  }
  const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => ({
    value: fakeQuantValue(args[0] as Tensor2D, bits, groupSize),
    gradFunc: (dy: Tensor) => dy,
  }));
  return op(w) as Tensor2D;
}
