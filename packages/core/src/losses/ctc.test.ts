import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBackends, expectNoLeak, randn } from '../test-utils/index.js';
import { isMobileMMError } from '../errors.js';
import { ctcBestPath, ctcGreedyDecode, ctcLoss } from './ctc.js';
import '../gradients.js'; // training: every op gradient (tfjs-core alone registers none in Node)

/** Float64 brute force: sum over all K^T frame paths whose collapse (merge repeats, drop blanks) equals the label. */
function bruteForceNll(logp: Float64Array, t: number, k: number, label: number[], blank: number): number {
  let total = 0;
  const path = new Array<number>(t).fill(0);
  const visit = (f: number, logProb: number) => {
    if (f === t) {
      const out: number[] = [];
      let prev = -1;
      for (const c of path) {
        if (c !== prev && c !== blank) out.push(c);
        prev = c;
      }
      if (out.length === label.length && out.every((c, i) => c === label[i])) total += Math.exp(logProb);
      return;
    }
    for (let c = 0; c < k; c++) {
      path[f] = c;
      visit(f + 1, logProb + logp[f * k + c]);
    }
  };
  visit(0, 0);
  return -Math.log(total);
}

function logSoftmax64(x: ArrayLike<number>, t: number, k: number): Float64Array {
  const out = new Float64Array(t * k);
  for (let f = 0; f < t; f++) {
    let m = -Infinity;
    for (let c = 0; c < k; c++) m = Math.max(m, x[f * k + c]);
    let z = 0;
    for (let c = 0; c < k; c++) z += Math.exp(x[f * k + c] - m);
    for (let c = 0; c < k; c++) out[f * k + c] = x[f * k + c] - m - Math.log(z);
  }
  return out;
}

describeBackends('ctcLoss', (env) => {
  const tol = env.backend === 'webgl' ? 2e-3 : 1e-4;

  it('equals the brute-force sum over alignments on random inputs (labels of different lengths, repeats, empty), no leaks', async () => {
    const [t, k] = [6, 4];
    const labels = [[1, 2], [3, 3], [1, 2, 1], [], [2, 2, 2], [1, 3, 2, 1]];
    for (const blank of [0, 3]) {
      const rows = labels.map((l) => l.map((c) => (blank === 3 && c === 3 ? 0 : c)));
      const x = randn(rows.length * t * k, 11 + blank, 1.5);
      const logp = rows.map((_, i) => logSoftmax64(x.slice(i * t * k, (i + 1) * t * k), t, k));
      const want = rows.map((l, i) => bruteForceNll(logp[i], t, k, l, blank));
      const lp = tf.tensor3d(Float32Array.from(logp.flatMap((r) => [...r])), [rows.length, t, k]);
      await expectNoLeak(async () => {
        const r = tf.tidy(() => ctcLoss(lp, rows, { blank }));
        const got = await r.array();
        r.dispose();
        got.forEach((g, i) => expect(Math.abs(g - want[i]), `row ${i} blank ${blank}`).toBeLessThan(tol * Math.max(1, Math.abs(want[i]))));
      });
      lp.dispose();
    }
  });

  it('gradient matches central differences of the float64 brute force', async () => {
    const [t, k] = [5, 3];
    const label = [1, 2];
    const x = randn(t * k, 5, 1.0);
    const xt = tf.tensor3d(Float32Array.from(x), [1, t, k]);
    await expectNoLeak(async () => {
      const g = tf.grad((z: tf.Tensor) => tf.sum(ctcLoss(tf.logSoftmax(z) as tf.Tensor3D, [label])))(xt);
      const got = await g.data();
      g.dispose();
      const f = (v: number[]) => bruteForceNll(logSoftmax64(v, t, k), t, k, label, 0);
      const h = 1e-5;
      for (let i = 0; i < t * k; i++) {
        const up = [...x];
        const dn = [...x];
        up[i] += h;
        dn[i] -= h;
        const want = (f(up) - f(dn)) / (2 * h);
        expect(Math.abs(got[i] - want), `d/dx[${i}]`).toBeLessThan(env.backend === 'webgl' ? 5e-3 : 2e-4);
      }
    });
    xt.dispose();
  });
});

it('rejects labels that cannot fit, blanks inside labels and a wrong row count, with typed errors', () => {
  const lp = tf.zeros([2, 3, 4]) as tf.Tensor3D;
  const bad: Array<[number[][], RegExp]> = [
    [[[1, 1, 1], [1]], /needs 5 frames/],
    [[[0, 1], [1]], /label id 0/],
    [[[1]], /2 labels|1 labels/],
    [[[1, 9], [1]], /label id 9/],
  ];
  for (const [labels, re] of bad) {
    try {
      ctcLoss(lp, labels);
      expect.unreachable();
    } catch (e) {
      expect(isMobileMMError(e)).toBe(true);
      expect((e as Error).message).toMatch(re);
    }
  }
  lp.dispose();
});

it('greedy decoding merges repeats and drops blanks', () => {
  // frames' argmax: 1 1 0 1 2 2 0 → [1, 1, 2]
  const seq = [1, 1, 0, 1, 2, 2, 0];
  const lp = seq.flatMap((c) => [0, 1, 2].map((j) => (j === c ? 0 : -5)));
  expect(ctcGreedyDecode(lp, seq.length, 3)).toEqual([1, 1, 2]);
  const path = ctcBestPath(lp, seq.length, 3);
  expect(path.logProbs).toEqual([0, 0, 0]);
  expect(path.score).toBe(0);
  // With a blank at 2, frame 4's argmax (class 2) is a blank.
  expect(ctcGreedyDecode(lp, seq.length, 3, 2)).toEqual([1, 0, 1, 0]);
});
