/** Samples, task samples and the training stream: shapes, mix, curriculum, resume. */
import { beforeAll, describe, expect, it } from 'vitest';
import { isMobileMMError } from '@mobile-mm/core';
import { testRenderer } from './__fixtures__/renderer.js';
import type { Renderer } from './render.js';
import { makeSample, makeTaskSample, sampleSpec, toTaskSample, toTaskSamples } from './sample.js';
import type { SceneGraph } from './scene.js';
import { drawTask, taskBatches, taskSamples } from './stream.js';

let renderer: Renderer;
beforeAll(async () => {
  renderer = await testRenderer();
});

describe('samples', () => {
  it('makeSample gives the image, the graph and the answers of sample i', async () => {
    const scene = await makeSample('val', 10, { renderer });
    expect(scene.kind).toBe('scene');
    expect([scene.image.width, scene.image.height]).toEqual([64, 64]);
    expect(scene.caption).toMatch(/^a (small|large) .*\.$/);
    expect(scene.vqa.length).toBeGreaterThanOrEqual(4);
    expect(scene.ocr).toBeUndefined();
    const text = await makeSample('val', 11, { renderer });
    expect(text.kind).toBe('text');
    expect([text.image.width, text.image.height]).toEqual([128, 32]);
    expect(text.ocr).toBe(text.scene.kind === 'text' ? text.scene.text : '');
    expect(text.vqa).toEqual([]);
  });

  it('task samples: caption and vqa from scenes, ocr from text lines', async () => {
    const scene = await makeSample('train', 4, { renderer });
    const [cap, vqa] = toTaskSamples(scene);
    expect(cap).toMatchObject({ task: 'caption', prompt: 'caption', answer: scene.caption, index: 4, split: 'train' });
    expect(vqa.task).toBe('vqa');
    expect(vqa).toMatchObject({ prompt: scene.vqa[scene.vqaPick].question, answer: scene.vqa[scene.vqaPick].answer });
    expect(vqa.templateId).toBe(scene.vqa[scene.vqaPick].templateId);
    expect(cap.image).toBe(scene.image);
    const [ocr] = toTaskSamples(await makeSample('train', 5, { renderer }));
    expect(ocr).toMatchObject({ task: 'ocr', prompt: 'ocr', index: 5 });
    expect(ocr.answer).toMatch(/^[A-Z0-9 ]{1,14}$/);
    expect(() => toTaskSample(scene, 'ocr')).toThrow(/ocr needs a text sample/);
    expect(makeTaskSample(renderer, 'train', 'ocr', 2).index).toBe(5);
    expect(makeTaskSample(renderer, 'train', 'vqa', 2).index).toBe(4);
  });

  it('limits reach the sample', () => {
    for (let i = 0; i < 200; i += 2) expect((sampleSpec('train', i, { maxObjects: 2 }).scene as SceneGraph).objects.length).toBeLessThanOrEqual(2);
  });
});

describe('training stream', () => {
  it('yields full batches following the task mix', async () => {
    const stream = taskBatches({ renderer, batchSize: 50, mix: { caption: 2, ocr: 1, vqa: 1 } });
    const counts: Record<string, number> = { caption: 0, ocr: 0, vqa: 0 };
    for (let b = 0; b < 20; b++) {
      const { value } = await stream.next();
      expect(value.length).toBe(50);
      for (const s of value) {
        counts[s.task]++;
        expect(s.image.width * s.image.height).toBe(s.task === 'ocr' ? 128 * 32 : 64 * 64);
      }
    }
    // 1000 draws: caption p = ½, ocr and vqa ¼ each; 4.5 sd bounds.
    expect(Math.abs(counts.caption - 500)).toBeLessThan(4.5 * Math.sqrt(1000 * 0.25));
    expect(Math.abs(counts.ocr - 250)).toBeLessThan(4.5 * Math.sqrt(1000 * 0.1875));
    expect(Math.abs(counts.vqa - 250)).toBeLessThan(4.5 * Math.sqrt(1000 * 0.1875));
  });

  it('a zero weight turns a task off; unknown tasks and bad weights are rejected', () => {
    const it = taskSamples(renderer, { mix: { vqa: 1 } });
    for (let i = 0; i < 50; i++) expect(it.next().value.task).toBe('vqa');
    for (const mix of [{ caption: -1 }, { caption: 0 }, { detect: 1 } as never, { ocr: Number.NaN }]) {
      try {
        taskSamples(renderer, { mix }).next();
        expect.unreachable();
      } catch (e) {
        expect(isMobileMMError(e, 'INVALID_CONFIG')).toBe(true);
        expect((e as Error).message).toMatch(/mix/);
      }
    }
  });

  it('the curriculum is asked per batch and its limits apply', async () => {
    const asked: number[] = [];
    const stream = taskBatches({
      renderer,
      batchSize: 40,
      mix: { caption: 1, ocr: 1 },
      curriculum: ({ batch }) => {
        asked.push(batch);
        return batch < 2 ? { maxObjects: 1, maxTextChars: 4 } : undefined;
      },
    });
    for (let b = 0; b < 3; b++) {
      const { value } = await stream.next();
      const objects = value.filter((s) => s.task === 'caption').map((s) => s.answer.split(' at the ').length - 1);
      const chars = value.filter((s) => s.task === 'ocr').map((s) => s.answer.length);
      if (b < 2) {
        expect(Math.max(...objects)).toBe(1);
        expect(Math.max(...chars)).toBeLessThanOrEqual(4);
      } else {
        expect(Math.max(...objects)).toBeGreaterThan(1);
        expect(Math.max(...chars)).toBeGreaterThan(4);
      }
    }
    expect(asked).toEqual([0, 1, 2]);
  });

  it('is deterministic and resumes exactly from `start`', async () => {
    const a = taskBatches({ renderer, batchSize: 8 });
    const first = (await a.next()).value;
    const second = (await a.next()).value;
    const again = (await taskBatches({ renderer, batchSize: 8 }).next()).value;
    const resumed = (await taskBatches({ renderer, batchSize: 8, start: 8 }).next()).value;
    const strip = (xs: typeof first) => xs.map((s) => [s.task, s.prompt, s.answer, s.index, Array.from(s.image.data.slice(0, 64))]);
    expect(strip(again)).toEqual(strip(first));
    expect(strip(resumed)).toEqual(strip(second));
    // Draw j uses image 2j or 2j + 1: no image twice.
    const indices = [...first, ...second].map((s) => s.index);
    expect(new Set(indices.map((i) => i >> 1)).size).toBe(16);
    expect(drawTask('train', 3, [1, 1, 1])).toBe(first[3].task);
  });
});
