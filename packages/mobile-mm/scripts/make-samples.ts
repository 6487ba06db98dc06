/**
 * Writes the bundled samples: the first three scenes and the first three text
 * lines of the SynthScenes v1 held-out split (seeds never used in training),
 * as PNG files, and samples.json with each one's ground truth: the caption and
 * the VQA pair the split draws for a scene, the exact text for a line. The
 * first ones, not picked ones: the demo shows the model as it is.
 *
 *   npm run samples -w mobile-mm
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { SPEC_VERSION, createRenderer, makeTaskSample } from '@mobile-mm/synth';
import { encodePng } from '@mobile-mm/synth/node';
import type { SampleEntry, SamplesFile } from '../src/samples.js';

const COUNT = 3;
const SPLIT = 'heldout';
const dir = new URL('../samples/', import.meta.url);

const renderer = await createRenderer();
await mkdir(dir, { recursive: true });
const samples: SampleEntry[] = [];
for (let k = 0; k < COUNT; k++) {
  const caption = makeTaskSample(renderer, SPLIT, 'caption', k);
  const vqa = makeTaskSample(renderer, SPLIT, 'vqa', k); // the same scene (sample 2k)
  const file = `scene-${k}.png`;
  await writeFile(new URL(file, dir), encodePng(caption.image));
  samples.push({
    file,
    kind: 'scene',
    index: caption.index,
    caption: caption.answer,
    vqa: { question: vqa.prompt, answer: vqa.answer, templateId: vqa.templateId! },
  });
}
for (let k = 0; k < COUNT; k++) {
  const ocr = makeTaskSample(renderer, SPLIT, 'ocr', k);
  const file = `text-${k}.png`;
  await writeFile(new URL(file, dir), encodePng(ocr.image));
  samples.push({ file, kind: 'text', index: ocr.index, ocr: ocr.answer });
}
const out: SamplesFile = { spec: SPEC_VERSION, split: SPLIT, samples };
await writeFile(new URL('samples.json', dir), `${JSON.stringify(out, null, 2)}\n`);
console.log(`wrote ${samples.length} samples to ${fileURLToPath(dir)}`);
