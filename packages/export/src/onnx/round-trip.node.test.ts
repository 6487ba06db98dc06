/**
 * Round trip: a model exported to ONNX, loaded by onnxruntime-node (CPU) and
 * onnxruntime-web (wasm, in Node), against the tfjs model it came from, on
 * random inputs: encoder memory, CTC log-probs, decoder logits without a
 * cache (the whole sequence in one call, against tfjs logits()) and with one
 * (prefill + a cached step, against tfjs step()). The shipped models also
 * give the same greedy (and CTC) answers on held-out samples.
 *
 * Tolerances (max absolute difference; logits reach |16|, memory |10|,
 * log-probs −30): FLOAT_ATOL for float projections (measured ≤ 3e-5),
 * PACKED_ATOL for MatMulNBits (float32 compute, accuracy_level 0) against
 * tfjs-wasm's Int2MatMul, which accumulates in its own order (measured ≤ 6e-3
 * on log-probs, ≤ 3e-3 on logits; against tfjs-cpu ≤ 3e-4).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '@mobile-mm/core/backend';
import { createRenderer, makeTaskSample, type Renderer } from '@mobile-mm/synth';
import { IMAGE_SIZES, VisionLanguageModel, answer, loadModel, type ImageKind, type VisionLanguageConfig } from '@mobile-mm/vision';
import { quantizeModel } from '@mobile-mm/vision/quantize';
import { registerInt2Kernels } from '@mobile-mm/int2';
import { OnnxVisionModel, type OrtModule } from '../runtime/onnx-model.js';
import { exportOnnx, type OnnxExport } from './export-onnx.js';
import type { TargetBits } from './weights.js';

const FLOAT_ATOL = 1e-4;
const PACKED_ATOL = 1e-2;
const MODELS = new URL('../../../mobile-mm/models/', import.meta.url);

ortWeb.env.wasm.numThreads = 1;
const RUNTIMES: Record<'node' | 'web', OrtModule> = { node: ortNode as unknown as OrtModule, web: ortWeb as unknown as OrtModule };

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** A config covering the other code paths: RMSNorm, SwiGLU, 3×3 stem mixing, grid text tokens, plain positions, an untied LM head. */
function variantModel(): VisionLanguageModel {
  const base = VisionLanguageModel.fromPreset('tiny');
  const config: VisionLanguageConfig = {
    ...base.config,
    encoder: { ...base.config.encoder, dim: 32, stemDim: 16, numLayers: 1, numHeads: 2, norm: 'rms', ff: 'swiglu', stemConv: true, memoryPositions: false },
    decoder: { ...base.config.decoder, dim: 32, numLayers: 1, numHeads: 2, norm: 'rms', ff: 'swiglu', tieEmbeddings: false },
  };
  const m = new VisionLanguageModel(config, base.tokenizer);
  base.dispose();
  return m;
}

interface Case {
  name: string;
  make: () => Promise<VisionLanguageModel>;
  bits: TargetBits;
  atol: number;
  op?: 'matmulnbits' | 'dequantize';
}

const CASES: Case[] = [
  { name: 'random tinyAux (fp32)', make: async () => VisionLanguageModel.fromPreset('tinyAux'), bits: 'keep', atol: FLOAT_ATOL },
  { name: 'random variant: rms, swiglu, stem conv, untied head (fp32)', make: async () => variantModel(), bits: 'keep', atol: FLOAT_ATOL },
  {
    name: 'random tinyAux quantized to int4 (RTN)',
    make: async () => {
      const m = VisionLanguageModel.fromPreset('tinyAux');
      quantizeModel(m, { bits: 4 });
      return m;
    },
    bits: 'keep',
    atol: PACKED_ATOL,
  },
  { name: 'tiny-fp32', make: async () => (await loadModel(new URL('tiny-fp32/', MODELS))).model, bits: 'keep', atol: FLOAT_ATOL },
  { name: 'tiny-int2 (MatMulNBits bits 2)', make: async () => (await loadModel(new URL('tiny-int2/', MODELS))).model, bits: 'keep', atol: PACKED_ATOL },
  { name: 'tiny-int2 widened to bits 4', make: async () => (await loadModel(new URL('tiny-int2/', MODELS))).model, bits: 4, atol: PACKED_ATOL },
  { name: 'tiny-int2 widened to bits 8', make: async () => (await loadModel(new URL('tiny-int2/', MODELS))).model, bits: 8, atol: PACKED_ATOL },
  { name: 'tiny-int2, codes dequantized in the graph (folded at load)', make: async () => (await loadModel(new URL('tiny-int2/', MODELS))).model, bits: 'keep', atol: PACKED_ATOL, op: 'dequantize' },
];

beforeAll(async () => {
  await setupBackend('wasm');
  registerInt2Kernels();
});

