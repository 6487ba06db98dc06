import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isMobileMMError, type MobileMMErrorCode } from '@mobile-mm/core';
import { describeBackends, expectNoLeak, rng } from '@mobile-mm/core/test-utils';
import { preprocess } from '../image/preprocess.js';
import type { RgbaImage } from '../image/types.js';
import { greedyDecodeBatch } from './__fixtures__/greedy-reference.js';
import { VisionLanguageModel } from './model.js';
import { SceneTokenizer } from './scene-tokenizer.js';
import { answer, answerStream } from './answer.js';
import { ImageFeatureCache } from './feature-cache.js';
import { imageKey } from './image-key.js';
import { smallModel } from './__fixtures__/small-model.js';

/** A small random-weight model: these tests check the plumbing, not accuracy. */

function randomImage(width: number, height: number, seed: number): RgbaImage {
  const r = rng(seed);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = i % 4 === 3 ? 255 : Math.floor(256 * r());
  return { data, width, height };
}

async function expectCode(p: Promise<unknown>, code: MobileMMErrorCode): Promise<void> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(isMobileMMError(e, code), `expected ${code}, got ${String(e)}`).toBe(true);
}

describeBackends('inference pipeline', () => {
  let model: VisionLanguageModel;
  beforeAll(() => {
    model = smallModel();
  });
  afterAll(() => model.dispose());

  it('greedy answers equal greedyDecodeBatch on the same preprocessed batch (images resized to the kind)', async () => {
    const images = [randomImage(64, 64, 1), randomImage(80, 70, 2), randomImage(64, 64, 3)];
    const prompts = ['how many objects are there?', 'what color is the circle?', 'is there a red square?'];
    const result = await expectNoLeak(() => answer(model, images, 'vqa', prompts, { maxNewTokens: 6 }));

    const x = tf.stack(images.map((im) => preprocess(im, { width: 64, height: 64 }))) as tf.Tensor4D;
    const memory = model.encode(x, 'scene');
    const expected = prompts.map((p, i) => {
      const m = tf.slice(memory, [i, 0, 0], [1, -1, -1]) as tf.Tensor3D;
      const out = greedyDecodeBatch(model.decoder, m, [model.promptTokens(p)], { maxNewTokens: 6, eosId: model.tokenizer.eosId })[0];
      m.dispose();
      return out;
    });
    tf.dispose([x, memory]);

    expect(expected.some((t) => t.length > 0), 'the random model emits some tokens').toBe(true);
    expect(result.kind).toBe('scene');
    expect(result.answers.map((a) => a.tokens)).toEqual(expected);
    expect(result.answers.map((a) => a.text)).toEqual(expected.map((t) => model.decodeAnswer(t)));
    for (const t of ['preprocessMs', 'encodeMs', 'decodeMs', 'totalMs'] as const) expect(result.timings[t]).toBeGreaterThanOrEqual(0);
    expect(result.timings.totalMs).toBeGreaterThanOrEqual(result.timings.decodeMs);
  });

  it('decoding "ctc" reads a line in one pass: equal to a hand-collapsed argmax of the CTC head, tokens streamed, no leaks', async () => {
    const aux = smallModel(false, true);
    const images = [randomImage(128, 32, 21), randomImage(100, 40, 22)];
    const tokens: string[] = ['', ''];
    const result = await expectNoLeak(() => answer(aux, images, 'ocr', undefined, { decoding: 'ctc', onToken: (e) => (tokens[e.row] += e.text) }));
    const x = tf.stack(images.map((im) => preprocess(im, { width: 128, height: 32 }))) as tf.Tensor4D;
    const memory = aux.encode(x, 'text');
    const logp = tf.tidy(() => aux.ctcHead!.forward(memory));
    const [b, t, k] = logp.shape;
    const v = await logp.data();
    tf.dispose([x, memory, logp]);
    const chars = aux.tokenizer.chars;
    const want = Array.from({ length: b }, (_, i) => {
      let out = '';
      let prev = -1;
      for (let f = 0; f < t; f++) {
        let best = 0;
        for (let c = 0; c < k; c++) if (v[(i * t + f) * k + c] > v[(i * t + f) * k + best]) best = c;
        if (best !== 0 && best !== prev) out += chars[best - 1];
        prev = best;
      }
      return out.trim();
    });
    expect(want.some((w) => w.length > 0), 'the random head emits some characters').toBe(true);
    expect(result.answers.map((a) => a.text)).toEqual(want);
    expect(tokens.map((s) => s.trim())).toEqual(want);
    expect(result.answers.every((a) => a.finishReason === 'stop' && a.score <= 0)).toBe(true);
    await expectCode(answer(aux, images[0], 'vqa', 'how many objects are there?', { decoding: 'ctc' }), 'INVALID_ARGUMENT');
    await expectCode(answer(aux, images[0], 'ocr', undefined, { decoding: 'ctc', beamWidth: 2 }), 'INVALID_ARGUMENT');
    await expectCode(answer(model, images[0], 'ocr', undefined, { decoding: 'ctc' }), 'INVALID_ARGUMENT');
    aux.dispose();
  });

  it('OCR reads a text line (32×128) with the "ocr" prompt by default', async () => {
    const img = randomImage(128, 32, 4);
    const r = await expectNoLeak(() => answer(model, img, 'ocr', undefined, { maxNewTokens: 5 }));
    const x = tf.expandDims(preprocess(img, { width: 128, height: 32 }), 0) as tf.Tensor4D;
    const memory = model.encode(x, 'text');
    const want = greedyDecodeBatch(model.decoder, memory, [model.promptTokens('ocr')], { maxNewTokens: 5, eosId: model.tokenizer.eosId })[0];
    tf.dispose([x, memory]);
    expect(r.kind).toBe('text');
    expect(r.answers[0].tokens).toEqual(want);
  });

  it('generate takes any prompt: "ocr" reads a text line like the ocr task, other prompts a scene; the prompt is required', async () => {
    const line = randomImage(128, 32, 12);
    const scene = randomImage(64, 64, 13);
    const ocr = await answer(model, line, 'ocr', undefined, { maxNewTokens: 5 });
    const gen = await expectNoLeak(() => answer(model, line, 'generate', 'ocr', { maxNewTokens: 5 }));
    expect(gen.kind).toBe('text');
    expect(gen.answers[0].tokens).toEqual(ocr.answers[0].tokens);
    const cap = await answer(model, scene, 'caption', undefined, { maxNewTokens: 6 });
    const free = await answer(model, scene, 'generate', 'caption', { maxNewTokens: 6 });
    expect(free.kind).toBe('scene');
    expect(free.answers[0].tokens).toEqual(cap.answers[0].tokens);
    await expectCode(answer(model, scene, 'generate'), 'INVALID_ARGUMENT');
    await expectCode(answer(model, scene, 'summarize' as 'generate', 'x'), 'INVALID_ARGUMENT');
  });

  it('lang: a v2 model puts the language tag after <bos>; a v1 model answers only in English; unknown codes are refused', async () => {
    const img = randomImage(64, 64, 14);
    const v2 = new VisionLanguageModel({ ...structuredClone(model.config), vocabSize: SceneTokenizer.v2().vocabSize }, SceneTokenizer.v2());
    expect(v2.promptTokens('円は何色ですか？', 'ja').slice(0, 2)).toEqual([v2.tokenizer.bosId, v2.tokenizer.languageId('ja')]);
    const ja = await expectNoLeak(() => answer(v2, img, 'vqa', '円は何色ですか？', { lang: 'ja', maxNewTokens: 3 }));
    expect(ja.answers[0].tokens.length).toBeLessThanOrEqual(3);
    await expectCode(answer(model, img, 'vqa', 'what color is the circle?', { lang: 'ja' }), 'INVALID_ARGUMENT');
    await expectCode(answer(v2, img, 'vqa', 'what color is the circle?', { lang: 'it' as 'en' }), 'INVALID_ARGUMENT');
    expect((await answer(model, img, 'vqa', 'what color is the circle?', { lang: 'en', maxNewTokens: 2 })).answers).toHaveLength(1);
    v2.dispose();
  });

  it('the feature cache reuses the encoding of a repeated image, gives the same answer, and stays bounded', async () => {
    const cache = new ImageFeatureCache(2);
    const before = tf.memory().numTensors;
    const a = randomImage(64, 64, 5);
    const q = 'what shape is at the center?';
    const first = await answer(model, a, 'vqa', q, { cache, maxNewTokens: 4 });
    const again = await answer(model, { ...a, data: a.data.slice() }, 'vqa', q, { cache, maxNewTokens: 4 }); // same bytes, another buffer
    expect(first.answers[0].cached).toBe(false);
    expect(again.answers[0].cached).toBe(true);
    expect(again.answers[0].tokens).toEqual(first.answers[0].tokens);
    expect(cache.hits).toBe(1);
    // Two more images: capacity 2 evicts the least recently used (a).
    await answer(model, [randomImage(64, 64, 6), randomImage(64, 64, 7)], 'vqa', q, { cache, maxNewTokens: 2 });
    expect(cache.size).toBe(2);
    expect(cache.evictions).toBe(1);
    expect(tf.memory().numTensors).toBe(before + 2);
    const third = await answer(model, a, 'vqa', q, { cache, maxNewTokens: 4 });
    expect(third.answers[0].cached).toBe(false);
    expect(third.answers[0].tokens).toEqual(first.answers[0].tokens);
    // Duplicates inside one call are encoded once.
    const dup = await answer(model, [a, a], 'vqa', q, { cache, maxNewTokens: 4 });
    expect(dup.answers.map((x) => x.tokens)).toEqual([first.answers[0].tokens, first.answers[0].tokens]);
    cache.clear();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('image keys differ by bytes and by kind', async () => {
    const a = randomImage(64, 64, 8);
    const b = { ...a, data: a.data.slice() };
    b.data[100] ^= 1;
    expect(await imageKey(a, 'scene')).toBe(await imageKey({ ...a, data: a.data.slice() }, 'scene'));
    expect(await imageKey(a, 'scene')).not.toBe(await imageKey(b, 'scene'));
    expect(await imageKey(a, 'scene')).not.toBe(await imageKey(a, 'text'));
  });

  it('streams tokens whose texts concatenate to the answer, through onToken too', async () => {
    const img = randomImage(64, 64, 9);
    const seen: string[] = [];
    const stream = answerStream(model, img, 'caption', undefined, { maxNewTokens: 8, onToken: (e) => seen.push(e.text) });
    const streamed: string[] = [];
    let step = await stream.next();
    while (!step.done) {
      streamed.push(step.value.text);
      step = await stream.next();
    }
    expect(streamed).toEqual(seen);
    expect(streamed.join('').trim()).toBe(step.value.answers[0].text);
    expect(streamed.length).toBe(step.value.answers[0].tokens.length);
  });

  it('leaves no tensor behind when a stream is left early, on beam search, sampling and errors', async () => {
    const img = randomImage(64, 64, 10);
    await expectNoLeak(async () => {
      for await (const _ of answerStream(model, img, 'caption', undefined, { maxNewTokens: 8 })) break;
    });
    const beam = await expectNoLeak(() => answer(model, img, 'caption', undefined, { maxNewTokens: 6, decoding: 'beam', beamWidth: 3 }));
    expect(beam.answers[0].tokens.every((t) => t >= 0 && t < model.tokenizer.vocabSize)).toBe(true);
    const s1 = await expectNoLeak(() => answer(model, img, 'caption', undefined, { maxNewTokens: 6, decoding: 'sample', seed: 3 }));
    const s2 = await answer(model, img, 'caption', undefined, { maxNewTokens: 6, decoding: 'sample', seed: 3 });
    expect(s2.answers[0].tokens).toEqual(s1.answers[0].tokens);
    await expectNoLeak(() => expectCode(answer(model, { data: new Uint8ClampedArray(3), width: 2, height: 2 }, 'caption'), 'IMAGE_INVALID'));
  });

  it('rejects bad arguments with typed errors', async () => {
    const img = randomImage(64, 64, 11);
    await expectCode(answer(model, img, 'vqa'), 'INVALID_ARGUMENT');
    await expectCode(answer(model, [], 'caption'), 'INVALID_ARGUMENT');
    await expectCode(answer(model, [img, img], 'vqa', ['one question']), 'INVALID_ARGUMENT');
    await expectCode(answer(model, img, 'caption', undefined, { decoding: 'nucleus' as 'sample' }), 'INVALID_ARGUMENT');
    await expectCode(answer(model, img, 'caption', undefined, { beamWidth: 2 }), 'INVALID_ARGUMENT');
    await expectCode(answer(model, img, 'vqa', 'what '.repeat(60)), 'PROMPT_TOO_LONG');
    expect(() => new ImageFeatureCache(0)).toThrow(/capacity/);
  });
});
