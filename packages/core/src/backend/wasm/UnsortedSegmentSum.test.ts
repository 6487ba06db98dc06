import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectClose, expectNoLeak, randn, rng } from '../../test-utils/backends.js';
import { isMobileMMError } from '../../errors.js';
import type { BackendName } from '../backends.js';
import { setupBackend } from '../setup.js';
import { registerWasmFixes, wasmFixesState } from '../wasm-fixes.js';
import { unsortedSegmentSumImpl, unsortedSegmentSumShape } from './UnsortedSegmentSum.js';
import '../../gradients.js'; // training: every op gradient (tfjs-core alone registers none in Node)

interface Result {
  shape: number[];
  dtype: tf.DataType;
  values: number[];
}

/** Runs `f` on `backend` in a tidy and reads every output back. */
async function resultsOn(backend: BackendName, f: () => tf.Tensor | tf.Tensor[]): Promise<Result[]> {
  await setupBackend(backend);
  const outs = tf.tidy(f);
  const list = Array.isArray(outs) ? outs : [outs];
  try {
    return await Promise.all(
      list.map(async (t) => ({ shape: t.shape, dtype: t.dtype, values: Array.from(await t.data()) }))
    );
  } finally {
    tf.dispose(list);
  }
}

const size = (shape: number[]): number => shape.reduce((p, d) => p * d, 1);
const floats = (shape: number[], seed: number): tf.Tensor =>
  tf.tensor(Float32Array.from(randn(size(shape), seed)), shape);
const ints = (shape: number[], seed: number, lo: number, hi: number): tf.Tensor => {
  const r = rng(seed);
  return tf.tensor(
    Int32Array.from({ length: size(shape) }, () => lo + Math.floor(r() * (hi - lo))),
    shape,
    'int32'
  );
};

describe('unsortedSegmentSumImpl (pure)', () => {
  it('matches a naive float64 loop, skipping out-of-range ids', () => {
    const n = 50;
    const inner = 7;
    const S = 9;
    const x = Float32Array.from(randn(n * inner, 1));
    const r = rng(2);
    const ids = Int32Array.from({ length: n }, () => Math.floor(r() * (S + 4)) - 2); // some < 0, some ≥ S
    const want = new Float64Array(S * inner);
    for (let i = 0; i < n; i++) {
      if (ids[i] < 0 || ids[i] >= S) continue;
      for (let j = 0; j < inner; j++) want[ids[i] * inner + j] += x[i * inner + j];
    }
    const out = new Float32Array(S * inner).fill(NaN);
    unsortedSegmentSumImpl(x, ids, inner, S, out);
    expectClose(out, want, 1e-6, 1e-6);
  });

  it('wraps int32 sums like C', () => {
    const out = new Int32Array(1);
    unsortedSegmentSumImpl(Int32Array.from([2 ** 31 - 1, 1]), Int32Array.from([0, 0]), 1, 1, out);
    expect(out[0]).toBe(-(2 ** 31));
  });

  it('rejects ids whose shape is not a prefix of x', () => {
    expect(() => unsortedSegmentSumShape([4, 3], [3], 2)).toThrow(/prefix/);
    expect(() => unsortedSegmentSumShape([4, 3], [4], -1)).toThrow(/numSegments/);
    expect(unsortedSegmentSumShape([4, 3, 2], [4, 3], 5)).toEqual({ outShape: [5, 2], numIds: 12, inner: 2 });
  });
});

