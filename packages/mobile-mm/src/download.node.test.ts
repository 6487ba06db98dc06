/**
 * Loading a model over HTTP with a progress callback (what a web page does):
 * a local node:http server serves the bundled model folders, and also
 * answers 404, 500, a body cut short and a closed port. The model loaded
 * over HTTP must answer exactly as the one loaded from the folder on disk.
 */
import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isMobileMMError } from '@mobile-mm/core';
import { MobileMultiModalLLM, type MobileMMCreateOptions } from './facade.js';
import { ResilientMobileMM } from './resilient.js';
import type { ModelDownloadProgress } from './download.js';

const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FILES = ['config.json', 'tokenizer.json', 'model.safetensors'];
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const m = /^\/(ok|broken|cut)\/(tiny-(?:int2|fp32))\/([a-z.]+)$/.exec(url.pathname);
    if (m === null || !FILES.includes(m[3])) {
      res.writeHead(404).end('not found');
      return;
    }
    const [, mode, folder, file] = m;
    if (mode === 'broken' && file === 'tokenizer.json') {
      res.writeHead(500).end('boom');
      return;
    }
    void readFile(path.join(pkg, 'models', folder, file)).then((bytes) => {
      res.writeHead(200, { 'content-length': bytes.length, 'content-type': 'application/octet-stream' });
      if (mode === 'cut' && file === 'model.safetensors') {
        res.write(bytes.subarray(0, 1000));
        setTimeout(() => res.destroy(), 20); // fewer bytes than announced, then the connection drops
        return;
      }
      res.end(bytes);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function failure(options: MobileMMCreateOptions): Promise<unknown> {
  return MobileMultiModalLLM.create({ backend: 'wasm', ...options }).then(
    (mm) => {
      mm.dispose();
      return null;
    },
    (e: unknown) => e,
  );
}

it('loads the int2 model over HTTP with progress up to the folder size, and answers as the folder on disk does', async () => {
  const sizes = await Promise.all(FILES.map(async (f) => (await stat(path.join(pkg, 'models/tiny-int2', f))).size));
  const events: ModelDownloadProgress[] = [];
  const overHttp = await MobileMultiModalLLM.create({ backend: 'wasm', variant: 'int2', modelDir: `${base}/ok/tiny-int2/`, onProgress: (p) => events.push({ ...p }) });
  const fromDisk = await MobileMultiModalLLM.create({ backend: 'wasm', variant: 'int2' });
  try {
    const total = sizes.reduce((a, b) => a + b, 0);
    expect(events.length).toBeGreaterThan(3);
    for (let i = 1; i < events.length; i++) expect(events[i].loaded).toBeGreaterThanOrEqual(events[i - 1].loaded);
    expect(events.every((e) => e.total === total && e.files === 3)).toBe(true);
    expect(events.at(-1)).toMatchObject({ loaded: total, filesDone: 3 });
    expect(overHttp.health()).toMatchObject({ ok: true, variant: 'int2', model: { name: 'tiny-int2', dir: `${base}/ok/tiny-int2/` } });
    const { samples } = JSON.parse(await readFile(path.join(pkg, 'samples/samples.json'), 'utf8')) as { samples: { file: string; kind: string; vqa?: { question: string } }[] };
    expect(samples.length).toBe(6);
    for (const s of samples) {
      const png = await readFile(path.join(pkg, 'samples', s.file));
      if (s.kind === 'text') {
        expect((await overHttp.ocr(png)).text).toBe((await fromDisk.ocr(png)).text);
        continue;
      }
      expect((await overHttp.caption(png)).text).toBe((await fromDisk.caption(png)).text);
      expect((await overHttp.vqa(png, s.vqa!.question)).text).toBe((await fromDisk.vqa(png, s.vqa!.question)).text);
    }
  } finally {
    overHttp.dispose();
    fromDisk.dispose();
  }
});

it('a missing folder is MODEL_NOT_FOUND; a 500, a body cut short and a closed port are MODEL_DOWNLOAD_FAILED; no tensors are left', async () => {
  const before = tf.memory().numTensors;
  const missing = await failure({ modelDir: `${base}/ok/tiny-int3/` });
  expect(isMobileMMError(missing, 'MODEL_NOT_FOUND')).toBe(true);
  expect((missing as Error).message).toContain('HTTP 404');

  const http500 = await failure({ modelDir: `${base}/broken/tiny-fp32/` });
  expect(isMobileMMError(http500, 'MODEL_DOWNLOAD_FAILED')).toBe(true);
  expect((http500 as { details: Record<string, unknown> }).details).toMatchObject({ file: 'tokenizer.json', reason: 'http', status: 500 });

  const seen: number[] = [];
  const cut = await failure({ modelDir: `${base}/cut/tiny-fp32/`, onProgress: (p) => seen.push(p.loaded) });
  expect(isMobileMMError(cut, 'MODEL_DOWNLOAD_FAILED')).toBe(true);
  expect((cut as { details: Record<string, unknown> }).details).toMatchObject({ file: 'model.safetensors' });
  expect(['network', 'truncated']).toContain((cut as { details: Record<string, unknown> }).details.reason);
  expect(seen.length).toBeGreaterThan(0); // progress was reported before the cut

  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  const refused = await failure({ modelDir: `http://127.0.0.1:${port}/tiny-fp32/` });
  expect(isMobileMMError(refused, 'MODEL_DOWNLOAD_FAILED')).toBe(true);
  expect((refused as { details: Record<string, unknown> }).details.reason).toBe('network');
  expect(tf.memory().numTensors).toBe(before);
});

it('onProgress must be a function; ResilientMobileMM passes it to the backend it loads', async () => {
  const bad = await failure({ onProgress: 42 as never });
  expect(isMobileMMError(bad, 'INVALID_CONFIG')).toBe(true);
  let last: ModelDownloadProgress | null = null;
  const r = await ResilientMobileMM.create({ backend: 'wasm', variant: 'fp32', modelDir: `${base}/ok/tiny-fp32/`, onProgress: (p) => (last = p) });
  try {
    expect(last).toMatchObject({ filesDone: 3, files: 3 });
    expect(r.health().active).toBe('wasm');
  } finally {
    await r.dispose();
  }
});
