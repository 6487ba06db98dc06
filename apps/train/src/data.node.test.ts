/**
 * Auxiliary targets built from the generator: scene-cell classes checked
 * against the caption text (an independent rendering of the same scene
 * graph), CTC labels against the OCR string, and the terms' weights.
 */
import { beforeAll, expect, it } from 'vitest';
import { setupBackend } from '@mobile-mm/core/backend';
import { COLORS, POSITIONS, SHAPES, SIZES, createRenderer, type Renderer } from '@mobile-mm/synth';
import { VisionLanguageModel } from '@mobile-mm/vision';
import { drawSamples } from './step.js';
import { cellLabels, disposeBatch, makeBatch } from './data.js';

let renderer: Renderer;
beforeAll(async () => {
  await setupBackend('cpu');
  renderer = await createRenderer();
});

it('cell labels match the objects the caption names, cell by cell', () => {
  const samples = drawSamples(renderer, { start: 0, count: 40, mix: { caption: 1 }, lossWeights: {} });
  const labels = cellLabels(samples);
  samples.forEach((s, i) => {
    const want = new Array<number>(9).fill(0);
    // "a large red circle at the top left, ... and ... ." → (size, color, shape, position) per phrase
    for (const m of s.answer.matchAll(/a (small|large) (red|green|blue|yellow) (circle|square|triangle) at the ([a-z ]+?)(?=,| and |\.)/g)) {
      const cell = POSITIONS.indexOf(m[4] as (typeof POSITIONS)[number]);
      expect(cell, m[4]).toBeGreaterThanOrEqual(0);
      want[cell] = 1 + (SHAPES.indexOf(m[3] as never) * COLORS.length + COLORS.indexOf(m[2] as never)) * SIZES.length + SIZES.indexOf(m[1] as never);
    }
    expect(Array.from(labels.subarray(i * 9, i * 9 + 9)), s.answer).toEqual(want);
  });
});

it('a mixed batch carries CTC labels for its OCR rows and cell labels for its scene rows, weighted by task share', () => {
  const model = VisionLanguageModel.fromPreset('tinyAux');
  const samples = drawSamples(renderer, { start: 0, count: 12, mix: { caption: 1, ocr: 1, vqa: 1 }, lossWeights: {} });
  const tasks = new Set(samples.map((s) => s.task));
  expect(tasks.size).toBe(3);
  const batch = makeBatch(model, samples, { ocr: 2 });
  const ocr = samples.filter((s) => s.task === 'ocr');
  const chars = model.tokenizer.chars;
  expect(batch.ctc!.labels.map((l) => l.map((c) => chars[c - 1]).join(''))).toEqual(ocr.map((s) => s.answer));
  expect(batch.ctc!.weight).toBeCloseTo(2 / 4, 6);
  expect(batch.cells!.labels.length).toBe(9 * (samples.length - ocr.length));
  expect(batch.cells!.weight).toBeCloseTo(2 / 4, 6);
  disposeBatch(batch);
  model.dispose();
});
