import { describe, expect, it } from 'vitest';
import { isMobileMMError, type MobileMMError } from '../errors.js';
import { parseSafetensors, serializeSafetensors } from './safetensors.js';
import { checkWeights, type TensorMismatch, type WeightSpec } from './weight-spec.js';

function thrown(fn: () => unknown): MobileMMError {
  try {
    fn();
  } catch (e) {
    if (isMobileMMError(e)) return e;
    throw new Error(`expected a MobileMMError, got ${String(e)}`);
  }
  throw new Error('expected a throw');
}

describe('checkWeights', () => {
  const file = parseSafetensors(
    serializeSafetensors({
      'embed.weight': { dtype: 'F32', shape: [5, 2], data: new Float32Array(10).fill(0.5) },
      'head.bias': { dtype: 'F16', shape: [5], data: [1, 2, 3, 4, 5] },
      codes: { dtype: 'U8', shape: [2, 2], data: [1, 2, 3, 4] },
    }),
  );
  const spec: WeightSpec = {
    'embed.weight': { shape: [5, 2], dtype: 'F32' },
    'head.bias': { shape: [5], dtype: ['F32', 'F16'] },
    codes: { shape: [2, 2] },
  };

  it('accepts matching weights (dtype optional or one of several)', () => {
    expect(() => checkWeights(file.tensors, spec)).not.toThrow();
    expect(() => checkWeights(Object.fromEntries(file.tensors), spec)).not.toThrow();
  });

  it('WEIGHTS_MISSING names every absent tensor', () => {
    const e = thrown(() => checkWeights(file.tensors, { ...spec, 'pos.weight': { shape: [8, 2] }, 'ln.g': { shape: [2] } }));
    expect(e.code).toBe('WEIGHTS_MISSING');
    expect(e.message).toContain('"pos.weight"');
    expect(e.message).toContain('"ln.g"');
    expect(e.details).toMatchObject({ tensor: 'pos.weight', missing: ['pos.weight', 'ln.g'] });
  });

  it('WEIGHTS_MISMATCH gives expected vs actual shape and dtype', () => {
    const e = thrown(() =>
      checkWeights(file.tensors, {
        ...spec,
        'embed.weight': { shape: [2, 5], dtype: 'F32' },
        'head.bias': { shape: [5], dtype: 'F32' },
      }),
    );
    expect(e.code).toBe('WEIGHTS_MISMATCH');
    expect(e.message).toContain('tensor "embed.weight": expected shape [2, 5] F32, got [5, 2] F32');
    expect(e.message).toContain('tensor "head.bias": expected shape [5] F32, got [5] F16');
    const mism = e.details?.mismatched as TensorMismatch[];
    expect(mism).toEqual([
      { tensor: 'embed.weight', expected: { shape: [2, 5], dtype: 'F32' }, actual: { shape: [5, 2], dtype: 'F32' } },
      { tensor: 'head.bias', expected: { shape: [5], dtype: 'F32' }, actual: { shape: [5], dtype: 'F16' } },
    ]);
    expect(e.details?.tensor).toBe('embed.weight');
  });

  it('reports unexpected extra tensors unless allowUnexpected is set', () => {
    const { codes: _codes, ...withoutCodes } = spec;
    const e = thrown(() => checkWeights(file.tensors, withoutCodes));
    expect(e.code).toBe('WEIGHTS_MISMATCH');
    expect(e.message).toContain('1 unexpected tensor(s) not in the spec: "codes"');
    expect(e.details).toMatchObject({ tensor: 'codes', unexpected: ['codes'] });
    expect(() => checkWeights(file.tensors, withoutCodes, { allowUnexpected: true })).not.toThrow();
  });

  it('lists everything at once, with missing taking the code', () => {
    const e = thrown(() => checkWeights(file.tensors, { 'embed.weight': { shape: [1] }, other: { shape: [1] } }));
    expect(e.code).toBe('WEIGHTS_MISSING');
    expect(e.details).toMatchObject({ missing: ['other'], unexpected: ['head.bias', 'codes'] });
    expect((e.details?.mismatched as unknown[]).length).toBe(1);
  });
});
