// Node-only: writes files and serves them over a local HTTP server.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMobileMMError } from '../errors.js';
import { describeBackends, expectNoLeak } from '../test-utils/backends.js';
import { loadCheckpoint, loadSafetensors, saveCheckpoint, saveSafetensors } from './checkpoint.js';
import { parseSafetensors } from './safetensors.js';
import { entriesToTensors } from './tensors.js';

async function rejection(p: Promise<unknown>): Promise<Error & { code?: string; details?: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mobile-mm-io-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describeBackends('saveCheckpoint / loadCheckpoint on disk', (env) => {
  it('writes model.safetensors + config.json into a new folder and reads them back', async () => {
    const target = path.join(dir, env.name, 'nested', 'ckpt');
    await expectNoLeak(async () => {
      const w = tf.tensor2d(Array.from({ length: 12 * 16 }, (_, i) => Math.sin(i)), [12, 16]);
      const b = tf.tensor1d([0.5, -0.25], 'float32');
      const pos = tf.tensor1d([0, 1, 2], 'int32');
      const written = await saveCheckpoint(target, {
        tensors: { 'layer.w': w, 'layer.b': b, pos },
        config: { width: 16, name: 'x' },
        metadata: { note: 'test' },
      });
      expect(written.weightsPath).toBe(path.join(target, 'model.safetensors'));
      expect(JSON.parse(await readFile(written.configPath, 'utf8'))).toEqual({ width: 16, name: 'x' });

      for (const source of [target, pathToFileURL(target), pathToFileURL(target).href]) {
        const ckpt = await loadCheckpoint(source, {
          expected: { 'layer.w': { shape: [12, 16], dtype: 'F32' }, 'layer.b': { shape: [2] }, pos: { shape: [3], dtype: 'I32' } },
        });
        expect(ckpt.config).toEqual({ width: 16, name: 'x' });
        expect(ckpt.metadata).toEqual({ note: 'test' });
        const ts = entriesToTensors(ckpt.tensors);
        expect(Array.from(await ts.get('layer.w')!.data())).toEqual(Array.from(await w.data()));
        expect(Array.from(await ts.get('pos')!.data())).toEqual([0, 1, 2]);
        tf.dispose([...ts.values()]);
      }
      tf.dispose([w, b, pos]);
    });
  });
});

describe('file errors', () => {
  it('FILE_NOT_FOUND for a missing folder, a missing config, a missing file', async () => {
    const missing = await rejection(loadCheckpoint(path.join(dir, 'nope')));
    expect(isMobileMMError(missing, 'FILE_NOT_FOUND')).toBe(true);
    expect(missing.message).toContain(path.join(dir, 'nope', 'model.safetensors'));

    const half = path.join(dir, 'weights-only');
    await saveSafetensors(path.join(half, 'model.safetensors'), { a: { dtype: 'F32', shape: [1], data: [1] } });
    const noConfig = await rejection(loadCheckpoint(half));
    expect(isMobileMMError(noConfig, 'FILE_NOT_FOUND')).toBe(true);
    expect(noConfig.message).toContain('config.json');
    expect((await loadCheckpoint(half, { requireConfig: false })).config).toBeNull();

    const f = await rejection(loadSafetensors(path.join(dir, 'absent.safetensors')));
    expect(isMobileMMError(f, 'FILE_NOT_FOUND')).toBe(true);
  });

  it('SAFETENSORS_CORRUPT for a truncated file on disk, INVALID_CONFIG for a broken config.json', async () => {
    const d = path.join(dir, 'broken');
    await saveCheckpoint(d, { tensors: { a: { dtype: 'F32', shape: [4], data: [1, 2, 3, 4] } }, config: { ok: true } });
    const good = await readFile(path.join(d, 'model.safetensors'));
    await writeFile(path.join(d, 'model.safetensors'), good.subarray(0, good.length - 2));
    const e = await rejection(loadCheckpoint(d));
    expect(isMobileMMError(e, 'SAFETENSORS_CORRUPT')).toBe(true);
    expect(e.message).toContain('"a"');

    await writeFile(path.join(d, 'model.safetensors'), good);
    await writeFile(path.join(d, 'config.json'), '{"ok": tru');
    const c = await rejection(loadCheckpoint(d));
    expect(isMobileMMError(c, 'INVALID_CONFIG')).toBe(true);
    expect(c.message).toContain('config.json');
  });

  it('loadSafetensors checks an expected spec', async () => {
    const p = path.join(dir, 'spec.safetensors');
    await saveSafetensors(p, { a: { dtype: 'U8', shape: [2], data: [1, 2] } }, { m: 'x' });
    const parsed = await loadSafetensors(p, { expected: { a: { shape: [2], dtype: 'U8' } } });
    expect(parsed.metadata).toEqual({ m: 'x' });
    const e = await rejection(loadSafetensors(p, { expected: { a: { shape: [2], dtype: 'I32' } } }));
    expect(isMobileMMError(e, 'WEIGHTS_MISMATCH')).toBe(true);
    // The file on disk is byte-identical to serializing in memory.
    expect(parseSafetensors(await readFile(p)).tensors.get('a')!.dtype).toBe('U8');
  });
});

describe('loading over HTTP (fetch path in Node)', () => {
  let server: Server;
  let base = '';
  beforeAll(async () => {
    const root = path.join(path.dirname(new URL(import.meta.url).pathname), '__fixtures__');
    server = createServer((req, res) => {
      const file = path.join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
      readFile(file).then(
        (data) => res.writeHead(200).end(data),
        () => res.writeHead(404, 'Not Found').end(),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('fetches a checkpoint folder URL, and maps 404 to FILE_NOT_FOUND with the status', async () => {
    const ckpt = await loadCheckpoint(`${base}/tiny-checkpoint`);
    expect(ckpt.config).toEqual({ vocabSize: 4, width: 3, name: 'tiny' });
    expect(ckpt.tensors.size).toBe(3);
    const e = await rejection(loadCheckpoint(`${base}/missing/`));
    expect(isMobileMMError(e, 'FILE_NOT_FOUND')).toBe(true);
    expect(e.details?.status).toBe(404);
    const n = await rejection(loadCheckpoint('http://127.0.0.1:1/x/'));
    expect(isMobileMMError(n, 'FILE_NOT_FOUND')).toBe(true);
  });
});
