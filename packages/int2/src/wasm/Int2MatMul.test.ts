/**
 * Int2MatMul on wasm against float64 math on the reference's dequantized ŵ.
 *
 * Tolerances, per output element (mag = Σ_k |x|·(s·q + |min|) + |bias|):
 *   unpack (XNNPACK f32)   |y − y64| ≤ F32_TOL · mag
 *   int16 / int8           |y − y64| ≤ ACT_ROUND_SLACK · Σ_k 0.5·sa·s·q + F32_TOL · mag
 * where sa = max_{k∈g}|x| / qmax is the activation step of the group: rounding
 * x to integers moves each activation by at most sa/2, so the integer path can
 * be off by at most Σ_k (sa/2)·s·q (the min term uses the exact Σx). With
 * qmax = 32767 that is ≈ 1.5e-5 of the group max per activation; with 127 (W2A8)
 * ≈ 4e-3. The slack 1.01 covers x·(qmax/amax) being rounded once in float32.
 * Measured errors use 5–40 % of these bounds; as output RMSE relative to the
 * output RMS (scripts/bench-wasm.mjs, K = N ≤ 2048): int16 3e-5 … 9e-5,
 * int8 (W2A8) ≈ 1e-2, unpack (float32) ≈ 5e-7.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { describeBackends, expectNoLeak, randn } from '@mobile-mm/core/test-utils';
import { isMobileMMError, type MobileMMErrorCode } from '@mobile-mm/core';
import { Int2MatMul, type Bits, type QuantAttrs } from '../kernel-names.js';
import { ACT_QMAX, chooseMatMulPath, registerWasmKernels, setWasmMatMulPath, setWasmMemoryMode } from './index.js';
import { beginCall } from './wasm-module.js';
import { expectWithin, matMulRef, packedTensors, refWeight, type RefWeight } from './__fixtures__/wasm-cases.js';

const WASM_ONLY = { envs: [{ name: 'wasm', backend: 'wasm' as const }] };
const F32_TOL = 2e-6;
const ACT_ROUND_SLACK = 1.01;

function run(x: tf.Tensor, p: ReturnType<typeof packedTensors>, attrs: QuantAttrs, bias?: tf.Tensor): tf.Tensor {
  const inputs = bias ? { x, ...p, bias } : { x, ...p };
  return tf.engine().runKernel(Int2MatMul, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}

type Path = 'int16' | 'int8' | 'unpack';

function check(path: Path, M: number, ref: RefWeight, withBias: boolean, seed: number): number {
  const { inDim: K, outDim: N } = ref.attrs;
  const x = Float32Array.from(randn(M * K, seed, 1));
  const bias = withBias ? Float32Array.from(randn(N, seed + 1, 0.5)) : null;
  const qmax = path === 'unpack' ? Infinity : ACT_QMAX[path];
  const want = matMulRef(x, M, ref, bias, qmax);
  setWasmMatMulPath(path);
  const p = packedTensors(ref);
  const xt = tf.tensor2d(x, [M, K]);
  const bt = bias ? tf.tensor1d(bias) : undefined;
  const y = run(xt, p, ref.attrs, bt);
  expect(y.shape).toEqual([M, N]);
  expect(y.dtype).toBe('float32');
  const got = y.dataSync();
  tf.dispose([y, xt, p.codes, p.scales, p.mins, ...(bt ? [bt] : [])]);
  const label = `${path} bits ${ref.attrs.bits} G ${ref.attrs.groupSize} [${M},${K}]x[${K},${N}]`;
  return expectWithin(
    got,
    want.y,
    (i) => ACT_ROUND_SLACK * (path === 'unpack' ? 0 : want.actRound[i]) + F32_TOL * want.mag[i],
    label,
  );
}

describeBackends(
  'wasm Int2MatMul',
  () => {
    beforeAll(() => registerWasmKernels());
    afterEach(() => {
      setWasmMatMulPath('auto');
      setWasmMemoryMode('auto');
    });

    const paths: Path[] = ['int16', 'int8', 'unpack'];
    const bitsList: Bits[] = [2, 4, 8];
    for (const path of paths) {
      for (const bits of bitsList) {
        for (const G of [32, 64, 128]) {
          it(`${path}, ${bits}-bit, G ${G}: K = 200 (not a multiple of G), odd N = 77, M = 1, 5, 16, ± bias`, async () => {
            const ref = refWeight(bits, G, 200, 77, bits * 1000 + G);
            await expectNoLeak(() => {
              for (const M of [1, 5, 16]) check(path, M, ref, M !== 5, M * 7 + G);
            });
          });
        }
      }
    }

    it('2-bit G 32 with one group (K = 20) and with three (K = 90): the half-chunk tail, last column in every kernel', () => {
      for (const K of [20, 90]) {
        for (const N of [8, 9]) {
          for (const path of ['int16', 'int8'] as Path[]) {
            const ref = refWeight(2, 32, K, N, K + N);
            for (const M of [1, 4, 6]) check(path, M, ref, true, K + M);
          }
        }
      }
    });

    it('N < 4, N = 1 and M = 0', () => {
      for (const N of [1, 2, 3]) check('int16', 3, refWeight(2, 64, 130, N, N), true, N);
      const ref = refWeight(2, 64, 64, 8);
      const p = packedTensors(ref);
      const x = tf.zeros([0, 64]);
      const y = run(x, p, ref.attrs);
      expect(y.shape).toEqual([0, 8]);
      tf.dispose([x, y, p.codes, p.scales, p.mins]);
    });

    it('sizes up to 1024, every path (2-bit, G 64)', () => {
      for (const [M, K, N] of [
        [1, 1024, 1024],
        [16, 1024, 512],
        [3, 512, 1024],
      ]) {
        const ref = refWeight(2, 64, K, N, K + N);
        const worst = Object.fromEntries(paths.map((path) => [path, check(path, M, ref, true, M)]));
        // The bounds are tight enough to mean something: measured errors use
        // 5–40 % of them (int8 and int16 both round activations visibly).
        expect(worst.int8).toBeGreaterThan(0.02);
        expect(worst.int16).toBeGreaterThan(0.02);
      }
    });

    it('copy mode (own memory, the fallback for shared heaps) gives the same results', () => {
      setWasmMemoryMode('copy');
      const ref = refWeight(2, 32, 200, 77, 5);
      for (const path of paths) for (const M of [1, 6]) check(path, M, ref, true, M);
      const ref4 = refWeight(4, 64, 300, 10, 6);
      check('int16', 5, ref4, false, 1);
    });

    it('auto runs the int16 path at every M (the fastest measured, see Int2MatMul.ts)', () => {
      setWasmMatMulPath('auto');
      expect(chooseMatMulPath()).toBe('int16');
      const ref = refWeight(2, 64, 128, 20, 3);
      for (const M of [1, 300]) {
        const x = Float32Array.from(randn(M * 128, M, 1));
        const want = matMulRef(x, M, ref, null, ACT_QMAX.int16);
        const p = packedTensors(ref);
        const xt = tf.tensor2d(x, [M, 128]);
        const y = run(xt, p, ref.attrs);
        expectWithin(
          y.dataSync(),
          want.y,
          (i) => ACT_ROUND_SLACK * want.actRound[i] + F32_TOL * want.mag[i],
          `auto M ${M}`,
        );
        tf.dispose([y, xt, p.codes, p.scales, p.mins]);
      }
      setWasmMatMulPath('unpack');
      expect(chooseMatMulPath()).toBe('unpack');
    });

    it("runs on the backend's own heap (no copies) when its memory is not shared", () => {
      const call = beginCall(tf.backend() as never);
      try {
        expect(call.zeroCopy).toBe(true);
      } finally {
        call.end();
      }
      setWasmMemoryMode('copy');
      const copy = beginCall(tf.backend() as never);
      expect(copy.zeroCopy).toBe(false);
      copy.end();
    });

    it('no leaked tensors and no heap growth over 100 calls, every path', async () => {
      const ref = refWeight(2, 64, 256, 256, 11);
      const p = packedTensors(ref);
      const bias = tf.tensor1d(Float32Array.from(randn(256, 2, 1)));
      const heapBytes = () => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length;
      for (const path of paths) {
        setWasmMatMulPath(path);
        const x = tf.tensor2d(Float32Array.from(randn(4 * 256, 3, 1)), [4, 256]);
        tf.dispose(run(x, p, ref.attrs, bias)); // warm-up
        const before = tf.memory();
        const heapBefore = heapBytes();
        await expectNoLeak(() => {
          for (let i = 0; i < 100; i++) tf.dispose(run(x, p, ref.attrs, bias));
        });
        expect(tf.memory().numBytes, `${path}: numBytes`).toBe(before.numBytes);
        expect(heapBytes(), `${path}: wasm heap size`).toBe(heapBefore);
        x.dispose();
      }
      tf.dispose([p.codes, p.scales, p.mins, bias]);
    });

    it('bad input → MobileMMError with a code', () => {
      const ref = refWeight(2, 64, 128, 8, 1);
      const p = packedTensors(ref);
      const x = tf.randomNormal([2, 128]);
      const expectCode = (fn: () => unknown, code: MobileMMErrorCode) => {
        let err: unknown;
        try {
          tf.dispose(fn() as tf.Tensor);
        } catch (e) {
          err = e;
        }
        expect(isMobileMMError(err, code), `${String(err)}`).toBe(true);
      };
      const x3 = tf.randomNormal([1, 2, 128]);
      const xK = tf.randomNormal([2, 100]);
      const xi = tf.zeros([2, 128], 'int32');
      const b5 = tf.zeros([5]);
      expectCode(() => run(x3, p, ref.attrs), 'INVALID_SHAPE');
      expectCode(() => run(xK, p, ref.attrs), 'INVALID_SHAPE');
      expectCode(() => run(xi, p, ref.attrs), 'INVALID_DTYPE');
      expectCode(() => run(x, p, ref.attrs, b5), 'INVALID_SHAPE');
      expectCode(() => run(x, { ...p, codes: p.scales }, ref.attrs), 'INVALID_DTYPE');
      expectCode(() => run(x, { ...p, scales: tf.slice(p.mins, [0, 0], [4, 2]) }, ref.attrs), 'INVALID_SHAPE');
      expectCode(() => run(x, p, { ...ref.attrs, layout: 'webgl-fp32' }), 'UNSUPPORTED');
      expectCode(() => run(x, p, { ...ref.attrs, bits: 3 as Bits }), 'INVALID_ARGUMENT');
      expectCode(() => run(x, p, { ...ref.attrs, groupSize: 48 }), 'INVALID_ARGUMENT');
      expectCode(() => run(x, p, { ...ref.attrs, outDim: 0 }), 'INVALID_ARGUMENT');
      expect(() => setWasmMatMulPath('fast' as Path)).toThrow(/accepted/);
      tf.dispose([x, x3, xK, xi, b5, p.codes, p.scales, p.mins]);
    });

    afterAll(() => setWasmMatMulPath('auto'));
  },
  WASM_ONLY,
);
