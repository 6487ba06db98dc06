/**
 * Token choice from one row of logits, in plain JS (float64): argmax,
 * log-softmax, and sampling with temperature → top-k → top-p (nucleus), the
 * order Hugging Face transformers uses.
 *
 * Randomness comes from a seeded PRNG (mulberry32), one stream per prompt row
 * derived from (seed, row), so a row's tokens do not depend on which other
 * rows share its batch, and results are identical on every backend.
 */

/** A uniform [0, 1) generator (mulberry32, 32-bit state). */
export type Random = () => number;

export function createRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** murmur3's 32-bit finaliser: a bijective scramble. */
function hash32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The PRNG seed of prompt row `row` under the user seed `seed` (any safe integer). */
export function rowSeed(seed: number, row: number): number {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  return hash32(lo ^ hash32(hi ^ hash32(row + 0x9e3779b9)));
}

/** Index of the largest value (the first one on ties). */
export function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}

/** log softmax(row), computed in float64. */
export function logSoftmax(row: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) if (row[i] > max) max = row[i];
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += Math.exp(row[i] - max);
  const lse = max + Math.log(sum);
  const out = new Float64Array(row.length);
  for (let i = 0; i < row.length; i++) out[i] = row[i] - lse;
  return out;
}

export interface SamplingParams {
  /** > 0; 0 means greedy and is handled by sampleToken. */
  temperature: number;
  /** 1..V. */
  topK: number;
  /** (0, 1]. */
  topP: number;
}

/**
 * The distribution sampling draws from: token ids, most likely first, and
 * their renormalised probabilities after temperature, top-k and top-p.
 */
export function samplingDistribution(row: ArrayLike<number>, params: SamplingParams): { ids: number[]; probs: number[] } {
  const order = Array.from({ length: row.length }, (_, i) => i);
  order.sort((a, b) => row[b] - row[a] || a - b); // descending, ties by id
  const k = Math.max(1, Math.min(params.topK, row.length));
  const ids = order.slice(0, k);
  const max = row[ids[0]];
  let probs = ids.map((i) => Math.exp((row[i] - max) / params.temperature));
  let total = probs.reduce((s, p) => s + p, 0);
  probs = probs.map((p) => p / total);
  if (params.topP < 1) {
    let cum = 0;
    let keep = 0;
    while (keep < probs.length && cum < params.topP) cum += probs[keep++];
    ids.length = keep;
    probs = probs.slice(0, keep);
    total = cum;
    probs = probs.map((p) => p / total);
  }
  return { ids, probs };
}

/** One token from `row`: greedy for temperature 0, else a draw from samplingDistribution. */
export function sampleToken(row: ArrayLike<number>, params: SamplingParams, random: Random): number {
  if (params.temperature === 0) return argmax(row);
  const { ids, probs } = samplingDistribution(row, params);
  const u = random();
  let cum = 0;
  for (let i = 0; i < ids.length; i++) {
    cum += probs[i];
    if (u < cum) return ids[i];
  }
  return ids[ids.length - 1]; // u within rounding of 1
}
