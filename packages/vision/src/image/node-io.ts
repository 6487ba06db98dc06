/** Reading an image file in Node. fs is loaded only here, behind importHidden. */
import { localText } from '@mobile-mm/core';
import { FILE_NOT_FOUND, imageError } from './errors.js';
import { checkBytes, type ResolvedLimits } from './limits.js';
import { importHidden } from './node-import.js';

type Fs = typeof import('node:fs/promises');

function notReadable(path: string, e: unknown): Error {
  const code = (e as { code?: string } | undefined)?.code;
  const shown = JSON.stringify(path);
  const message =
    code === 'ENOENT' || code === 'ENOTDIR'
      ? localText('image.fileNotFound', { path: shown })
      : localText('image.fileUnreadable', { path: shown, reason: code ?? String(e) });
  return imageError(FILE_NOT_FOUND, message, { path, cause: code });
}

/** Reads a whole file after checking its size against limits.maxBytes. */
export async function readImageFile(path: string, limits: ResolvedLimits): Promise<Uint8Array> {
  const fs = await importHidden<Fs>('node:fs/promises');
  let size: number;
  try {
    const st = await fs.stat(path);
    if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'not a regular file' });
    size = st.size;
  } catch (e) {
    throw notReadable(path, e);
  }
  checkBytes(size, limits, `image file ${JSON.stringify(path)}`);
  let buf: Uint8Array;
  try {
    buf = await fs.readFile(path);
  } catch (e) {
    throw notReadable(path, e);
  }
  checkBytes(buf.length, limits, `image file ${JSON.stringify(path)}`); // it may have grown since stat
  return buf;
}
