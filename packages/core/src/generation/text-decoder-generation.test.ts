// generate() over the real TextDecoder (models/text-decoder.ts): the KV cache
// path (prefill + step + DecoderKVCache.reorder in beam search) must give the
// same tokens as full recomputation, and logits within 1e-4.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TextDecoder } from '../models/text-decoder.js';
import type { TextDecoderConfigInput } from '../models/text-decoder-config.js';
import { describeBackends, expectClose, expectNoLeak, randn } from '../test-utils/backends.js';
import { generate } from './generate.js';

const V = 40;
const M = 12; // memory width
const S = 6; // memory length
const CONFIGS: [string, TextDecoderConfigInput][] = [
  ['decoder-only, learned positions', { vocabSize: V, dim: 16, numHeads: 4, numLayers: 2, maxLength: 24 }],
  [
    'cross-attention, RoPE, rms + swiglu',
    { vocabSize: V, dim: 16, numHeads: 4, numLayers: 2, maxLength: 24, memoryDim: M, positional: 'rope', norm: 'rms', ff: 'swiglu', tieEmbeddings: false },
  ],
];

/** Seeded N(0, 0.4) weights (norm gains 1 ± 0.4) so the logits are peaked and argmax ties cannot occur. */
function randomize(model: TextDecoder, seed: number): void {
  Object.entries(model.namedWeights()).forEach(([name, v], i) => {
    const values = Float32Array.from(randn(v.size, seed * 1000 + i, 0.4));
    if (name.endsWith('gamma')) for (let j = 0; j < v.size; j++) values[j] += 1;
    tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
  });
}

for (const [title, config] of CONFIGS) {
  describeBackends(`generate over TextDecoder: ${title}`, () => {
    let model: TextDecoder;
    let memory: tf.Tensor3D | null = null;
    // Kept short: on webgl (SwiftShader) every new sequence length compiles new shaders.
    const prompts = [
      [1, 5, 9],
      [3, 3, 30],
    ];
    beforeAll(() => {
      model = new TextDecoder(config);
      randomize(model, 3);
      if (config.memoryDim) memory = tf.tensor3d(Float32Array.from(randn(prompts.length * S * M, 9)), [prompts.length, S, M]);
    });
    afterAll(() => {
      model.dispose();
      memory?.dispose();
    });

    it('greedy: cache and recompute give identical tokens, logits within 1e-4', async () => {
      const opts = { maxNewTokens: 6, returnLogits: true, memory };
      const cached = await expectNoLeak(() => generate(model, prompts, opts));
      const full = await expectNoLeak(() => generate(model, prompts, { ...opts, useCache: false }));
      expect(cached.tokens).toEqual(full.tokens);
      cached.logits!.forEach((row, r) => row.forEach((l, i) => expectClose(l, full.logits![r][i], 1e-4, 0, `row ${r} step ${i}`)));
      // And against one direct logits() call on the finished sequences.
      const seqs = prompts.map((p, r) => [...p, ...cached.tokens[r]]);
      const direct = tf.tidy(() => model.logits(tf.tensor2d(seqs.flat(), [seqs.length, seqs[0].length], 'int32'), memory));
      const values = await direct.data();
      direct.dispose();
      const T = seqs[0].length;
      for (let r = 0; r < seqs.length; r++) {
        for (let i = 0; i < cached.tokens[r].length; i++) {
          const pos = prompts[r].length - 1 + i;
          expectClose(cached.logits![r][i], values.subarray((r * T + pos) * V, (r * T + pos + 1) * V), 1e-4, 0, `direct row ${r} pos ${pos}`);
        }
      }
    });

    it('beam search (cache reordered between steps) and sampling agree with recompute', async () => {
      const beam = { maxNewTokens: 5, strategy: 'beam' as const, beamWidth: 3, stopTokens: [0], memory };
      const a = await expectNoLeak(() => generate(model, prompts, beam));
      const b = await expectNoLeak(() => generate(model, prompts, { ...beam, useCache: false }));
      expect(a.beams!.map((hs) => hs.map((h) => h.tokens))).toEqual(b.beams!.map((hs) => hs.map((h) => h.tokens)));
      expectClose(a.scores, b.scores, 1e-4, 0, 'beam scores');
      const sample = { maxNewTokens: 5, strategy: 'sample' as const, seed: 12, topP: 0.9, memory };
      const c = await expectNoLeak(() => generate(model, prompts, sample));
      const d = await expectNoLeak(() => generate(model, prompts, { ...sample, useCache: false }));
      expect(c.tokens).toEqual(d.tokens);
    });
  });
}
