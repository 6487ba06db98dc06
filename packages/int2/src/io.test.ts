import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectNoLeak, randn, type BackendEnv } from '@mobile-mm/core/test-utils';
import { isMobileMMError, type MobileMMErrorCode, parseSafetensors, serializeSafetensors, type SafetensorsEntry } from '@mobile-mm/core';
import { describeKernelBackends } from './__fixtures__/kernel-backends.js';
import { bitsPerWeight } from './format.js';
import { quantize, quantizedMatMul } from './ops.js';
import { registerInt2Kernels } from './register.js';
import { loadQuantized, saveQuantized } from './io.js';
import type { QuantizedTensor } from './quantized-tensor.js';

/** Rewrites the JSON header of a safetensors file (same data section). */
function editHeader(bytes: Uint8Array, edit: (h: Record<string, any>) => void): Uint8Array {
  const len = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + len)));
  edit(header);
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = new Uint8Array(Math.ceil(json.length / 8) * 8).fill(0x20);
  padded.set(json);
  json = padded;
  const out = new Uint8Array(8 + json.length + bytes.length - 8 - len);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(bytes.subarray(8 + len), 8 + json.length);
  return out;
}

/** Re-encodes a file after editing its tensors (a valid container with different contents). */
function rewrite(bytes: Uint8Array, edit: (t: Record<string, SafetensorsEntry>) => void): Uint8Array {
  const { tensors, metadata } = parseSafetensors(bytes);
  const entries: Record<string, SafetensorsEntry> = {};
  for (const [name, t] of tensors) entries[name] = { dtype: t.dtype, shape: t.shape, data: t.data as ArrayLike<number> };
  edit(entries);
  return serializeSafetensors(entries, metadata);
}

function expectCode(fn: () => unknown, code: MobileMMErrorCode, messagePart: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(isMobileMMError(thrown, code), `expected ${code}, got ${String(thrown)}`).toBe(true);
  expect((thrown as Error).message).toContain(messagePart);
}

