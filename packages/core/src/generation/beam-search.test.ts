import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBackends, expectClose, expectNoLeak } from '../test-utils/backends.js';
import { ToyDecoder, refLogSoftmax, refLogits, toyMemory, toyTables, type ToyTables } from './__fixtures__/toy-decoder.js';
import { generate, generateStream } from './generate.js';

interface Seq {
  tokens: number[];
  score: number;
  logProb: number;
}

/**
 * Every complete continuation of `prompt` up to L new tokens — ending in a
 * stop token (excluded from tokens, counted in the length) or reaching L —
 * scored sum(log p) / length^alpha, best first. float64 reference.
 */
function bruteForce(
  tables: ToyTables,
  prompt: number[],
  L: number,
  stop: number[],
  alpha: number,
  memoryMean: Float64Array | null = null,
): Seq[] {
  const out: Seq[] = [];
  const rec = (gen: number[], sum: number): void => {
    const lsm = refLogSoftmax(refLogits(tables, [...prompt, ...gen], memoryMean));
    for (let v = 0; v < tables.V; v++) {
      const s = sum + lsm[v];
      const len = gen.length + 1;
      if (stop.includes(v)) out.push({ tokens: gen, score: s / len ** alpha, logProb: s });
      else if (len === L) out.push({ tokens: [...gen, v], score: s / len ** alpha, logProb: s });
      else rec([...gen, v], s);
    }
  };
  rec([], 0);
  return out.sort((a, b) => b.score - a.score);
}

/** n-best equal to the brute-force top n (tokens compared where scores are not near-tied). */
function expectNBest(got: { tokens: number[]; score: number; logProb: number }[], want: Seq[], n: number, label: string): void {
  expect(got.length, label).toBe(n);
  for (let i = 0; i < n; i++) {
    expect(Math.abs(got[i].score - want[i].score), `${label}: score ${i}`).toBeLessThan(1e-4);
    expect(Math.abs(got[i].logProb - want[i].logProb), `${label}: logProb ${i}`).toBeLessThan(1e-4);
    const tied = (j: number): boolean => j >= 0 && j < want.length && Math.abs(want[j].score - want[i].score) < 1e-4;
    if (!tied(i - 1) && !tied(i + 1)) expect(got[i].tokens, `${label}: tokens ${i}`).toEqual(want[i].tokens);
  }
}

