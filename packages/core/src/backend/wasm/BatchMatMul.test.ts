import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectClose, expectNoLeak, randn } from '../../test-utils/backends.js';
import type { BackendName } from '../backends.js';
import { setupBackend } from '../setup.js';
import { registerWasmFixes, unregisterWasmFixes, wasmFixesState } from '../wasm-fixes.js';
import { planBatchMatMul, type BatchMatMulOptions } from './BatchMatMul.js';
import '../../gradients.js'; // training: every op gradient (tfjs-core alone registers none in Node)

interface Result {
  shape: number[];
  values: number[];
}

/** Runs `f` on `backend` in a tidy and reads every output back. */
async function resultsOn(backend: BackendName, f: () => tf.Tensor | tf.Tensor[]): Promise<Result[]> {
  await setupBackend(backend);
  const outs = tf.tidy(f);
  const list = Array.isArray(outs) ? outs : [outs];
  try {
    return await Promise.all(list.map(async (t) => ({ shape: t.shape, values: Array.from(await t.data()) })));
  } finally {
    tf.dispose(list);
  }
}

const size = (shape: number[]): number => shape.reduce((p, d) => p * d, 1);
const floats = (shape: number[], seed: number): tf.Tensor =>
  tf.tensor(Float32Array.from(randn(size(shape), seed)), shape);
const ATOL = 1e-4;
const RTOL = 1e-4;

/** Shapes of a and b for logical [.., M, K] × [.., K, N] with the given transposes. */
function shapes(outerA: number[], outerB: number[], m: number, k: number, n: number, tA: boolean, tB: boolean) {
  return { a: [...outerA, ...(tA ? [k, m] : [m, k])], b: [...outerB, ...(tB ? [n, k] : [k, n])] };
}

// [name, outer dims of a, outer dims of b, expected plan when transposed]
const BATCHES: Array<[string, number[], number[], 'fold' | 'loop']> = [
  ['rank 2', [], [], 'fold'],
  ['rank 3 batch 1', [1], [1], 'fold'],
  ['rank 3 batched', [5], [5], 'loop'],
  ['rank 3 broadcast-b (b rank 2)', [5], [], 'fold'],
  ['rank 3 broadcast-b (b batch 1)', [5], [1], 'fold'],
  ['rank 3 broadcast-a (a rank 2)', [], [4], 'loop'],
  ['rank 3 broadcast-a (a batch 1)', [1], [4], 'loop'],
  ['rank 4 batched', [2, 3], [2, 3], 'loop'],
  ['rank 4 broadcast-b', [2, 3], [1, 1], 'fold'],
  ['rank 4 × rank 2', [2, 3], [], 'fold'],
  ['rank 4 broadcast-a', [1, 1], [2, 3], 'loop'],
  ['rank 2 × rank 4', [], [2, 3], 'loop'],
  ['rank 5 batched', [2, 1, 2], [2, 1, 2], 'loop'],
];
const DIMS: Array<[number, number, number]> = [
  [5, 7, 3], // odd and tiny
  [33, 17, 65], // odd, past XNNPACK's tile sizes
];