describeKernelBackends('int2 safetensors io', (_env: BackendEnv) => {
  let file: Uint8Array;
  let a: QuantizedTensor;
  let b: QuantizedTensor;
  beforeAll(async () => {
    registerInt2Kernels();
    const wa = tf.tensor2d(Float32Array.from(randn(200 * 77, 1, 0.1)), [200, 77]);
    const wb = tf.tensor2d(Float32Array.from(randn(256 * 128, 2, 0.1)), [256, 128]);
    a = quantize(wa, { bits: 2, groupSize: 64, scaleDtype: 'float16' });
    b = quantize(wb, { bits: 4, groupSize: 128 });
    tf.dispose([wa, wb]);
    file = await saveQuantized({ 'enc.fc1': a, 'enc.fc2': b }, { model: 'test' });
  });
  afterAll(() => {
    a.dispose();
    b.dispose();
  });

  it('round-trips codes, scales and mins exactly (F16 and F32 scales)', async () => {
    await expectNoLeak(async () => {
      const loaded = loadQuantized(file);
      expect(Object.keys(loaded).sort()).toEqual(['enc.fc1', 'enc.fc2']);
      for (const [name, orig] of [['enc.fc1', a], ['enc.fc2', b]] as const) {
        const got = await loaded[name].toCanonical();
        const want = await orig.toCanonical();
        expect(got).toEqual(want);
        const x = tf.tensor2d(Float32Array.from(randn(3 * orig.inDim, 3, 1)), [3, orig.inDim]);
        const y1 = quantizedMatMul(x, orig);
        const y2 = quantizedMatMul(x, loaded[name]);
        expect(await y2.data()).toEqual(await y1.data());
        tf.dispose([x, y1, y2]);
        loaded[name].dispose();
      }
    });
  });

  it('writes the metadata and the documented sizes', () => {
    const len = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + len)));
    expect(len % 8).toBe(0);
    expect(header.__metadata__).toMatchObject({
      format: 'mobile-mm-qgroup',
      format_version: '1',
      model: 'test',
      'enc.fc1.bits': '2',
      'enc.fc1.group_size': '64',
      'enc.fc1.in_dim': '200',
      'enc.fc1.out_dim': '77',
      'enc.fc1.scale_dtype': 'float16',
      'enc.fc2.scale_dtype': 'float32',
    });
    expect(header['enc.fc1.codes']).toMatchObject({ dtype: 'U8', shape: [77, 64] });
    expect(header['enc.fc1.scales']).toMatchObject({ dtype: 'F16', shape: [77, 4] });
    expect(header['enc.fc2.mins']).toMatchObject({ dtype: 'F32', shape: [128, 2] });
    expect(file.length - 8 - len).toBe(a.canonicalByteSize + b.canonicalByteSize);
    // 2-bit, G 64, f16 scales over the padded K: exactly 2.5 bits per weight.
    expect((8 * a.canonicalByteSize) / (256 * 77)).toBe(bitsPerWeight(2, 64, 16));
  });

  it('rejects bad files with typed errors naming the tensor', () => {
    expectCode(() => loadQuantized(file.subarray(0, 4)), 'SAFETENSORS_CORRUPT', 'too short');
    expectCode(() => loadQuantized(file.subarray(0, 100)), 'SAFETENSORS_CORRUPT', 'header length');
    expectCode(() => loadQuantized(file.subarray(0, file.length - 10)), 'SAFETENSORS_CORRUPT', 'past the end');
    expectCode(
      () => loadQuantized(editHeader(file, (h) => (h.__metadata__.format = 'gguf'))),
      'UNSUPPORTED',
      'mobile-mm-qgroup',
    );
    expectCode(
      () => loadQuantized(editHeader(file, (h) => (h.__metadata__.format_version = '2'))),
      'UNSUPPORTED',
      'format_version',
    );
    expectCode(
      () => loadQuantized(rewrite(file, (t) => delete t['enc.fc1.mins'])),
      'WEIGHTS_MISSING',
      'enc.fc1.mins',
    );
    expectCode(
      () => loadQuantized(editHeader(file, (h) => delete h.__metadata__['enc.fc2.group_size'])),
      'WEIGHTS_MISSING',
      'enc.fc2.group_size',
    );
    expectCode(
      () => loadQuantized(editHeader(file, (h) => (h.__metadata__['enc.fc1.bits'] = '3'))),
      'WEIGHTS_MISMATCH',
      'enc.fc1',
    );
    expectCode(
      () => loadQuantized(editHeader(file, (h) => (h.__metadata__['enc.fc1.in_dim'] = '300'))),
      'WEIGHTS_MISMATCH',
      'enc.fc1.codes',
    );
    expectCode(
      () => loadQuantized(rewrite(file, (t) => (t['enc.fc1.scales'].dtype = 'F32'))),
      'WEIGHTS_MISMATCH',
      'enc.fc1.scales',
    );
    expectCode(
      () =>
        loadQuantized(
          editHeader(file, (h) => {
            h['enc.fc1.codes'].shape = [77, 60]; // byte count no longer matches the shape
          }),
        ),
      'SAFETENSORS_CORRUPT',
      'enc.fc1.codes',
    );
    expectCode(
      () =>
        loadQuantized(
          editHeader(file, (h) => {
            h['enc.fc1.codes'].shape = [154, 32]; // same bytes, wrong shape for [K=200, N=77]
          }),
        ),
      'WEIGHTS_MISMATCH',
      'enc.fc1.codes',
    );
    // Nothing half-loaded stays behind on failure.
    const before = tf.memory().numTensors;
    expectCode(
      () => loadQuantized(rewrite(file, (t) => (t['enc.fc2.mins'].dtype = 'F16'))),
      'WEIGHTS_MISMATCH',
      'enc.fc2.mins',
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});
