import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isMobileMMError, type MobileMMErrorCode } from '../errors.js';
import { describeBackends, expectClose, expectNoLeak } from '../test-utils/backends.js';
import {
  ToyDecoder,
  refArgmax,
  refLogSoftmax,
  refLogits,
  toyMemory,
  toyTables,
  type ToyTables,
} from './__fixtures__/toy-decoder.js';
import { generate, generateStream } from './generate.js';
import type { GenerateOptions, TokenEvent } from './options.js';
import type { CausalDecoder } from './types.js';

/** Hand-computed greedy chain on the float64 reference. */
function refGreedy(
  tables: ToyTables,
  prompt: number[],
  maxNew: number,
  options: { memoryMean?: Float64Array | null; stop?: number[] } = {},
): { tokens: number[]; logProbs: number[]; logits: Float64Array[]; stopped: boolean } {
  const seq = [...prompt];
  const out = { tokens: [] as number[], logProbs: [] as number[], logits: [] as Float64Array[], stopped: false };
  while (out.logits.length < maxNew && seq.length < tables.maxLength) {
    const l = refLogits(tables, seq, options.memoryMean ?? null);
    const t = refArgmax(l);
    out.logits.push(l);
    seq.push(t);
    if (options.stop?.includes(t)) {
      out.stopped = true;
      out.logProbs.push(refLogSoftmax(l)[t]);
      break;
    }
    out.tokens.push(t);
    out.logProbs.push(refLogSoftmax(l)[t]);
  }
  return out;
}

