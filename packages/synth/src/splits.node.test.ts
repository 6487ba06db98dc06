/** Fixed splits on disk: write → read gives back the same task samples and pixels. */
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMobileMMError } from '@mobile-mm/core';
import { testRenderer } from './__fixtures__/renderer.js';
import type { Renderer } from './render.js';
import { renderSample, sampleSpec, toTaskSamples } from './sample.js';
import { decodePng, encodePng, readSplit, writeSplit, type SplitSample } from './splits.js';

let renderer: Renderer;
let dir: string;
const PER_TASK = 40;

beforeAll(async () => {
  renderer = await testRenderer();
  dir = await mkdtemp(path.join(tmpdir(), 'synth-split-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect(gen: AsyncGenerator<SplitSample>): Promise<SplitSample[]> {
  const out: SplitSample[] = [];
  for await (const s of gen) out.push(s);
  return out;
}

describe('splits on disk', () => {
  it('round trip: every line and every pixel comes back', async () => {
    const meta = await writeSplit(dir, { split: 'heldout', perTask: PER_TASK, renderer });
    expect(meta).toMatchObject({ spec: 'synthscenes-v1', split: 'heldout', perTask: PER_TASK, images: 2 * PER_TASK, lines: 3 * PER_TASK });
    const read = await collect(readSplit(dir));
    expect(read.length).toBe(3 * PER_TASK);
    const want = [];
    for (let i = 0; i < 2 * PER_TASK; i++) want.push(...toTaskSamples(renderSample(renderer, sampleSpec('heldout', i))));
    for (const task of ['caption', 'ocr', 'vqa']) expect(read.filter((s) => s.task === task).length).toBe(PER_TASK);
    for (let k = 0; k < want.length; k++) {
      const [r, w] = [read[k], want[k]];
      expect({ task: r.task, prompt: r.prompt, answer: r.answer, templateId: r.templateId, index: r.index, split: r.split }).toEqual({
        task: w.task,
        prompt: w.prompt,
        answer: w.answer,
        templateId: w.templateId,
        index: w.index,
        split: 'heldout',
      });
      expect([r.image.width, r.image.height]).toEqual([w.image.width, w.image.height]);
      expect(Buffer.from(r.image.data).equals(Buffer.from(w.image.data)), `pixels of ${r.file}`).toBe(true);
    }
  });

  it('samples.jsonl holds file, task, prompt, answer, templateId (vqa only)', async () => {
    const rows = (await readFile(path.join(dir, 'samples.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(rows[0]).toEqual({ file: 'images/0000000.png', task: 'caption', prompt: 'caption', answer: rows[0].answer, index: 0 });
    expect(Object.keys(rows[1])).toEqual(['file', 'task', 'prompt', 'answer', 'templateId', 'index']);
    expect(rows[2]).toMatchObject({ file: 'images/0000001.png', task: 'ocr', prompt: 'ocr' });
  });

  it('PNGs are RGB, 8 bit', async () => {
    const png = await readFile(path.join(dir, 'images/0000000.png'));
    expect(png.readUInt32BE(16)).toBe(64);
    expect(png.readUInt32BE(20)).toBe(64);
    expect(png[24]).toBe(8); // bit depth
    expect(png[25]).toBe(2); // colour type: RGB
  });

  it('rejects a PNG whose header declares another size, before decoding', () => {
    const img = renderSample(renderer, sampleSpec('train', 0)).image;
    const png = encodePng(img);
    png.writeUInt32BE(40000, 16); // claims 40000×64: never decoded
    try {
      decodePng(png, 'huge.png');
      expect.unreachable();
    } catch (e) {
      expect(isMobileMMError(e, 'INVALID_SHAPE')).toBe(true);
      expect((e as Error).message).toContain('40000×64');
    }
    expect(() => decodePng(Buffer.from('not a png at all, really not'), 'x')).toThrow(/not a PNG/);
  });

  it('rejects manifest lines that leave the folder or miss fields', async () => {
    const bad = await mkdtemp(path.join(tmpdir(), 'synth-bad-'));
    try {
      await mkdir(path.join(bad, 'images'));
      await writeFile(path.join(bad, 'samples.jsonl'), JSON.stringify({ file: '../x.png', task: 'ocr', prompt: 'ocr', answer: 'A' }) + '\n');
      await expect(collect(readSplit(bad))).rejects.toThrow(/leaves the split folder/);
      await writeFile(path.join(bad, 'samples.jsonl'), JSON.stringify({ file: 'a.png', task: 'vqa', prompt: 'q', answer: 'a' }) + '\n');
      await expect(collect(readSplit(bad))).rejects.toThrow(/templateId/);
      await expect(collect(readSplit(path.join(bad, 'nope')))).rejects.toThrow(/no such file/);
    } finally {
      await rm(bad, { recursive: true, force: true });
    }
  });
});