describeBackends('beam search', () => {
  const V = 5;
  const EOS = 2;
  const tables = toyTables(V, 16, 707, 1.2);
  let dec: ToyDecoder;
  beforeAll(() => {
    dec = new ToyDecoder(tables);
  });
  afterAll(() => dec.dispose());
  const prompt = [1, 3];

  for (const [L, alpha] of [
    [3, 1],
    [4, 0],
    [4, 1],
    [4, 0.6],
    [4, -0.5],
  ] as const) {
    it(`a beam wide enough to keep everything finds the exact n-best (V=${V}, len ≤ ${L}, alpha ${alpha})`, async () => {
      const want = bruteForce(tables, prompt, L, [EOS], alpha);
      const r = await expectNoLeak(() =>
        generate(dec, prompt, {
          maxNewTokens: L,
          strategy: 'beam',
          beamWidth: (V - 1) ** L, // every non-stop prefix survives
          numReturn: 6,
          lengthPenalty: alpha,
          stopTokens: [EOS],
        }),
      );
      expectNBest(r.beams![0], want, 6, `L=${L} alpha=${alpha}`);
      expect(r.tokens[0]).toEqual(r.beams![0][0].tokens);
      expect(r.scores[0]).toBe(r.beams![0][0].score);
    });
  }

  it('without a stop token, the n-best are the top sums of log-probs of length-L sequences', async () => {
    const want = bruteForce(tables, prompt, 3, [], 1);
    const r = await expectNoLeak(() =>
      generate(dec, prompt, { maxNewTokens: 3, strategy: 'beam', beamWidth: 25, numReturn: 4 }),
    );
    expectNBest(r.beams![0], want, 4, 'no stop');
    expect(r.beams![0].every((h) => h.finishReason === 'length' && h.tokens.length === 3)).toBe(true);
  });

  it('hypotheses are sorted, scored as logProb / length^alpha, and their token log-probs check out', async () => {
    const alpha = 0.8;
    const r = await expectNoLeak(() =>
      generate(dec, prompt, {
        maxNewTokens: 6,
        strategy: 'beam',
        beamWidth: 3,
        lengthPenalty: alpha,
        stopTokens: [EOS],
        includeStopToken: true,
      }),
    );
    const beams = r.beams![0];
    expect(beams.length).toBe(3);
    for (let i = 0; i < beams.length; i++) {
      const h = beams[i];
      if (i > 0) expect(h.score).toBeLessThanOrEqual(beams[i - 1].score);
      expect(h.score).toBeCloseTo(h.logProb / h.tokens.length ** alpha, 10); // stop token kept: length = tokens
      let seq = [...prompt];
      h.tokens.forEach((t, k) => {
        expect(h.tokenLogProbs[k]).toBeCloseTo(refLogSoftmax(refLogits(tables, seq))[t], 4);
        seq = [...seq, t];
      });
      expect(h.finishReason === 'stop').toBe(h.tokens[h.tokens.length - 1] === EOS);
    }
  });

  it('width 1 without stop tokens equals greedy', async () => {
    const greedy = await generate(dec, [prompt, [4, 0]], { maxNewTokens: 8 });
    const beam = await expectNoLeak(() =>
      generate(dec, [prompt, [4, 0]], { maxNewTokens: 8, strategy: 'beam', beamWidth: 1 }),
    );
    expect(beam.tokens).toEqual(greedy.tokens);
    expectClose(beam.scores, greedy.scores.map((s) => s / 8), 1e-4, 0, 'scores');
  });

  it('cache and full recompute agree; batched and ragged prompts with memory equal one-by-one runs', async () => {
    const prompts = [[1, 3], [0, 4, 4], [2, 1]];
    const S = 3;
    const mem = toyMemory(prompts.length, S, V, 17);
    const memory = tf.tensor3d(mem.values, [prompts.length, S, V]);
    const opts = { maxNewTokens: 5, strategy: 'beam' as const, beamWidth: 3, stopTokens: [EOS], lengthPenalty: 0.7 };
    const cached = await expectNoLeak(() => generate(dec, prompts, { ...opts, memory }));
    const full = await expectNoLeak(() => generate(dec, prompts, { ...opts, memory, useCache: false }));
    expect(full.tokens).toEqual(cached.tokens);
    expectClose(full.scores, cached.scores, 1e-4, 0, 'scores');
    for (let b = 0; b < prompts.length; b++) {
      const one = tf.tensor3d(mem.values.slice(b * S * V, (b + 1) * S * V), [1, S, V]);
      const alone = await expectNoLeak(() => generate(dec, [prompts[b]], { ...opts, memory: one }));
      expect(alone.beams![0].map((h) => h.tokens), `row ${b}`).toEqual(cached.beams![b].map((h) => h.tokens));
      expectClose(alone.beams![0].map((h) => h.score), cached.beams![b].map((h) => h.score), 1e-4, 0, `row ${b}`);
      one.dispose();
      // And against brute force with this row's memory, where the width keeps everything.
      const exact = await expectNoLeak(() =>
        generate(dec, [prompts[b]], { ...opts, memory: undefined, beamWidth: 64, numReturn: 3, maxNewTokens: 3 }),
      );
      expectNBest(exact.beams![0], bruteForce(tables, prompts[b], 3, [EOS], 0.7), 3, `row ${b} no memory`);
    }
    memory.dispose();
  });

  it('streams the best hypothesis, frees everything on early exit, honours abort', async () => {
    const opts = { maxNewTokens: 6, strategy: 'beam' as const, beamWidth: 3 };
    const r = await generate(dec, prompt, opts);
    const streamed: number[] = [];
    await expectNoLeak(async () => {
      for await (const e of generateStream(dec, prompt, opts)) streamed.push(e.token);
    });
    expect(streamed).toEqual(r.tokens[0]);
    await expectNoLeak(async () => {
      for await (const _ of generateStream(dec, prompt, opts)) break;
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 0);
    const aborted = await expectNoLeak(() => generate(dec, prompt, { ...opts, maxNewTokens: 15, signal: controller.signal }));
    expect(aborted.tokens[0].length).toBeLessThan(15);
    expect(aborted.finishReasons[0]).toBe('abort');
  });

  it('maxNewTokens 0 gives one empty hypothesis', async () => {
    const r = await expectNoLeak(() => generate(dec, prompt, { maxNewTokens: 0, strategy: 'beam' }));
    expect(r.beams![0]).toEqual([{ tokens: [], score: 0, logProb: 0, tokenLogProbs: [], finishReason: 'length' }]);
  });
});
