/**
 * Connectionist temporal classification (Graves et al., 2006): the negative
 * log-likelihood of a label sequence under per-frame class distributions,
 * summed over every frame-level alignment that collapses to it (merge
 * repeats, drop blanks).
 *
 * The forward (alpha) recursion runs in log space over the label sequence
 * extended with blanks, z = [∅, l1, ∅, l2, …, lL, ∅] (length 2L+1):
 *
 *   α_0(0) = y_0(∅),  α_0(1) = y_0(l1)
 *   α_t(s) = y_t(z_s) · (α_{t−1}(s) + α_{t−1}(s−1) + [z_s ≠ ∅ ∧ z_s ≠ z_{s−2}] α_{t−1}(s−2))
 *   p(l|x) = α_{T−1}(2L) + α_{T−1}(2L−1)
 *
 * It is written with tfjs ops only (one gather as a batched matmul, then T
 * steps of shifted log-sum-exps), so autodiff gives the gradient on every
 * backend. Rows of different label lengths share the recursion: the final
 * gather picks each row's own last two states.
 *
 * Shapes: B=batch, T=frames, K=classes (blank included), L=longest label, S=2L+1.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MobileMMError } from '../errors.js';

/** Log-probability that stands for 0 (finite, so gradients never see inf − inf). */
const LOG_ZERO = -1e4;

export interface CtcOptions {
  /** Class id of the blank (default 0). */
  blank?: number;
}

/**
 * Per-row CTC loss −log p(label | frames): logProbs [B, T, K] (log-softmax
 * outputs), labels one array of class ids per row (no blanks, length ≤ T
 * plus repeats) → [B]. Call inside tf.tidy or a gradient function.
 */
export function ctcLoss(logProbs: tf.Tensor3D, labels: readonly (readonly number[])[], options: CtcOptions = {}): tf.Tensor1D {
  const [b, t, k] = logProbs.shape;
  const blank = options.blank ?? 0;
  if (labels.length !== b) {
    throw new MobileMMError('INVALID_SHAPE', `ctcLoss: ${labels.length} labels for a batch of ${b}; accepted: one label per row.`, {
      expected: b,
      actual: labels.length,
    });
  }
  if (!Number.isInteger(blank) || blank < 0 || blank >= k) {
    throw new MobileMMError('INVALID_ARGUMENT', `ctcLoss: blank ${blank} outside [0, ${k}).`);
  }
  const maxLen = Math.max(1, ...labels.map((l) => l.length));
  const s = 2 * maxLen + 1;
  // Extended labels z, the skip mask and each row's final states, on the JS side.
  const ext = new Int32Array(b * s).fill(blank);
  const skip = new Float32Array(b * s); // 1 where α(s−2) may feed α(s)
  const last = new Float32Array(b * s); // 1 at each row's final two states
  labels.forEach((label, i) => {
    let repeats = 0;
    label.forEach((c, j) => {
      if (!Number.isInteger(c) || c < 0 || c >= k || c === blank) {
        throw new MobileMMError('INVALID_ARGUMENT', `ctcLoss: row ${i} has label id ${c}; accepted: integers in [0, ${k}) other than the blank ${blank}.`);
      }
      if (j > 0 && label[j - 1] === c) repeats++;
      ext[i * s + 2 * j + 1] = c;
      if (j > 0 && label[j - 1] !== c) skip[i * s + 2 * j + 1] = 1;
    });
    if (label.length + repeats > t) {
      throw new MobileMMError('INVALID_ARGUMENT', `ctcLoss: row ${i} needs ${label.length + repeats} frames (label plus repeats); the input has ${t}.`);
    }
    const end = 2 * label.length;
    last[i * s + end] = 1;
    if (end > 0) last[i * s + end - 1] = 1;
  });
  return tf.tidy(() => {
    const onehot = tf.oneHot(tf.tensor2d(ext, [b, s], 'int32'), k); // [B, S, K]
    const emit = tf.matMul(logProbs, onehot, false, true); // [B, T, S]: log y_t(z_s)
    const skipMask = tf.tensor2d(skip, [b, s]);
    const noSkip = tf.mul(tf.sub(1, skipMask), LOG_ZERO); // 0 where the skip is allowed, LOG_ZERO elsewhere
    const shift = (a: tf.Tensor2D, n: number) => tf.pad(tf.slice(a, [0, 0], [b, s - n]), [[0, 0], [n, 0]], LOG_ZERO) as tf.Tensor2D;
    const emitAt = (i: number) => tf.reshape(tf.slice(emit, [0, i, 0], [b, 1, s]), [b, s]) as tf.Tensor2D;
    const first = new Float32Array(b * s).fill(LOG_ZERO);
    for (let i = 0; i < b; i++) {
      first[i * s] = 0;
      if (labels[i].length > 0) first[i * s + 1] = 0;
    }
    let alpha = tf.add(emitAt(0), tf.tensor2d(first, [b, s])) as tf.Tensor2D; // [B, S]
    for (let i = 1; i < t; i++) {
      const terms = tf.stack([alpha, shift(alpha, 1), tf.add(shift(alpha, 2), noSkip)], 2); // [B, S, 3]
      alpha = tf.add(tf.logSumExp(terms, 2), emitAt(i)) as tf.Tensor2D;
    }
    const ends = tf.add(alpha, tf.mul(tf.sub(1, tf.tensor2d(last, [b, s])), LOG_ZERO)); // [B, S]
    return tf.neg(tf.logSumExp(ends, 1)) as tf.Tensor1D; // [B]
  });
}

/** One row's best CTC path. */
export interface CtcPath {
  /** Labels after merging repeats and dropping blanks. */
  labels: number[];
  /** log p of each label at the first frame it was emitted. */
  logProbs: number[];
  /** log p of the whole frame path (Σ of each frame's best log p). */
  score: number;
}

/**
 * Best path: argmax class per frame, repeats merged, blanks dropped.
 * logProbs holds [T][K] log-probabilities of one row.
 */
export function ctcBestPath(logProbs: ArrayLike<number>, frames: number, classes: number, blank = 0): CtcPath {
  const labels: number[] = [];
  const lps: number[] = [];
  let score = 0;
  let prev = -1;
  for (let f = 0; f < frames; f++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (logProbs[f * classes + c] > logProbs[f * classes + best]) best = c;
    const lp = logProbs[f * classes + best];
    score += lp;
    if (best !== prev && best !== blank) {
      labels.push(best);
      lps.push(lp);
    }
    prev = best;
  }
  return { labels, logProbs: lps, score };
}

/** The labels of ctcBestPath. */
export function ctcGreedyDecode(logProbs: ArrayLike<number>, frames: number, classes: number, blank = 0): number[] {
  return ctcBestPath(logProbs, frames, classes, blank).labels;
}
