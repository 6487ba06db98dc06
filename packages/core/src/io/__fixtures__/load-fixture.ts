/**
 * Test helper: the bytes of a file in this folder, in Node (fs) and in the
 * browser (fetched from the Vite server, which serves the repository).
 */
import { importNodeBuiltin, isNode } from '../../env.js';

/** URL of a fixture file (file: in Node, http: in the browser). */
export function fixtureUrl(name: string): URL {
  // Through a variable: Vite rewrites the literal `new URL(x, import.meta.url)`
  // pattern into an asset glob, which misses files in sub-folders.
  const here = import.meta.url;
  return new URL(name, here);
}

export async function fixtureBytes(name: string): Promise<Uint8Array> {
  const url = fixtureUrl(name);
  if (isNode()) {
    const fs = await importNodeBuiltin<typeof import('node:fs/promises')>('fs/promises');
    const buf = await fs.readFile(url);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`fixture ${name}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

export async function fixtureJson<T>(name: string): Promise<T> {
  return JSON.parse(new TextDecoder().decode(await fixtureBytes(name))) as T;
}
