import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeBackends, expectClose, expectNoLeak } from '../test-utils/backends.js';
import { ToyDecoder, refLogits, toyTables } from './__fixtures__/toy-decoder.js';
import { generate } from './generate.js';
import { argmax, createRandom, logSoftmax, rowSeed, sampleToken, samplingDistribution } from './sampling.js';

/** softmax(row / T) in float64, as a plain reference. */
function softmax(row: ArrayLike<number>, T = 1): number[] {
  const max = Math.max(...Array.from(row));
  const e = Array.from(row, (v) => Math.exp((v - max) / T));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

describe('sampling primitives', () => {
  const row = Float32Array.from([0.5, 2.0, -1.0, 1.0, 2.0 - 1e-3, -3]);

  it('argmax takes the first maximum; logSoftmax normalises', () => {
    expect(argmax(row)).toBe(1);
    expect(argmax([1, 3, 3])).toBe(1);
    const l = logSoftmax(row);
    expect(Array.from(l).reduce((s, v) => s + Math.exp(v), 0)).toBeCloseTo(1, 12);
    expectClose(Array.from(l, Math.exp), softmax(row), 1e-12);
  });

  it('samplingDistribution applies temperature, then top-k, then top-p, renormalising', () => {
    const p = softmax(row, 0.7);
    const order = [1, 4, 3, 0, 2, 5];
    const all = samplingDistribution(row, { temperature: 0.7, topK: 6, topP: 1 });
    expect(all.ids).toEqual(order);
    expectClose(all.probs, order.map((i) => p[i]), 1e-12);

    const k3 = samplingDistribution(row, { temperature: 0.7, topK: 3, topP: 1 });
    const z3 = p[1] + p[4] + p[3];
    expect(k3.ids).toEqual([1, 4, 3]);
    expectClose(k3.probs, [p[1] / z3, p[4] / z3, p[3] / z3], 1e-12);

    // top-p: the smallest prefix whose mass reaches p.
    const target = p[1] + p[4] + 0.5 * p[3];
    const nuc = samplingDistribution(row, { temperature: 0.7, topK: 6, topP: target });
    expect(nuc.ids).toEqual([1, 4, 3]);
    const justTwo = samplingDistribution(row, { temperature: 0.7, topK: 6, topP: (p[1] + p[4]) * 0.999 });
    expect(justTwo.ids).toEqual([1, 4]);
    expect(samplingDistribution(row, { temperature: 0.7, topK: 6, topP: 1e-9 }).ids).toEqual([1]);
    // top-k first, then top-p on the renormalised top-k.
    const both = samplingDistribution(row, { temperature: 0.7, topK: 2, topP: 0.999 });
    expect(both.ids).toEqual([1, 4]);
  });

  it('temperature 0 and tiny temperatures are greedy', () => {
    const r = createRandom(1);
    for (let i = 0; i < 50; i++) {
      expect(sampleToken(row, { temperature: 0, topK: 6, topP: 1 }, r)).toBe(1);
      expect(sampleToken(row, { temperature: 1e-6, topK: 6, topP: 1 }, r)).toBe(1);
    }
  });

  it('the PRNG is reproducible and per-row streams differ', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const xs = Array.from({ length: 100 }, () => a());
    expect(Array.from({ length: 100 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const seeds = new Set(Array.from({ length: 1000 }, (_, r) => rowSeed(7, r)));
    expect(seeds.size).toBe(1000);
    expect(rowSeed(7, 0)).not.toBe(rowSeed(8, 0));
    expect(rowSeed(2 ** 40 + 7, 0)).not.toBe(rowSeed(7, 0));
  });
});

describeBackends('generate with sampling', () => {
  const V = 16;
  const tables = toyTables(V, 32, 303, 1.0);
  let dec: ToyDecoder;
  beforeAll(() => {
    dec = new ToyDecoder(tables);
  });
  afterAll(() => dec.dispose());
  const prompts = [
    [1, 2],
    [3, 4],
  ];

  it('same seed → same tokens, different seed → different tokens', async () => {
    const opts = { maxNewTokens: 12, strategy: 'sample' as const };
    const a = await expectNoLeak(() => generate(dec, prompts, { ...opts, seed: 5 }));
    const b = await expectNoLeak(() => generate(dec, prompts, { ...opts, seed: 5 }));
    const c = await expectNoLeak(() => generate(dec, prompts, { ...opts, seed: 6 }));
    expect(a.tokens).toEqual(b.tokens);
    expect(a.seed).toBe(5);
    expect(c.tokens).not.toEqual(a.tokens);
    expect(a.tokens[0]).not.toEqual(a.tokens[1]);
    // Without a seed, the one drawn is reported and reproduces the run.
    const d = await generate(dec, prompts, opts);
    expect(Number.isSafeInteger(d.seed)).toBe(true);
    expect((await generate(dec, prompts, { ...opts, seed: d.seed })).tokens).toEqual(d.tokens);
    // A row's tokens do not depend on its batch companions; the cache does not change them.
    expect((await generate(dec, [prompts[0]], { ...opts, seed: 5 })).tokens[0]).toEqual(a.tokens[0]);
    expect((await generate(dec, prompts, { ...opts, seed: 5, useCache: false })).tokens).toEqual(a.tokens);
  });

  it('top-k = 1, temperature 0 and temperature 1e-6 all equal greedy', async () => {
    const greedy = await generate(dec, prompts, { maxNewTokens: 15 });
    for (const extra of [{ topK: 1, temperature: 3 }, { temperature: 0 }, { temperature: 1e-6 }]) {
      const r = await expectNoLeak(() => generate(dec, prompts, { maxNewTokens: 15, strategy: 'sample', seed: 9, ...extra }));
      expect(r.tokens, JSON.stringify(extra)).toEqual(greedy.tokens);
    }
  });

  // Empirical frequencies over N independent rows vs the exact renormalised
  // probabilities: |freq - p| ≤ 5·sqrt(p(1-p)/N) + 0.002 (5 standard errors),
  // and never a token outside the allowed support.
  const N = 4000;
  async function frequencies(options: { temperature?: number; topK?: number; topP?: number }, seed: number): Promise<number[]> {
    const prompt = [5, 6];
    const rows = Array.from({ length: N }, () => prompt);
    const r = await expectNoLeak(() => generate(dec, rows, { maxNewTokens: 1, strategy: 'sample', seed, ...options }));
    const counts = new Array<number>(V).fill(0);
    for (const t of r.tokens) counts[t[0]]++;
    return counts.map((c) => c / N);
  }
  function expectFrequencies(freq: number[], want: number[]): void {
    for (let v = 0; v < V; v++) {
      if (want[v] === 0) {
        expect(freq[v], `token ${v} is outside the support`).toBe(0);
      } else {
        const tol = 5 * Math.sqrt((want[v] * (1 - want[v])) / N) + 0.002;
        expect(Math.abs(freq[v] - want[v]), `token ${v}: freq ${freq[v]} vs p ${want[v]}`).toBeLessThanOrEqual(tol);
      }
    }
  }
  const logits = refLogits(tables, [5, 6]);

  it('plain sampling with temperature matches softmax(logits / T)', async () => {
    expectFrequencies(await frequencies({ temperature: 1.3 }, 1), softmax(logits, 1.3));
  });

  it('top-p restricts the support to the nucleus and renormalises', async () => {
    const p = softmax(logits, 0.8);
    const order = Array.from({ length: V }, (_, i) => i).sort((a, b) => p[b] - p[a]);
    const cum: number[] = [];
    order.reduce((s, i) => (cum.push(s + p[i]), s + p[i]), 0);
    const keep = 4;
    const topP = (cum[keep - 2] + cum[keep - 1]) / 2; // safely between two boundaries
    const want = new Array<number>(V).fill(0);
    for (const i of order.slice(0, keep)) want[i] = p[i] / cum[keep - 1];
    expectFrequencies(await frequencies({ temperature: 0.8, topP }, 2), want);
  });

  it('top-k restricts the support to the k most likely tokens', async () => {
    const p = softmax(logits, 1);
    const order = Array.from({ length: V }, (_, i) => i).sort((a, b) => p[b] - p[a]);
    const top = order.slice(0, 3);
    const z = top.reduce((s, i) => s + p[i], 0);
    const want = new Array<number>(V).fill(0);
    for (const i of top) want[i] = p[i] / z;
    expectFrequencies(await frequencies({ topK: 3 }, 3), want);
  });

  it('token log-probs are those of the unmodified model distribution', async () => {
    const r = await generate(dec, [[5, 6]], { maxNewTokens: 1, strategy: 'sample', seed: 4, temperature: 2, topK: 4 });
    const t = r.tokens[0][0];
    expect(r.tokenLogProbs[0][0]).toBeCloseTo(Math.log(softmax(logits)[t]), 4);
  });

  it('works on large random logits without NaN (sanity on ≥128-element rows)', async () => {
    const big = new ToyDecoder(toyTables(160, 8, 7, 4));
    try {
      const r = await expectNoLeak(() => generate(big, [[1], [2]], { maxNewTokens: 6, strategy: 'sample', seed: 1, topP: 0.9 }));
      expect(r.tokens.flat().every((t) => t >= 0 && t < 160)).toBe(true);
      expect(r.scores.every(Number.isFinite)).toBe(true);
    } finally {
      big.dispose();
    }
  });
});
