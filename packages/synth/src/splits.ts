/**
 * Fixed splits on disk (Node only; exported from `@mobile-mm/synth/node`).
 *
 * Folder layout written by writeSplit(dir, {split, perTask: n}):
 *   images/<index>.png   RGB PNG of sample <index> (7-digit, zero-padded)
 *   samples.jsonl        one task sample per line:
 *                        {"file","task","prompt","answer","templateId"?,"index"}
 *   meta.json            spec version, split, perTask, seed scheme
 * It renders samples 0 .. 2n−1 of the split: scene 2k gives the k-th caption
 * and the k-th vqa line, text line 2k + 1 the k-th ocr line (sample.ts), so a
 * folder holds exactly n samples per task, and the same n gives the same
 * folder on every machine (pixels up to the renderer's anti-aliasing).
 *
 * readSplit(dir) yields the same task samples back. PNG width and height are
 * read from the IHDR header and checked before decoding (pngjs has no limit).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PNG } from 'pngjs';
import { MobileMMError } from '@mobile-mm/core';
import type { TemplateId } from './language.js';
import type { Renderer, RenderedImage } from './render.js';
import { checkSplit, type Split } from './rng.js';
import { renderSample, sampleSpec, sharedRenderer, toTaskSamples, type Task, type TaskSample } from './sample.js';
import { SCENE_HEIGHT, SCENE_WIDTH, SPEC_VERSION, TEXT_HEIGHT, TEXT_WIDTH } from './vocab.js';

export const SAMPLES_FILE = 'samples.jsonl';
export const META_FILE = 'meta.json';

/** One line of samples.jsonl. */
export interface SplitLine {
  /** Relative to the split folder, '/'-separated. */
  file: string;
  task: Task;
  prompt: string;
  answer: string;
  templateId?: TemplateId;
  /** Sample index of the image in its split; absent in hand-made folders. */
  index?: number;
}

export interface SplitMeta {
  spec: string;
  split: Split;
  perTask: number;
  images: number;
  lines: number;
  seeds: string;
}

export interface SplitSample extends TaskSample {
  file: string;
}

export interface WriteSplitOptions {
  split: Split;
  /** Task samples per task (the spec asks for ≥ 1,000 in reported figures). */
  perTask: number;
  renderer?: Renderer;
}

export function encodePng(image: RenderedImage): Buffer {
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return PNG.sync.write(png, { colorType: 2 });
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const ALLOWED_SIZES = [
  [SCENE_WIDTH, SCENE_HEIGHT],
  [TEXT_WIDTH, TEXT_HEIGHT],
];

/** Decodes a SynthScenes PNG after checking its header says 64×64 or 128×32. */
export function decodePng(bytes: Buffer, name = 'png'): RenderedImage {
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE) || bytes.toString('latin1', 12, 16) !== 'IHDR') {
    throw new MobileMMError('INVALID_ARGUMENT', `${name}: not a PNG file`);
  }
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  if (!ALLOWED_SIZES.some(([w, h]) => w === width && h === height)) {
    throw new MobileMMError('INVALID_SHAPE', `${name}: ${width}×${height} image; accepted: 64×64 scenes or 128×32 text lines`, { width, height });
  }
  const png = PNG.sync.read(bytes);
  const data = new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.byteLength);
  return { data, width, height };
}

function imageFile(index: number): string {
  return `images/${String(index).padStart(7, '0')}.png`;
}

/** Writes `perTask` samples per task of `split` into `dir`; returns the meta record. */
export async function writeSplit(dir: string, options: WriteSplitOptions): Promise<SplitMeta> {
  checkSplit(options.split);
  const { split, perTask } = options;
  if (!Number.isInteger(perTask) || perTask < 1) {
    throw new MobileMMError('INVALID_CONFIG', `perTask: got ${perTask}; accepted: an integer ≥ 1`, { field: 'perTask' });
  }
  const renderer = options.renderer ?? (await sharedRenderer());
  await mkdir(path.join(dir, 'images'), { recursive: true });
  const lines: string[] = [];
  for (let index = 0; index < 2 * perTask; index++) {
    const sample = renderSample(renderer, sampleSpec(split, index));
    const file = imageFile(index);
    await writeFile(path.join(dir, file), encodePng(sample.image));
    for (const t of toTaskSamples(sample)) {
      const templateId = t.templateId !== undefined ? { templateId: t.templateId } : {};
      const line: SplitLine = { file, task: t.task, prompt: t.prompt, answer: t.answer, ...templateId, index };
      lines.push(JSON.stringify(line));
    }
  }
  await writeFile(path.join(dir, SAMPLES_FILE), lines.join('\n') + '\n');
  const meta: SplitMeta = {
    spec: SPEC_VERSION,
    split,
    perTask,
    images: 2 * perTask,
    lines: lines.length,
    seeds: `samples 0..${2 * perTask - 1} of split '${split}' (seed = (split tag, index), see rng.ts)`,
  };
  await writeFile(path.join(dir, META_FILE), JSON.stringify(meta, null, 2) + '\n');
  return meta;
}

function parseLine(text: string, lineNo: number, where: string): SplitLine {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new MobileMMError('INVALID_ARGUMENT', `${where}:${lineNo}: not JSON`);
  }
  const o = v as Partial<SplitLine>;
  const ok =
    typeof o === 'object' &&
    o !== null &&
    typeof o.file === 'string' &&
    (o.task === 'caption' || o.task === 'ocr' || o.task === 'vqa') &&
    typeof o.prompt === 'string' &&
    typeof o.answer === 'string' &&
    (o.task !== 'vqa' || typeof o.templateId === 'string');
  if (!ok) {
    throw new MobileMMError('INVALID_ARGUMENT', `${where}:${lineNo}: accepted: {file, task: caption|ocr|vqa, prompt, answer, templateId (vqa)}`);
  }
  const file = o.file!;
  if (path.isAbsolute(file) || file.split('/').includes('..')) {
    throw new MobileMMError('INVALID_ARGUMENT', `${where}:${lineNo}: file ${JSON.stringify(file)} leaves the split folder`);
  }
  return o as SplitLine;
}

/** Yields the task samples of a folder written by writeSplit, in file order. */
export async function* readSplit(dir: string, options: { split?: Split } = {}): AsyncGenerator<SplitSample> {
  const where = path.join(dir, SAMPLES_FILE);
  let text: string;
  try {
    text = await readFile(where, 'utf8');
  } catch {
    throw new MobileMMError('FILE_NOT_FOUND', `${where}: no such file; accepted: a folder written by writeSplit`);
  }
  let split = options.split;
  if (split === undefined) {
    try {
      split = (JSON.parse(await readFile(path.join(dir, META_FILE), 'utf8')) as SplitMeta).split;
    } catch {
      split = 'heldout';
    }
  }
  let cachedFile = '';
  let cached: RenderedImage | null = null;
  const rows = text.split('\n');
  for (let i = 0; i < rows.length; i++) {
    if (rows[i].trim() === '') continue;
    const line = parseLine(rows[i], i + 1, where);
    if (cached === null || cachedFile !== line.file) {
      cached = decodePng(await readFile(path.join(dir, line.file)), line.file);
      cachedFile = line.file;
    }
    const sample: SplitSample = {
      task: line.task,
      image: cached,
      prompt: line.prompt,
      answer: line.answer,
      split,
      lang: 'en',
      index: line.index ?? -1,
      file: line.file,
    };
    if (line.templateId !== undefined) sample.templateId = line.templateId;
    yield sample;
  }
}