describe.each(CASES)('ONNX round trip: $name', ({ make, bits, atol, op }) => {
  let model: VisionLanguageModel;
  let ex: OnnxExport;
  const runners: Partial<Record<'node' | 'web', OnnxVisionModel>> = {};

  beforeAll(async () => {
    model = await make();
    ex = await exportOnnx(model, { bits, op });
    for (const [rt, ort] of Object.entries(RUNTIMES)) {
      runners[rt as 'node' | 'web'] = await OnnxVisionModel.create(ort, { config: { onnx: ex.config }, tokenizer: model.tokenizer.toJSON(), file: async (f) => ex.files.get(f)! });
    }
  });
  afterAll(async () => {
    for (const r of Object.values(runners)) await r.release();
    model.dispose();
  });

  for (const rt of ['node', 'web'] as const) {
    it(`${rt}: encoder memory and CTC log-probs on random images`, async () => {
      for (const kind of ['scene', 'text'] as ImageKind[]) {
        const [h, w] = IMAGE_SIZES[kind];
        const images = tf.randomUniform([2, h, w, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
        const memory = model.encode(images, kind);
        const got = await runners[rt]!.encode((await images.data()) as Float32Array, 2, kind);
        expect(got.dims).toEqual(memory.shape);
        expect(maxAbsDiff(got.memory, await memory.data())).toBeLessThan(atol);
        if (kind === 'text' && model.ctcHead) {
          const logp = tf.tidy(() => model.ctcHead!.forward(memory));
          expect(got.ctc).not.toBeNull();
          expect(maxAbsDiff(got.ctc!.data, await logp.data())).toBeLessThan(atol);
          logp.dispose();
        } else expect(got.ctc).toBeNull();
        tf.dispose([images, memory]);
      }
    });

    it(`${rt}: decoder logits without a cache, and with one (prefill + cached steps)`, async () => {
      const images = tf.randomUniform([2, 64, 64, 3], 0, 1, 'float32', 8) as tf.Tensor4D;
      const memory = model.encode(images, 'scene');
      const mem = { data: (await memory.data()) as Float32Array, dims: memory.shape as [number, number, number] };
      const seq = [
        [1, 4, 9, 12, 3, 20, 21],
        [1, 5, 6, 13, 3, 22, 23],
      ];
      const r = runners[rt]!;
      // Without a cache: the whole sequence in one call, against logits().
      const ids = tf.tensor2d(seq, [2, 7], 'int32');
      const full = model.forward(ids, memory);
      const whole = await r.step(seq, null, mem);
      expect(maxAbsDiff(whole.logits, await full.data())).toBeLessThan(atol);
      // With a cache: prefill 5 tokens, then two cached single-token steps, against step().
      const prefillIds = tf.tensor2d(seq.map((s) => s.slice(0, 5)), [2, 5], 'int32');
      let ours = model.decoder.step(prefillIds, null, memory);
      let theirs = await r.step(seq.map((s) => s.slice(0, 5)), null, mem);
      expect(maxAbsDiff(theirs.logits, await ours.logits.data())).toBeLessThan(atol);
      for (const t of [5, 6]) {
        const next = tf.tensor2d(seq.map((s) => [s[t]]), [2, 1], 'int32');
        ours.logits.dispose();
        ours = model.decoder.step(next, ours.cache, null);
        theirs = await r.step(seq.map((s) => [s[t]]), theirs.cache, null);
        expect(maxAbsDiff(theirs.logits, await ours.logits.data())).toBeLessThan(atol);
        // The cached step reproduces the no-cache logits of position t.
        const V = model.config.vocabSize;
        const row = (b: number) => whole.logits.subarray((b * 7 + t) * V, (b * 7 + t + 1) * V);
        expect(maxAbsDiff(theirs.logits.subarray(0, V), row(0))).toBeLessThan(atol);
        next.dispose();
      }
      ours.logits.dispose();
      ours.cache.dispose();
      tf.dispose([images, memory, ids, full, prefillIds]);
    });
  }
});

describe('ONNX greedy answers on held-out samples match answer()', () => {
  let renderer: Renderer;
  beforeAll(async () => {
    renderer = await createRenderer();
  });

  for (const name of ['tiny-fp32', 'tiny-int2']) {
    it(`${name}: caption, OCR (decoder and CTC) and VQA, onnxruntime-node and -web`, async () => {
      const { model } = await loadModel(new URL(`${name}/`, MODELS));
      const ex = await exportOnnx(model, { bits: 'keep' });
      try {
        for (const ort of Object.values(RUNTIMES)) {
          const r = await OnnxVisionModel.create(ort, { config: { onnx: ex.config }, tokenizer: model.tokenizer.toJSON(), file: async (f) => ex.files.get(f)! });
          for (const task of ['caption', 'ocr', 'vqa'] as const) {
            const samples = [0, 1, 2, 3].map((k) => makeTaskSample(renderer, 'heldout', task, k));
            const prompts = task === 'vqa' ? samples.map((s) => s.prompt) : undefined;
            const images = samples.map((s) => s.image);
            const ours = await answer(model, images, task, prompts);
            const theirs = await r.answer(images, task, prompts);
            expect(theirs.map((a) => a.text)).toEqual(ours.answers.map((a) => a.text));
            expect(theirs.map((a) => a.tokens)).toEqual(ours.answers.map((a) => a.tokens));
            if (task === 'ocr') {
              const ctcOurs = await answer(model, images, 'ocr', undefined, { decoding: 'ctc' });
              const ctcTheirs = await r.answer(images, 'ocr', undefined, { decoding: 'ctc' });
              expect(ctcTheirs.map((a) => a.text)).toEqual(ctcOurs.answers.map((a) => a.text));
            }
          }
          await r.release();
        }
      } finally {
        model.dispose();
      }
    });
  }
});