describe('planBatchMatMul (pure)', () => {
  it('keeps the stock kernel where it is already XNNPACK or not ours', () => {
    expect(planBatchMatMul([4, 3], [3, 2], false, false).reason).toBe('already XNNPACK');
    expect(planBatchMatMul([1, 4, 3], [3, 2], false, false).reason).toBe('already XNNPACK');
    expect(planBatchMatMul([4, 3], [4, 2], false, false).reason).toBe('inner dims differ');
    expect(planBatchMatMul([2, 4, 3], [3, 3, 2], false, false).reason).toBe('outer dims do not broadcast');
    expect(planBatchMatMul([2, 1, 4, 3], [1, 3, 3, 2], false, false).reason).toBe('batch broadcast');
    expect(planBatchMatMul([0, 4, 3], [0, 3, 2], false, false).reason).toBe('empty');
    expect(planBatchMatMul([4], [4, 2], false, false).reason).toBe('rank < 2');
    expect(planBatchMatMul([8, 4, 3], [8, 3, 2], false, false, { minLoopMacs: 25 }).reason).toBe(
      'small batched product'
    );
  });

  it('folds, loops and computes the broadcast output shape', () => {
    expect(planBatchMatMul([2, 3, 4, 5], [5, 6], false, false)).toMatchObject({
      kind: 'fold',
      batchA: 6,
      batchB: 1,
      outShape: [2, 3, 4, 6],
    });
    expect(planBatchMatMul([50, 40], [2, 3, 60, 40], false, true)).toMatchObject({
      kind: 'loop',
      batch: 6,
      m: 50,
      k: 40,
      n: 60,
      outShape: [2, 3, 50, 60],
    });
    for (const [, oa, ob, kind] of BATCHES) {
      const { a, b } = shapes(oa, ob, 33, 17, 65, true, false);
      expect(planBatchMatMul(a, b, true, false).kind).toBe(kind);
      const tiny = shapes(oa, ob, 5, 7, 3, true, false);
      expect(planBatchMatMul(tiny.a, tiny.b, true, false).kind).toBe(kind === 'loop' ? 'stock' : kind);
      expect(planBatchMatMul(tiny.a, tiny.b, true, false, { minLoopMacs: 0 }).kind).toBe(kind);
    }
  });
});

