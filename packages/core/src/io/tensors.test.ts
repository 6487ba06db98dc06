import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { isMobileMMError } from '../errors.js';
import { describeBackends, expectClose, expectNoLeak, randn } from '../test-utils/backends.js';
import { parseSafetensors, serializeSafetensors } from './safetensors.js';
import { entriesToTensors, entryToTensor, tensorsToEntries, tensorsToSafetensors } from './tensors.js';

describeBackends('safetensors ↔ tf tensors', () => {
  it('loads every dtype as float32 / int32 / bool with the right values', async () => {
    const file = serializeSafetensors({
      f32: { dtype: 'F32', shape: [2, 2], data: [1.5, -2, 0.25, 8] },
      f16: { dtype: 'F16', shape: [3], data: [1, -2, 2 ** -24] },
      bf16: { dtype: 'BF16', shape: [2], data: [1, -3] },
      f64: { dtype: 'F64', shape: [1], data: [Math.PI] },
      u8: { dtype: 'U8', shape: [4], data: [0, 1, 128, 255] },
      i8: { dtype: 'I8', shape: [2], data: [-128, 127] },
      u16: { dtype: 'U16', shape: [1], data: [65535] },
      i64: { dtype: 'I64', shape: [2], data: [-(2 ** 31), 2 ** 31 - 1] },
      i32: { dtype: 'I32', shape: [2, 1], data: [-5, 7] },
      flags: { dtype: 'BOOL', shape: [3], data: [1, 0, 1] },
    });
    const parsed = parseSafetensors(file);
    await expectNoLeak(async () => {
      const ts = entriesToTensors(parsed.tensors);
      const want: Record<string, [string, number[], number[]]> = {
        f32: ['float32', [2, 2], [1.5, -2, 0.25, 8]],
        f16: ['float32', [3], [1, -2, 2 ** -24]],
        bf16: ['float32', [2], [1, -3]],
        f64: ['float32', [1], [Math.fround(Math.PI)]],
        u8: ['int32', [4], [0, 1, 128, 255]],
        i8: ['int32', [2], [-128, 127]],
        u16: ['int32', [1], [65535]],
        i64: ['int32', [2], [-(2 ** 31), 2 ** 31 - 1]],
        i32: ['int32', [2, 1], [-5, 7]],
        flags: ['bool', [3], [1, 0, 1]],
      };
      for (const [k, [dtype, shape, values]] of Object.entries(want)) {
        const t = ts.get(k)!;
        expect(t.dtype, k).toBe(dtype);
        expect(t.shape, k).toEqual(shape);
        expect(Array.from(await t.data()), k).toEqual(values);
      }
      tf.dispose([...ts.values()]);
    });
  });

  it('fails with INVALID_DTYPE for integers outside int32, disposing what it made', async () => {
    const parsed = parseSafetensors(
      serializeSafetensors({
        a: { dtype: 'F32', shape: [1], data: [1] },
        z: { dtype: 'I64', shape: [1], data: [2 ** 40] },
      }),
    );
    await expectNoLeak(() => {
      let err: unknown;
      try {
        entriesToTensors(parsed.tensors, ['a', 'z']);
      } catch (e) {
        err = e;
      }
      expect(isMobileMMError(err, 'INVALID_DTYPE')).toBe(true);
      expect((err as Error).message).toContain('"z"');
    });
    await expectNoLeak(() => {
      let err: unknown;
      try {
        entriesToTensors(parsed.tensors, ['a', 'nope']);
      } catch (e) {
        err = e;
      }
      expect(isMobileMMError(err, 'WEIGHTS_MISSING')).toBe(true);
    });
    const u32 = { dtype: 'U32' as const, shape: [1], data: [4294967295] };
    expect(() => entryToTensor(u32, 'big')).toThrow(/does not fit in int32/);
  });

  it('writes tf tensors (≥128 elements) and reads them back, F32 exact and F16 within half precision', async () => {
    await expectNoLeak(async () => {
      const w = tf.tensor2d(Float32Array.from(randn(16 * 12, 3)), [16, 12]);
      const ids = tf.tensor1d([3, -1, 2 ** 30], 'int32');
      const mask = tf.tensor1d([true, false], 'bool');
      const codes = tf.tensor1d([0, 7, 255], 'int32');
      const tensors = { w, ids, mask, codes };
      const wValues = await w.data();

      const exact = parseSafetensors(await tensorsToSafetensors(tensors, { dtypes: { codes: 'U8' }, metadata: { k: 'v' } }));
      expect(exact.metadata).toEqual({ k: 'v' });
      expect(Object.fromEntries([...exact.tensors].map(([k, t]) => [k, t.dtype]))).toEqual({
        w: 'F32',
        ids: 'I32',
        mask: 'BOOL',
        codes: 'U8',
      });
      const back = entriesToTensors(exact.tensors);
      expect(Array.from(await back.get('w')!.data())).toEqual(Array.from(wValues));
      expect(back.get('w')!.shape).toEqual([16, 12]);
      expect(Array.from(await back.get('ids')!.data())).toEqual([3, -1, 2 ** 30]);
      expect(Array.from(await back.get('mask')!.data())).toEqual([1, 0]);
      expect(Array.from(await back.get('codes')!.data())).toEqual([0, 7, 255]);
      tf.dispose([...back.values()]);

      const half = parseSafetensors(await tensorsToSafetensors({ w }, { floatDType: 'F16' }));
      expect(half.tensors.get('w')!.dtype).toBe('F16');
      // F16 keeps 11 significant bits: relative error ≤ 2^-11 for normal values.
      expectClose(half.tensors.get('w')!.data as Float32Array, wValues, 1e-7, 2 ** -11, 'f16 weights');

      const entries = await tensorsToEntries({ w }, { dtypes: { w: 'BF16' } });
      expect(entries.get('w')!.dtype).toBe('BF16');
      tf.dispose([w, ids, mask, codes]);
    });
  });

  it('rejects writing an int32 tensor as U8 when a value does not fit', async () => {
    await expectNoLeak(async () => {
      const t = tf.tensor1d([1, 300], 'int32');
      await expect(tensorsToSafetensors({ t }, { dtypes: { t: 'U8' } })).rejects.toSatisfy(
        (e) => isMobileMMError(e, 'INVALID_ARGUMENT') && (e as Error).message.includes('"t"'),
      );
      t.dispose();
    });
  });
});
