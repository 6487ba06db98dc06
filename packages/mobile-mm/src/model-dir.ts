/**
 * Where the bundled models live, and whether a model folder exists.
 *
 * The models ship inside this package (`models/tiny-<variant>/`). Their URL is
 * built relative to this module, so it resolves from `src/` and `dist/`
 * alike: a file: URL in Node; in a browser served unbundled (a dev server)
 * an http: URL next to the module. A production bundle moves modules, so
 * there pass `modelDir` (a URL to wherever the folder is served).
 */
import { importNodeBuiltin, isNode } from '@mobile-mm/core';
import type { Variant } from './config.js';

// Built from a variable so bundlers do not try to inline the folder as an asset.
const MODELS = '../models/';

/** The bundled model folder of `variant` (a URL ending in '/'). */
export function bundledModelUrl(variant: Variant): URL {
  return new URL(`${MODELS}tiny-${variant}/`, import.meta.url);
}

/** A folder as people read it: a path for file: URLs in Node, else the string. */
export async function displayLocation(dir: string | URL): Promise<string> {
  const text = dir instanceof URL ? dir.href : dir;
  if (isNode() && /^file:/i.test(text)) {
    const { fileURLToPath } = await importNodeBuiltin<typeof import('node:url')>('url');
    return fileURLToPath(text);
  }
  return text;
}

/** `file` inside `dir` (path or URL), as loadModel would read it. */
function inside(dir: string | URL, file: string): string | URL {
  if (dir instanceof URL) return new URL(file, dir.href.endsWith('/') ? dir : `${dir.href}/`);
  if (/^[a-z][a-z0-9+.-]*:/i.test(dir) && !/^[a-z]:[\\/]/i.test(dir)) return new URL(file, dir.endsWith('/') ? dir : `${dir}/`);
  return `${dir.replace(/[\\/]+$/, '')}/${file}`;
}

/** Whether `dir` holds a config.json: a stat in Node (paths and file: URLs), a HEAD request otherwise. */
export async function modelExists(dir: string | URL): Promise<boolean> {
  const config = inside(dir, 'config.json');
  const text = config instanceof URL ? config.href : config;
  if (isNode() && !/^(https?|data|blob):/i.test(text)) {
    const fs = await importNodeBuiltin<typeof import('node:fs/promises')>('fs/promises');
    try {
      const st = await fs.stat(/^file:/i.test(text) ? new URL(text) : text);
      return st.isFile();
    } catch {
      return false;
    }
  }
  try {
    const res = await fetch(text, { method: 'HEAD' });
    return res.ok;
  } catch {
    return false;
  }
}