describe('BatchMatMul on wasm vs cpu', () => {
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
    expect(wasmFixesState().batchMatMul).toBe(true);
  });

  // Tiny products run twice: as configured (batched ones stay on the stock
  // loop below minLoopMacs) and with the threshold off (our loop on views).
  for (const [name, outerA, outerB] of BATCHES) {
    for (const [m, k, n] of DIMS) {
      it(`${name}, M,K,N = ${m},${k},${n}, every transpose`, async () => {
        const combos = [false, true].flatMap((tA) => [false, true].map((tB) => [tA, tB] as const));
        const program = () =>
          combos.map(([tA, tB], i) => {
            const s = shapes(outerA, outerB, m, k, n, tA, tB);
            return tf.matMul(floats(s.a, 100 + i), floats(s.b, 200 + i), tA, tB);
          });
        const want = await resultsOn('cpu', program);
        for (const options of [{}, { minLoopMacs: 0 }]) {
          await setupBackend('wasm');
          registerWasmFixes({ batchMatMul: options });
          const got = await expectNoLeak(() => resultsOn('wasm', program));
          combos.forEach(([tA, tB], i) => {
            const label = `tA=${tA} tB=${tB} ${JSON.stringify(options)}`;
            expect(got[i].shape, label).toEqual(want[i].shape);
            expectClose(got[i].values, want[i].values, ATOL, RTOL, label);
          });
        }
        registerWasmFixes();
      });
    }
  }

  it("the 'copies' loop and a small-product threshold give the same results", async () => {
    const program = () => [
      tf.matMul(floats([6, 19, 25], 1), floats([6, 17, 25], 2), false, true),
      tf.matMul(floats([19, 25], 3), floats([2, 3, 19, 17], 4), true, false),
    ];
    const want = await resultsOn('cpu', program);
    for (const options of [{ loop: 'copies' }, { minLoopMacs: 1e9 }, { minLoopMacs: 0 }] as BatchMatMulOptions[]) {
      await setupBackend('wasm');
      registerWasmFixes({ batchMatMul: options });
      try {
        const got = await expectNoLeak(() => resultsOn('wasm', program));
        got.forEach((g, i) => expectClose(g.values, want[i].values, ATOL, RTOL, JSON.stringify(options)));
      } finally {
        registerWasmFixes();
      }
    }
  });

  it('falls back to the stock kernel for a [2,1]×[1,3] batch broadcast, with its results', async () => {
    const program = () => tf.matMul(floats([2, 1, 4, 3], 1), floats([1, 3, 3, 5], 2));
    await setupBackend('wasm');
    unregisterWasmFixes();
    const stock = await resultsOn('wasm', program).finally(() => registerWasmFixes());
    const got = await expectNoLeak(() => resultsOn('wasm', program));
    expect(got[0].shape).toEqual([2, 3, 4, 5]);
    expect(got[0].values).toEqual(stock[0].values);
  });

  it('keeps the stock errors for bad inputs', async () => {
    await setupBackend('wasm');
    const a = tf.ones([2, 3]);
    const b = tf.ones([4, 5]);
    const ai = tf.ones([2, 3], 'int32');
    const bi = tf.ones([3, 2], 'int32');
    try {
      expect(() => tf.matMul(a, b)).toThrow(/inner shapes|must match/);
      // tfjs casts int32 matmuls to float32 before the kernel; the kernel itself rejects int32.
      const k = tf.getKernel('BatchMatMul', 'wasm');
      expect(() =>
        k.kernelFunc({
          inputs: { a: ai, b: bi },
          backend: tf.backend(),
          attrs: { transposeA: false, transposeB: false },
        })
      ).toThrow(/float32/);
    } finally {
      tf.dispose([a, b, ai, bi]);
    }
  });

  // d(sum(w ⊙ matMul(a, b, tA, tB)))/d(a, b): each gradient is itself a transposed matmul.
  const GRAD_CASES: Array<[string, number[], number[]]> = [
    ['rank 2', [], []],
    ['rank 3 batched', [4], [4]],
    ['rank 4 batched', [2, 3], [2, 3]],
  ];
  for (const [name, outerA, outerB] of GRAD_CASES) {
    it(`gradients of matMul equal cpu's (${name}, every transpose)`, async () => {
      const program = () =>
        [false, true].flatMap((tA) =>
          [false, true].flatMap((tB) => {
            const s = shapes(outerA, outerB, 6, 9, 11, tA, tB);
            const w = floats([...outerA, 6, 11], 7);
            const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.matMul(a, b, tA, tB), w));
            return tf.grads(f)([floats(s.a, 1), floats(s.b, 2)]);
          })
        );
      const want = await resultsOn('cpu', program);
      const got = await expectNoLeak(() => resultsOn('wasm', program));
      want.forEach((w, i) => {
        expect(got[i].shape).toEqual(w.shape);
        expectClose(got[i].values, w.values, ATOL, RTOL, `grad ${i}`);
      });
    });
  }

  it('100 calls leave no tensors, no tracked bytes and no heap growth behind', async () => {
    await setupBackend('wasm');
    const heap = () => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.byteLength;
    const a = floats([8, 24, 16], 1);
    const b = floats([8, 24, 16], 2);
    const w = floats([16, 16], 3);
    const step = () => {
      tf.dispose([
        tf.matMul(a, b, false, true), // loop on views
        tf.matMul(a, b, true, false), // loop after transposing a
        tf.matMul(a, w, false, true), // fold
      ]);
    };
    for (let i = 0; i < 5; i++) step(); // warm-up: XNNPACK and malloc reach steady state
    const before = { ...tf.memory(), heap: heap() };
    for (let i = 0; i < 100; i++) step();
    const after = { ...tf.memory(), heap: heap() };
    tf.dispose([a, b, w]);
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    expect(after.heap).toBe(before.heap);
  });

  it('unregisters and re-registers (A/B switch)', async () => {
    await setupBackend('wasm');
    const fixed = tf.getKernel('BatchMatMul', 'wasm');
    unregisterWasmFixes();
    try {
      expect(wasmFixesState()).toEqual({ segmentSum: false, batchMatMul: false });
      expect(tf.getKernel('BatchMatMul', 'wasm')).not.toBe(fixed);
      expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeUndefined();
      registerWasmFixes({ segmentSum: true, batchMatMul: false });
      expect(wasmFixesState()).toEqual({ segmentSum: true, batchMatMul: false });
    } finally {
      registerWasmFixes();
    }
    expect(wasmFixesState()).toEqual({ segmentSum: true, batchMatMul: true });
  });
});