async function rejection(p: Promise<unknown>): Promise<Error & { code?: string; details?: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

describeBackends('generate (greedy, cache, memory, stop, stream, abort)', () => {
  const V = 24; // tables ≥ 128 elements so webgl runs them on the GPU
  const tables = toyTables(V, 40, 101);
  let dec: ToyDecoder;
  beforeAll(() => {
    dec = new ToyDecoder(tables);
  });
  afterAll(() => dec.dispose());
  const prompt = [1, 7, 3];

  for (const useCache of [true, false]) {
    it(`greedy follows the hand-computed argmax chain (useCache ${useCache}), logits and scores included`, async () => {
      const want = refGreedy(tables, prompt, 12);
      const r = await expectNoLeak(() => generate(dec, prompt, { maxNewTokens: 12, useCache, returnLogits: true }));
      expect(r.tokens).toEqual([want.tokens]);
      expect(r.finishReasons).toEqual(['length']);
      expectClose(r.tokenLogProbs[0], want.logProbs, 1e-4, 0, 'token log-probs');
      expectClose([r.scores[0]], [want.logProbs.reduce((a, b) => a + b, 0)], 1e-3, 0, 'score');
      expect(r.logits![0].length).toBe(12);
      r.logits![0].forEach((l, i) => expectClose(l, want.logits[i], 1e-4, 1e-5, `logits at step ${i}`));
      expect(r.seed).toBeUndefined();
    });
  }

  it('with the cache: prefills the prompt in one step() call, then one token per call', async () => {
    dec.calls.length = 0;
    await expectNoLeak(() => generate(dec, [prompt, [2, 2, 5]], { maxNewTokens: 5 }));
    expect(dec.calls).toEqual([
      { kind: 'step', shape: [2, 3], cacheLength: null },
      { kind: 'step', shape: [2, 1], cacheLength: 3 },
      { kind: 'step', shape: [2, 1], cacheLength: 4 },
      { kind: 'step', shape: [2, 1], cacheLength: 5 },
      { kind: 'step', shape: [2, 1], cacheLength: 6 },
    ]);
    dec.calls.length = 0;
    await expectNoLeak(() => generate(dec, prompt, { maxNewTokens: 3, useCache: false }));
    expect(dec.calls.map((c) => `${c.kind}[${c.shape.join(',')}]`)).toEqual(['logits[1,3]', 'logits[1,4]', 'logits[1,5]']);
  });

  it('cache and full recompute give identical tokens and logits within 1e-4', async () => {
    const prompts = [prompt, [4, 4, 9], [0, 1, 2]];
    const a = await expectNoLeak(() => generate(dec, prompts, { maxNewTokens: 15, returnLogits: true }));
    const b = await expectNoLeak(() => generate(dec, prompts, { maxNewTokens: 15, returnLogits: true, useCache: false }));
    expect(a.tokens).toEqual(b.tokens);
    a.logits!.forEach((row, r) => row.forEach((l, i) => expectClose(l, b.logits![r][i], 1e-4, 0, `row ${r} step ${i}`)));
  });

  it('passes memory through: row b reads memory row b, also for prompts of different lengths', async () => {
    const S = 5;
    const prompts = [[1, 2], [3, 4, 5, 6], [7, 8], [9]];
    const mem = toyMemory(prompts.length, S, V, 5);
    const memory = tf.tensor3d(mem.values, [prompts.length, S, V]);
    for (const useCache of [true, false]) {
      const r = await expectNoLeak(() => generate(dec, prompts, { maxNewTokens: 8, memory, useCache }));
      prompts.forEach((p, b) => {
        expect(r.tokens[b], `row ${b}`).toEqual(refGreedy(tables, p, 8, { memoryMean: mem.means[b] }).tokens);
      });
    }
    // Memory changes the result (it is not ignored).
    const without = await generate(dec, prompts, { maxNewTokens: 8 });
    expect(without.tokens).not.toEqual((await generate(dec, prompts, { maxNewTokens: 8, memory })).tokens);
    expect(memory.isDisposed).toBe(false);
    memory.dispose();
  });

  it('stops at a stop token (excluded by default, kept on request) and at maxNewTokens', async () => {
    const chain = refGreedy(tables, prompt, 12).tokens;
    // The first token of the chain that does not occur earlier in it.
    const k = chain.findIndex((t, i) => i >= 2 && !chain.slice(0, i).includes(t));
    expect(k).toBeGreaterThan(0);
    const stop = chain[k];
    const r = await expectNoLeak(() => generate(dec, prompt, { maxNewTokens: 12, stopTokens: [stop] }));
    expect(r.tokens[0]).toEqual(chain.slice(0, k));
    expect(r.finishReasons[0]).toBe('stop');
    expect(r.tokenLogProbs[0].length).toBe(k);
    const kept = await expectNoLeak(() => generate(dec, prompt, { maxNewTokens: 12, stopTokens: [stop], includeStopToken: true }));
    expect(kept.tokens[0]).toEqual(chain.slice(0, k + 1));
    expect(kept.scores[0]).toBeCloseTo(r.scores[0], 10); // the stop token's log-prob counts either way

    const four = await expectNoLeak(() => generate(dec, prompt, { maxNewTokens: 4 }));
    expect(four.tokens[0]).toEqual(chain.slice(0, 4));
    expect(four.finishReasons[0]).toBe('length');
    const none = await expectNoLeak(() => generate(dec, prompt, { maxNewTokens: 0 }));
    expect(none.tokens).toEqual([[]]);
  });

  it("stops at the decoder's maxLength", async () => {
    const short = new ToyDecoder({ ...tables, maxLength: 6, P: tables.P.slice(0, 6 * V) });
    try {
      const r = await expectNoLeak(() => generate(short, prompt, { maxNewTokens: 50 }));
      expect(r.tokens[0]).toEqual(refGreedy(tables, prompt, 3).tokens);
      expect(r.finishReasons[0]).toBe('length');
    } finally {
      short.dispose();
    }
  });

  it('rows of a batch finish independently', async () => {
    const prompts = [prompt, [5, 6, 7]];
    const chains = prompts.map((p) => refGreedy(tables, p, 10).tokens);
    const stop = chains[0][1]; // row 0 stops after 1 token
    const wants = prompts.map((p) => refGreedy(tables, p, 10, { stop: [stop] }));
    const r = await expectNoLeak(() => generate(dec, prompts, { maxNewTokens: 10, stopTokens: [stop] }));
    expect(r.tokens).toEqual(wants.map((w) => w.tokens));
    expect(r.finishReasons).toEqual(wants.map((w) => (w.stopped ? 'stop' : 'length')));
    expect(r.tokens[0].length).toBe(chains[0].indexOf(stop));
  });

  it('streams the same tokens as generate(), calls onToken for each, and returns the result', async () => {
    const prompts = [prompt, [2, 9, 9]];
    const seen: TokenEvent[] = [];
    const full = await expectNoLeak(() => generate(dec, prompts, { maxNewTokens: 6, onToken: (e) => seen.push(e) }));
    const streamed: TokenEvent[] = [];
    const onToken: TokenEvent[] = [];
    const result = await expectNoLeak(async () => {
      const it = generateStream(dec, prompts, { maxNewTokens: 6, onToken: (e) => onToken.push(e) });
      let step = await it.next();
      while (!step.done) {
        streamed.push(step.value);
        step = await it.next();
      }
      return step.value;
    });
    expect(streamed).toEqual(seen);
    expect(onToken).toEqual(seen);
    expect(result.tokens).toEqual(full.tokens);
    for (let r = 0; r < 2; r++) {
      expect(streamed.filter((e) => e.row === r).map((e) => e.token)).toEqual(full.tokens[r]);
      expect(streamed.filter((e) => e.row === r).map((e) => e.index)).toEqual([0, 1, 2, 3, 4, 5]);
    }
  });

  it('frees everything when the consumer leaves the stream early', async () => {
    const memory = tf.tensor3d(toyMemory(2, 3, V, 1).values, [2, 3, V]);
    for (const strategy of ['greedy', 'sample'] as const) {
      const got: number[] = [];
      await expectNoLeak(async () => {
        for await (const e of generateStream(dec, [prompt, [1, 2]], { maxNewTokens: 20, strategy, memory })) {
          got.push(e.token);
          if (got.length === 3) break;
        }
      });
      expect(got.length).toBe(3);
    }
    memory.dispose();
  });

  it('an AbortSignal stops between tokens and keeps the tokens so far', async () => {
    const chain = refGreedy(tables, prompt, 10).tokens;
    const controller = new AbortController();
    const r = await expectNoLeak(() =>
      generate(dec, prompt, {
        maxNewTokens: 10,
        signal: controller.signal,
        onToken: (e) => e.index === 1 && controller.abort(),
      }),
    );
    expect(r.tokens[0]).toEqual(chain.slice(0, 2));
    expect(r.finishReasons[0]).toBe('abort');

    const early = new AbortController();
    early.abort();
    for (const strategy of ['greedy', 'beam'] as const) {
      const e = await expectNoLeak(() => generate(dec, prompt, { maxNewTokens: 10, signal: early.signal, strategy }));
      expect(e.tokens[0]).toEqual([]);
      expect(e.finishReasons[0]).toBe('abort');
    }

    // Aborting from outside while the stream is consumed.
    const outside = new AbortController();
    const tokens: number[] = [];
    await expectNoLeak(async () => {
      for await (const ev of generateStream(dec, prompt, { maxNewTokens: 10, signal: outside.signal, useCache: false })) {
        tokens.push(ev.token);
        if (tokens.length === 4) outside.abort();
      }
    });
    expect(tokens).toEqual(chain.slice(0, 4));
  });

  it('frees everything when onToken or the decoder throws', async () => {
    await expectNoLeak(async () => {
      const e = await rejection(
        generate(dec, prompt, {
          maxNewTokens: 10,
          onToken: (ev) => {
            if (ev.index === 2) throw new Error('consumer failed');
          },
        }),
      );
      expect(e.message).toBe('consumer failed');
    });
    let calls = 0;
    const failing: CausalDecoder = {
      vocabSize: dec.vocabSize,
      maxLength: dec.maxLength,
      logits: (t, m) => dec.logits(t, m),
      step: (t, c, m) => {
        if (++calls === 3) throw new Error('decoder failed');
        return dec.step(t, c, m);
      },
    };
    await expectNoLeak(async () => {
      expect((await rejection(generate(failing, prompt, { maxNewTokens: 10 }))).message).toBe('decoder failed');
    });
    const wrongShape: CausalDecoder = {
      vocabSize: dec.vocabSize,
      maxLength: dec.maxLength,
      logits: (t, m) => tf.tidy(() => tf.slice(dec.logits(t, m), [0, 0, 0], [-1, -1, V - 1])),
      step: (t, c, m) => dec.step(t, c, m),
    };
    await expectNoLeak(async () => {
      const e = await rejection(generate(wrongShape, prompt, { maxNewTokens: 3, useCache: false }));
      expect(isMobileMMError(e, 'INVALID_SHAPE')).toBe(true);
      expect(e.message).toContain(`expected [1, 3, ${V}]`);
    });
  });

  it('rejects bad options and prompts with stable codes, before making any tensor', async () => {
    const memory = tf.tensor3d(toyMemory(2, 3, V, 1).values, [2, 3, V]);
    const cases: [unknown, Partial<GenerateOptions>, MobileMMErrorCode, string?][] = [
      [prompt, { strategy: 'beam', beamWidth: 0 }, 'INVALID_ARGUMENT', 'beamWidth'],
      [prompt, { strategy: 'beam', beamWidth: 2.5 }, 'INVALID_ARGUMENT', 'beamWidth'],
      [prompt, { strategy: 'beam', beamWidth: 2, numReturn: 3 }, 'INVALID_ARGUMENT', 'numReturn'],
      [prompt, { strategy: 'beam', lengthPenalty: Number.NaN }, 'INVALID_ARGUMENT', 'lengthPenalty'],
      [prompt, { strategy: 'beam', returnLogits: true }, 'INVALID_ARGUMENT', 'returnLogits'],
      [prompt, { strategy: 'sample', topP: 0 }, 'INVALID_ARGUMENT', 'topP'],
      [prompt, { strategy: 'sample', topP: 1.01 }, 'INVALID_ARGUMENT', 'topP'],
      [prompt, { strategy: 'sample', topP: Number.NaN }, 'INVALID_ARGUMENT', 'topP'],
      [prompt, { strategy: 'sample', temperature: -0.5 }, 'INVALID_ARGUMENT', 'temperature'],
      [prompt, { strategy: 'sample', temperature: Infinity }, 'INVALID_ARGUMENT', 'temperature'],
      [prompt, { strategy: 'sample', topK: 0 }, 'INVALID_ARGUMENT', 'topK'],
      [prompt, { strategy: 'sample', seed: 1.5 }, 'INVALID_ARGUMENT', 'seed'],
      [prompt, { topK: 3 }, 'INVALID_ARGUMENT', 'topK'], // greedy: sampling options do not apply
      [prompt, { strategy: 'sample', beamWidth: 3 }, 'INVALID_ARGUMENT', 'beamWidth'],
      [prompt, { strategy: 'nucleus' as 'sample' }, 'INVALID_ARGUMENT', 'strategy'],
      [prompt, { maxNewTokens: -1 }, 'INVALID_ARGUMENT', 'maxNewTokens'],
      [prompt, { maxNewTokens: 2.5 }, 'INVALID_ARGUMENT', 'maxNewTokens'],
      [prompt, { maxNewTokens: undefined }, 'INVALID_ARGUMENT', 'maxNewTokens'],
      [prompt, { stopTokens: [V] }, 'INVALID_TOKEN', 'stopTokens'],
      [prompt, { useCache: 'yes' as unknown as boolean }, 'INVALID_ARGUMENT', 'useCache'],
      [prompt, { memory }, 'INVALID_SHAPE', 'memory'], // batch 2 for 1 prompt
      [[], {}, 'INVALID_ARGUMENT', 'prompt'],
      [[[1, 2], []], {}, 'INVALID_ARGUMENT', 'prompt'],
      [[1, V], {}, 'INVALID_TOKEN'],
      [[1, -1], {}, 'INVALID_TOKEN'],
      [[[1], [0.5]], {}, 'INVALID_TOKEN'],
      [new Array(41).fill(1), {}, 'INVALID_ARGUMENT', 'prompt'], // longer than maxLength 40
    ];
    await expectNoLeak(async () => {
      for (const [p, o, code, option] of cases) {
        const options = { maxNewTokens: 4, ...o } as GenerateOptions;
        let err: unknown;
        try {
          generateStream(dec, p as number[], options);
        } catch (e) {
          err = e;
        }
        const label = `${JSON.stringify(p).slice(0, 30)} ${JSON.stringify(o)}`;
        expect(isMobileMMError(err, code), `${label} → ${String(err)}`).toBe(true);
        if (option) expect((err as Error).message, label).toContain(option);
        await expect(generate(dec, p as number[], options), label).rejects.toSatisfy((e) => isMobileMMError(e, code));
      }
    });
    const tokenErr = await rejection(generate(dec, [[1, 2], [3, V]], { maxNewTokens: 1 }));
    expect(tokenErr.details).toMatchObject({ row: 1, index: 1, token: V });
    memory.dispose();
  });
});
