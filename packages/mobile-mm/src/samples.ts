/**
 * The bundled sample images (`samples/`, written by scripts/make-samples.ts):
 * three scenes and three text lines from the SynthScenes held-out split, with
 * their ground truth in samples.json. Node only (read from the package folder).
 */
import { MobileMMError, importNodeBuiltin } from '@mobile-mm/core';

export interface SampleEntry {
  /** PNG file name inside samples/. */
  file: string;
  kind: 'scene' | 'text';
  /** Sample index in the split. */
  index: number;
  /** Scenes: the reference caption. */
  caption?: string;
  /** Scenes: the question the split asks about this scene, and its answer. */
  vqa?: { question: string; answer: string; templateId: string };
  /** Text lines: the exact text. */
  ocr?: string;
}

export interface SamplesFile {
  spec: string;
  split: string;
  samples: SampleEntry[];
}

/** The samples folder (a file: URL). */
export const SAMPLES_DIR = new URL('../samples/', import.meta.url);

export async function readSamples(dir: URL = SAMPLES_DIR): Promise<{ file: SamplesFile; path: (name: string) => string }> {
  const fs = await importNodeBuiltin<typeof import('node:fs/promises')>('fs/promises');
  const { fileURLToPath } = await importNodeBuiltin<typeof import('node:url')>('url');
  const where = new URL('samples.json', dir);
  let file: SamplesFile;
  try {
    file = JSON.parse(await fs.readFile(where, 'utf8')) as SamplesFile;
  } catch (e) {
    throw new MobileMMError('FILE_NOT_FOUND', `samples: cannot read ${fileURLToPath(where)} (${(e as Error).message}); regenerate with \`npm run samples -w mobile-mm\`.`, {
      file: fileURLToPath(where),
    });
  }
  return { file, path: (name: string) => fileURLToPath(new URL(name, dir)) };
}