describe('UnsortedSegmentSum on wasm vs cpu', () => {
  beforeAll(async () => {
    await setupBackend('wasm');
    registerWasmFixes();
  });
  afterAll(async () => {
    await setupBackend('wasm');
    registerWasmFixes();
  });

  it('is registered by setupBackend("wasm")', async () => {
    await setupBackend('wasm');
    expect(wasmFixesState().segmentSum).toBe(true);
  });

  // [x shape, ids rank, numSegments]
  const cases: Array<[number[], number, number]> = [
    [[37], 1, 5],
    [[40, 13], 1, 11],
    [[23, 4, 5], 1, 7],
    [[6, 5, 3], 2, 4], // rank-2 ids (cpu needs the flattened problem)
    [[8, 9], 2, 6], // ids rank = x rank → out [S]
    [[10, 3], 1, 20], // most segments empty
  ];
  for (const dtype of ['float32', 'int32'] as const) {
    for (const [xShape, idsRank, S] of cases) {
      it(`${dtype} x [${xShape}], ids rank ${idsRank}, ${S} segments`, async () => {
        const idsShape = xShape.slice(0, idsRank);
        const make = () => ({
          x: dtype === 'float32' ? floats(xShape, 10 + S) : ints(xShape, 10 + S, -50, 50),
          ids: ints(idsShape, 20 + S, -2, S + 2), // includes ids < 0 and ≥ S
        });
        const [want] = await resultsOn('cpu', () => {
          const { x, ids } = make();
          const n = size(idsShape);
          const flat = tf.unsortedSegmentSum(tf.reshape(x, [n, size(xShape) / n]), tf.reshape(ids, [n]), S);
          return tf.reshape(flat, [S, ...xShape.slice(idsRank)]);
        });
        const [got] = await expectNoLeak(() =>
          resultsOn('wasm', () => {
            const { x, ids } = make();
            return tf.unsortedSegmentSum(x, ids as tf.Tensor1D, S);
          })
        );
        expect(got.shape).toEqual(want.shape);
        expect(got.dtype).toBe(dtype); // cpu returns float32 for int32 x; we keep x's dtype like TF and webgl
        if (dtype === 'int32') expect(got.values).toEqual(want.values);
        else expectClose(got.values, want.values, 1e-6, 0, 'segment sums');
      });
    }
  }

  it('rejects bad segment ids with a typed error', async () => {
    await setupBackend('wasm');
    await expectNoLeak(() => {
      const x = tf.ones([4, 3]);
      const ids = tf.tensor1d([0, 1, 0], 'int32');
      try {
        let error: unknown;
        try {
          tf.unsortedSegmentSum(x, ids, 2);
        } catch (e) {
          error = e;
        }
        expect(isMobileMMError(error, 'INVALID_SHAPE'), String(error)).toBe(true);
      } finally {
        tf.dispose([x, ids]);
      }
    });
  });

  // An embedding lookup: table [V, C], token ids [B, T] → [B, T, C]; its gradient is a segment sum.
  const V = 31;
  const C = 8;
  const embeddingGrad = () => {
    const table = floats([V, C], 3);
    const tokens = ints([4, 9], 4, 0, V);
    const w = floats([4, 9, C], 5);
    const loss = (t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, tokens), w));
    // Also gather along axis 1 (a [C, V] table), whose gradient transposes around the segment sum.
    const tableT = floats([C, V], 6);
    const lossT = (t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, tf.reshape(tokens, [36]), 1), floats([C, 36], 7)));
    return [tf.grad(loss)(table), tf.grad(lossT)(tableT)];
  };

  it('tf.grad of a gather embedding lookup equals cpu', async () => {
    const want = await resultsOn('cpu', embeddingGrad);
    const got = await expectNoLeak(() => resultsOn('wasm', embeddingGrad));
    for (let i = 0; i < want.length; i++) {
      expect(got[i].shape).toEqual(want[i].shape);
      expectClose(got[i].values, want[i].values, 1e-5, 1e-5, `grad ${i}`);
    }
  });

  it('stock tfjs-wasm cannot take that gradient (the trap this fixes)', async () => {
    await setupBackend('wasm');
    registerWasmFixes({ segmentSum: false });
    try {
      expect(() => tf.tidy(embeddingGrad)).toThrow(/UnsortedSegmentSum/);
    } finally {
      registerWasmFixes();
    }
  });
});
