import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { isNode } from '../env.js';
import { isMobileMMError } from '../errors.js';
import { describeBackends, expectNoLeak } from '../test-utils/backends.js';
import { fixtureBytes, fixtureUrl } from './__fixtures__/load-fixture.js';
import { encodeCheckpoint, loadCheckpoint, loadSafetensors, saveCheckpoint } from './checkpoint.js';
import { readBytes } from './files.js';
import type { WeightSpec } from './weight-spec.js';

const TINY_SPEC: WeightSpec = {
  'embed.weight': { shape: [4, 3], dtype: 'F32' },
  'head.bias': { shape: [4], dtype: 'F16' },
  codes: { shape: [2, 4], dtype: 'U8' },
};

async function rejection(p: Promise<unknown>): Promise<Error & { code?: string; details?: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

describe('loadCheckpoint (written by Python safetensors, see __fixtures__/make-reference.py)', () => {
  it('loads a folder URL: weights, config and metadata', async () => {
    const ckpt = await loadCheckpoint(fixtureUrl('tiny-checkpoint/'), { expected: TINY_SPEC });
    expect(ckpt.config).toEqual({ vocabSize: 4, width: 3, name: 'tiny' });
    expect(ckpt.metadata).toEqual({ format: 'np' });
    expect(Array.from(ckpt.tensors.get('embed.weight')!.data as Float32Array)).toEqual(
      Array.from({ length: 12 }, (_, i) => (i - 5.5) / 4),
    );
    expect(Array.from(ckpt.tensors.get('head.bias')!.data as Float32Array)).toEqual([0.5, -1, 2 ** -20, 65504]);
    expect(Array.from(ckpt.tensors.get('codes')!.data as Uint8Array)).toEqual([0, 1, 2, 3, 255, 128, 64, 7]);
    // Without the trailing slash too.
    const again = await loadCheckpoint(fixtureUrl('tiny-checkpoint/').href.replace(/\/$/, ''));
    expect(again.tensors.size).toBe(3);
  });

  it('checks the weights against the expected spec', async () => {
    const e = await rejection(
      loadCheckpoint(fixtureUrl('tiny-checkpoint/'), { expected: { ...TINY_SPEC, codes: { shape: [4, 2], dtype: 'U8' } } }),
    );
    expect(isMobileMMError(e, 'WEIGHTS_MISMATCH')).toBe(true);
    expect(e.message).toContain('tensor "codes": expected shape [4, 2] U8, got [2, 4] U8');
    const m = await rejection(loadCheckpoint(fixtureUrl('tiny-checkpoint/'), { expected: { ...TINY_SPEC, extra: { shape: [1] } } }));
    expect(isMobileMMError(m, 'WEIGHTS_MISSING')).toBe(true);
    expect(m.details?.tensor).toBe('extra');
  });

  it('FILE_NOT_FOUND for a folder without the files', async () => {
    const e = await rejection(loadCheckpoint(fixtureUrl('no-such-checkpoint/')));
    expect(isMobileMMError(e, 'FILE_NOT_FOUND')).toBe(true);
    expect(e.message).toContain('model.safetensors');
  });

  it('loads from bytes, ArrayBuffer, Blob and data: URLs, with the config given or as bytes', async () => {
    const bytes = await fixtureBytes('tiny-checkpoint/model.safetensors');
    const configBytes = await fixtureBytes('tiny-checkpoint/config.json');
    const sources = [
      { weights: bytes, config: { given: true } },
      { weights: bytes.slice().buffer, config: configBytes },
      { weights: new Blob([bytes.slice()]), config: new Blob([configBytes.slice()]) },
      { weights: `data:application/octet-stream;base64,${toBase64(bytes)}`, config: { given: true } },
    ];
    for (const source of sources) {
      const ckpt = await loadCheckpoint(source, { expected: TINY_SPEC });
      expect(ckpt.tensors.size).toBe(3);
      expect(ckpt.config).toBeTruthy();
    }
    expect(Array.from(await readBytes(new Blob([new Uint8Array([1, 2])])))).toEqual([1, 2]);
  });

  it('config: required by default, null with requireConfig false, INVALID_CONFIG when not JSON', async () => {
    const bytes = await fixtureBytes('tiny-checkpoint/model.safetensors');
    const e = await rejection(loadCheckpoint({ weights: bytes }));
    expect(isMobileMMError(e, 'FILE_NOT_FOUND')).toBe(true);
    expect((await loadCheckpoint({ weights: bytes }, { requireConfig: false })).config).toBeNull();
    const bad = await rejection(loadCheckpoint({ weights: bytes, config: new TextEncoder().encode('{"a": ') }));
    expect(isMobileMMError(bad, 'INVALID_CONFIG')).toBe(true);
  });

  it('SAFETENSORS_CORRUPT for damaged weights', async () => {
    const bytes = await fixtureBytes('tiny-checkpoint/model.safetensors');
    const e = await rejection(loadSafetensors(bytes.subarray(0, bytes.length - 1)));
    expect(isMobileMMError(e, 'SAFETENSORS_CORRUPT')).toBe(true);
  });

  it.runIf(!isNode())('saveCheckpoint says UNSUPPORTED in the browser', async () => {
    const e = await rejection(saveCheckpoint('x', { tensors: {}, config: {} }));
    expect(isMobileMMError(e, 'UNSUPPORTED')).toBe(true);
  });
});

describeBackends('encodeCheckpoint → loadCheckpoint', () => {
  it('round-trips tf tensors and entries in memory (F16 on request)', async () => {
    await expectNoLeak(async () => {
      const w = tf.tensor2d(Array.from({ length: 160 }, (_, i) => (i - 80) / 16), [10, 16]);
      const ids = tf.tensor1d([1, 2, 3], 'int32');
      const { weights, config } = await encodeCheckpoint({
        tensors: new Map<string, tf.Tensor | { dtype: 'U8'; shape: number[]; data: number[] }>([
          ['w', w],
          ['ids', ids],
          ['raw', { dtype: 'U8', shape: [2], data: [9, 200] }],
        ]),
        config: { layers: 2 },
        metadata: { step: '100' },
        floatDType: 'F16',
      });
      expect(JSON.parse(config)).toEqual({ layers: 2 });
      const ckpt = await loadCheckpoint({ weights, config: new TextEncoder().encode(config) });
      expect(ckpt.metadata).toEqual({ step: '100' });
      expect(ckpt.tensors.get('w')!.dtype).toBe('F16');
      expect(Array.from(ckpt.tensors.get('w')!.data as Float32Array)).toEqual(Array.from(await w.data())); // exact in F16
      expect(ckpt.tensors.get('ids')!.dtype).toBe('I32');
      expect(Array.from(ckpt.tensors.get('raw')!.data as Uint8Array)).toEqual([9, 200]);
      tf.dispose([w, ids]);
    });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const e = await rejection(encodeCheckpoint({ tensors: {}, config: cyclic }));
    expect(isMobileMMError(e, 'INVALID_CONFIG')).toBe(true);
  });
});
