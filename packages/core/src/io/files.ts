/**
 * Getting bytes in and out, in Node and the browser.
 *
 * A string or URL is a file path or file: URL in Node (read with
 * fs/promises) and fetched otherwise (http:, https:, data:, blob: URLs; in the
 * browser every string, relative ones against the page). Node modules are
 * imported only on the Node path, through importNodeBuiltin, so browser
 * bundles never see them.
 *
 * A file that cannot be had (no such file, HTTP error, network failure) fails
 * with FILE_NOT_FOUND naming it.
 */
import { MobileMMError } from '../errors.js';
import { localText } from '../i18n/index.js';
import { importNodeBuiltin, isNode } from '../env.js';

/** Where bytes can come from. */
export type ByteSource = string | URL | ArrayBuffer | ArrayBufferView | Blob;

type Location = { kind: 'fs'; path: string } | { kind: 'fetch'; url: string };

const FETCH_SCHEMES = /^(https?|data|blob):/i;

async function locate(source: string | URL): Promise<Location> {
  const text = source instanceof URL ? source.href : source;
  if (!isNode()) return { kind: 'fetch', url: text };
  if (FETCH_SCHEMES.test(text)) return { kind: 'fetch', url: text };
  if (/^file:/i.test(text)) {
    const { fileURLToPath } = await importNodeBuiltin<typeof import('node:url')>('url');
    return { kind: 'fs', path: fileURLToPath(text) };
  }
  return { kind: 'fs', path: text };
}

function notFound(what: string, reason: string | null, details: Record<string, unknown> = {}): MobileMMError {
  const message = reason === null ? localText('file.notFound', { file: what }) : localText('file.unreadable', { file: what, reason });
  return new MobileMMError('FILE_NOT_FOUND', message, { file: what, ...details });
}

const MISSING_ERRNO = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

/** All bytes of `source`. Buffers and views are returned without copying. */
export async function readBytes(source: ByteSource): Promise<Uint8Array> {
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  if (typeof Blob !== 'undefined' && source instanceof Blob) return new Uint8Array(await source.arrayBuffer());
  if (typeof source !== 'string' && !(source instanceof URL)) {
    throw new MobileMMError(
      'INVALID_ARGUMENT',
      'readBytes: source must be a path, a URL, an ArrayBuffer, a typed array or a Blob.',
    );
  }
  const loc = await locate(source);
  if (loc.kind === 'fs') {
    const fs = await importNodeBuiltin<typeof import('node:fs/promises')>('fs/promises');
    try {
      const buf = await fs.readFile(loc.path);
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code && MISSING_ERRNO.has(code)) throw notFound(loc.path, null, { errno: code });
      throw e;
    }
  }
  let res: Response;
  try {
    res = await fetch(loc.url);
  } catch (e) {
    throw notFound(loc.url, `fetch failed (${(e as Error).message})`);
  }
  if (!res.ok) throw notFound(loc.url, `HTTP ${res.status} ${res.statusText}`.trim(), { status: res.status });
  return new Uint8Array(await res.arrayBuffer());
}

/** The text of `source`, decoded as UTF-8. */
export async function readText(source: ByteSource): Promise<string> {
  return new TextDecoder('utf-8').decode(await readBytes(source));
}

/** `file` inside the folder `dir` (a path in Node, a URL otherwise). */
export async function joinLocation(dir: string | URL, file: string): Promise<string> {
  const loc = await locate(dir);
  if (loc.kind === 'fs') {
    const path = await importNodeBuiltin<typeof import('node:path')>('path');
    return path.join(loc.path, file);
  }
  const base = loc.url.endsWith('/') ? loc.url : `${loc.url}/`;
  const page = (globalThis as { location?: { href: string } }).location?.href;
  return new URL(file, page === undefined ? base : new URL(base, page)).href;
}

/** Writes `data` to a file (Node only), creating missing parent folders. */
export async function writeBytes(path: string | URL, data: Uint8Array | string): Promise<string> {
  if (!isNode()) {
    throw new MobileMMError(
      'UNSUPPORTED',
      'Writing files needs Node.js; in the browser use encodeCheckpoint() / serializeSafetensors() and save the bytes yourself.',
    );
  }
  const loc = await locate(path);
  if (loc.kind !== 'fs') throw new MobileMMError('INVALID_ARGUMENT', `Cannot write to ${loc.url}: not a file path.`);
  const fs = await importNodeBuiltin<typeof import('node:fs/promises')>('fs/promises');
  const nodePath = await importNodeBuiltin<typeof import('node:path')>('path');
  await fs.mkdir(nodePath.dirname(loc.path), { recursive: true });
  await fs.writeFile(loc.path, data);
  return loc.path;
}
