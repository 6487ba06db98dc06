/**
 * MobileMultiModalLLM on webgpu in headless Chromium (the browser-webgpu
 * project; SwiftShader's WebGPU adapter, software), against wasm in the same
 * page: the bundled model (int2 when it ships, so Int2MatMul runs on webgpu)
 * loads over HTTP, answers held-out VQA, and webgpu and wasm mostly agree.
 * Skips, naming the reason, where navigator.gpu gives no adapter.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeBackends, probeWebgpu, WEBGPU_ENV } from '@mobile-mm/core/test-utils';
import { createRenderer, exactMatchRate, makeTaskSample, type Renderer } from '@mobile-mm/synth';
import { MobileMultiModalLLM } from './facade.js';
import { bundledModelUrl, modelExists } from './model-dir.js';

const GPU = await probeWebgpu();
const N_VQA = 24;
/** The OCR font, served by Vite from the repository's node_modules (as the webgl suite does). */
const FONT_URL = new URL('../../../node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf', import.meta.url).href;

describe.skipIf(!GPU.available)(`MobileMultiModalLLM on webgpu${GPU.available ? '' : ` (skipped: ${GPU.reason})`}`, () => {
  let renderer: Renderer;
  let hasInt2 = false;
  const answersBy = new Map<string, string[]>();
  beforeAll(async () => {
    renderer = await createRenderer({ font: FONT_URL });
    hasInt2 = await modelExists(bundledModelUrl('int2'));
  });

  describeBackends(
    'MobileMultiModalLLM',
    (env) => {
      let mm: MobileMultiModalLLM;
      beforeAll(async () => {
        mm = await MobileMultiModalLLM.create({ backend: env.backend });
      });
      afterAll(() => mm.dispose());

      it('loads the bundled model over HTTP and answers held-out VQA, a caption and OCR, leaving no tensors', async () => {
        const variant = hasInt2 ? 'int2' : 'fp32';
        expect(mm.health()).toMatchObject({ ok: true, backend: env.backend, variant, profile: 'balanced' });
        const before = tf.memory().numTensors;
        const preds: string[] = [];
        const refs: string[] = [];
        for (let k = 0; k < N_VQA; k++) {
          const s = makeTaskSample(renderer, 'heldout', 'vqa', k);
          preds.push((await mm.vqa(s.image, s.prompt)).text);
          refs.push(s.answer);
        }
        answersBy.set(env.name, preds);
        const acc = exactMatchRate(preds, refs);
        console.log(`[${env.name}] browser held-out VQA ${acc.toFixed(3)} (n=${N_VQA}, ${variant})`);
        expect(acc).toBeGreaterThanOrEqual(0.35); // the webgl suite's floor on the same 24
        const cap = await mm.caption(makeTaskSample(renderer, 'heldout', 'caption', 0).image);
        expect(cap.text).toMatch(/^a (small|large) .*\.$/);
        const ocr = await mm.ocr(makeTaskSample(renderer, 'heldout', 'ocr', 0).image);
        expect(ocr.text).toMatch(/^[A-Z0-9 ]*$/);
        expect(tf.memory().numTensors, 'leaked tensors').toBe(before);
      });
    },
    { envs: [WEBGPU_ENV, { name: 'wasm', backend: 'wasm' }] },
  );

  it('webgpu and wasm give the same answers', () => {
    const [a, b] = [answersBy.get('webgpu')!, answersBy.get('wasm')!];
    expect(a.filter((x, i) => x === b[i]).length).toBeGreaterThanOrEqual(0.9 * N_VQA);
  });
});
