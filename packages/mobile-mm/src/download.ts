/**
 * Downloading a model folder over HTTP (every folder in a browser, http(s)
 * URLs in Node): the checkpoint's three files are requested together, their
 * bytes counted as they arrive for a progress callback (a page's progress
 * bar), and failures typed:
 *
 *   HTTP 404 / 410                                → MODEL_NOT_FOUND
 *   any other HTTP error, a network failure (offline and not cached),
 *   a body cut short                              → MODEL_DOWNLOAD_FAILED
 *
 * The bytes then go to vision's loadModel as files in hand, so nothing is
 * requested twice and no HEAD request is needed (a service worker's cache
 * answers GETs only).
 */
import { MobileMMError, isNode, joinLocation } from '@mobile-mm/core';
import type { ModelFiles } from '@mobile-mm/vision';
import { MODEL_DOWNLOAD_FAILED, MODEL_NOT_FOUND, mmError } from './errors.js';

/** What a download has done so far; reported after every chunk. */
export interface ModelDownloadProgress {
  /** Bytes received, all files together. */
  loaded: number;
  /** Bytes expected, all files together: the sum of the Content-Length headers, or null when a response had none (or was compressed). */
  total: number | null;
  /** The file the last chunk belonged to. */
  file: string;
  /** Files received completely, and the number of files (3). */
  filesDone: number;
  files: number;
}

export type ModelDownloadProgressCallback = (progress: ModelDownloadProgress) => void;

/** The checkpoint files, as ModelFiles names them. */
const FILES = [
  ['config', 'config.json'],
  ['tokenizer', 'tokenizer.json'],
  ['weights', 'model.safetensors'],
] as const satisfies readonly (readonly [keyof ModelFiles, string])[];

/** Whether loading `dir` means fetching it: always in a browser, http(s) URLs in Node. */
export function isDownloadLocation(dir: string | URL): boolean {
  return !isNode() || /^https?:/i.test(dir instanceof URL ? dir.href : dir);
}

/** Content-Length when it counts the bytes the body will yield (no content encoding); else null. */
function expectedBytes(res: Response): number | null {
  const encoding = res.headers.get('content-encoding');
  if (encoding !== null && encoding.trim().toLowerCase() !== 'identity') return null;
  const text = res.headers.get('content-length');
  if (text === null || !/^\s*\d+\s*$/.test(text)) return null;
  return Number(text);
}

/**
 * Downloads config.json, tokenizer.json and model.safetensors of the folder
 * `dir` (`shown` names it in messages), reporting progress to `onProgress`.
 */
export async function downloadModel(dir: string | URL, shown: string, onProgress?: ModelDownloadProgressCallback): Promise<ModelFiles & { bytes: number }> {
  const urls = await Promise.all(FILES.map(([, name]) => joinLocation(dir, name)));
  const group = new AbortController(); // one failure stops the other requests
  const failed = (name: string, url: string, reason: string, details: Record<string, unknown> = {}): MobileMMError =>
    mmError(
      MODEL_DOWNLOAD_FAILED,
      `downloading the model from ${JSON.stringify(shown)} failed: ${name}: ${reason}. Check the connection (offline, a model that was never downloaded is not cached) and try again.`,
      { dir: shown, file: name, url, ...details },
    );
  try {
    const responses = await Promise.all(
      FILES.map(async ([, name], i) => {
        let res: Response;
        try {
          res = await fetch(urls[i], { signal: group.signal });
        } catch (e) {
          throw failed(name, urls[i], `the request failed (${(e as Error)?.message ?? String(e)})`, { reason: 'network' });
        }
        if (res.status === 404 || res.status === 410) {
          throw mmError(MODEL_NOT_FOUND, `model folder ${JSON.stringify(shown)} has no ${name} (HTTP ${res.status} from ${urls[i]}).`, {
            dir: shown,
            file: name,
            status: res.status,
          });
        }
        if (!res.ok) throw failed(name, urls[i], `HTTP ${res.status} ${res.statusText}`.trim(), { reason: 'http', status: res.status });
        return res;
      }),
    );
    const sizes = responses.map(expectedBytes);
    const total = sizes.every((n) => n !== null) ? sizes.reduce<number>((a, n) => a + (n as number), 0) : null;
    let loaded = 0;
    let filesDone = 0;
    const report = (file: string): void => onProgress?.({ loaded, total, file, filesDone, files: FILES.length });
    report(FILES[0][1]);
    const bodies = await Promise.all(
      responses.map(async (res, i) => {
        const name = FILES[i][1];
        const chunks: Uint8Array[] = [];
        let received = 0;
        try {
          if (res.body === null) {
            const all = new Uint8Array(await res.arrayBuffer());
            chunks.push(all);
            received = all.length;
            loaded += all.length;
            report(name);
          } else {
            const reader = res.body.getReader();
            for (;;) {
              const { done, value } = await reader.read();
              if (done) break;
              chunks.push(value);
              received += value.length;
              loaded += value.length;
              report(name);
            }
          }
        } catch (e) {
          throw failed(name, urls[i], `the connection broke after ${received} bytes (${(e as Error)?.message ?? String(e)})`, { reason: 'network', received });
        }
        if (sizes[i] !== null && received !== sizes[i]) {
          throw failed(name, urls[i], `${received} bytes arrived of the ${sizes[i]} announced`, { reason: 'truncated', received, expected: sizes[i] });
        }
        filesDone++;
        report(name);
        if (chunks.length === 1) return chunks[0];
        const out = new Uint8Array(received);
        let at = 0;
        for (const c of chunks) {
          out.set(c, at);
          at += c.length;
        }
        return out;
      }),
    );
    const [config, tokenizer, weights] = bodies;
    return { config, tokenizer, weights, bytes: loaded };
  } catch (e) {
    group.abort();
    throw e;
  }
}
