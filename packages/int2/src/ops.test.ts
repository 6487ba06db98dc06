/**
 * The kernels through the public ops, on every backend that has them:
 * pack and unpack against the scalar reference, matmul against float64 math
 * on the reference's dequantized weight.
 *
 * Tolerances:
 *  - pack (codes, scales, mins): exact, against the reference run on the
 *    weights as the backend holds them, with float16 scales on f16 textures.
 *  - unpack: exact on cpu (same float64-then-round arithmetic); elsewhere
 *    ≤ 1 float32 ulp of |scale·q| + |min| (UNPACK_ULP), allowing an unfused
 *    multiply-add; f16 textures: F16_REL.
 *  - matmul: |y − y64| ≤ MATMUL_TOL·(1 + Σ_k |x||ŵ|) with y64 the float64
 *    product; f16 textures: F16_REL instead of MATMUL_TOL.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { expectNoLeak, randn, type BackendEnv } from '@mobile-mm/core/test-utils';
import { isMobileMMError, type MobileMMErrorCode } from '@mobile-mm/core';
import { describeKernelBackends, isF16Env } from './__fixtures__/kernel-backends.js';
import type { Bits } from './kernel-names.js';
import { SUPPORTED_BITS, SUPPORTED_GROUP_SIZES } from './format.js';
import { canonicalToLayout, dequantizeReference, quantizeReference } from './reference.js';
import { dequantize, quantize, quantizedMatMul } from './ops.js';
import { backendLayout, QuantizedTensor } from './quantized-tensor.js';
import { registerInt2Kernels } from './register.js';

const UNPACK_ULP = 2 ** -23;
const MATMUL_TOL = 1e-4;
const F16_REL = 2 ** -10;

function expectCode(fn: () => unknown, code: MobileMMErrorCode, messagePart?: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(isMobileMMError(thrown, code), `expected MobileMMError ${code}, got ${String(thrown)}`).toBe(true);
  if (messagePart) expect((thrown as Error).message).toContain(messagePart);
}

function expectWithin(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: ArrayLike<number>, label: string): void {
  expect(actual.length, label).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= tol[i])) throw new Error(`${label}: at ${i} got ${actual[i]}, want ${expected[i]} (tol ${tol[i]})`);
  }
}

/** y64 = x · ŵ (+ bias) in float64, and Σ_k |x||ŵ| per output. */
function matmul64(x: ArrayLike<number>, M: number, wHat: Float64Array, K: number, N: number, bias?: ArrayLike<number>) {
  const y = new Float64Array(M * N);
  const mag = new Float64Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let s = bias ? bias[n] : 0;
      let a = bias ? Math.abs(bias[n]) : 0;
      for (let k = 0; k < K; k++) {
        s += x[m * K + k] * wHat[k * N + n];
        a += Math.abs(x[m * K + k] * wHat[k * N + n]);
      }
      y[m * N + n] = s;
      mag[m * N + n] = a;
    }
  }
  return { y, mag };
}

const SHAPES: [number, number][] = [
  [200, 77], // K not a multiple of any group size, odd N
  [256, 64],
];

describeKernelBackends(
  'int2 ops',
  (env: BackendEnv) => {
    const f16 = isF16Env(env);
    beforeAll(() => registerInt2Kernels());

    it('quantizes in the layout of the backend', () => {
      const expected = env.backend === 'webgl' ? (f16 ? 'webgl-f16' : 'webgl-fp32') : 'bytes';
      expect(backendLayout()).toBe(expected);
    });

    for (const bits of SUPPORTED_BITS) {
      for (const G of SUPPORTED_GROUP_SIZES) {
        for (const [K, N] of SHAPES) {
          it(`pack is exact vs the reference (bits ${bits}, G ${G}, [${K}, ${N}])`, async () => {
            await expectNoLeak(async () => {
              const w = tf.tensor2d(Float32Array.from(randn(K * N, bits * 1000 + G + K, 0.1)), [K, N]);
              const q = quantize(w, { bits, groupSize: G });
              // Reference from the weights as the backend holds them, read after the kernel ran
              // (webgl uploads lazily; f16 textures round on upload). With f16 textures scales
              // and mins live in float16, so the kernel equals the float16 reference.
              const scaleDtype = f16 ? 'float16' : 'float32';
              const ref = quantizeReference((await w.data()) as Float32Array, K, N, { bits, groupSize: G, scaleDtype });
              expect(q.layout).toBe(backendLayout());
              expect(q.scaleDtype).toBe(scaleDtype);
              expect(Array.from(await q.codes.data())).toEqual(
                Array.from(canonicalToLayout(ref.codes, K, N, bits, G, q.layout)),
              );
              const c = await q.toCanonical();
              expect(c.codes).toEqual(ref.codes);
              expect(c.scales).toEqual(ref.scales);
              expect(c.mins).toEqual(ref.mins);
              q.dispose();
              w.dispose();
            });
          });

          it(`unpack matches the reference (bits ${bits}, G ${G}, [${K}, ${N}])`, async () => {
            await expectNoLeak(async () => {
              const w = Float32Array.from(randn(K * N, bits * 7 + G + K, 0.1));
              const ref = quantizeReference(w, K, N, { bits, groupSize: G, scaleDtype: 'float16' });
              const q = QuantizedTensor.fromCanonical({ ...ref, inDim: K, outDim: N, bits, groupSize: G, scaleDtype: 'float16' });
              const wHat = dequantize(q);
              expect(wHat.shape).toEqual([K, N]);
              const got = (await wHat.data()) as Float32Array;
              const want = dequantizeReference(ref, K, N, { bits, groupSize: G });
              if (env.backend === 'cpu') {
                expect(got).toEqual(Float32Array.from(want));
              } else {
                const rel = f16 ? F16_REL : UNPACK_ULP;
                expectWithin(got, Float32Array.from(want), Array.from(want, (v) => rel * (Math.abs(v) + 1e-3)), 'unpack');
              }
              wHat.dispose();
              q.dispose();
            });
          });
        }

        for (const M of [1, 5, 16]) {
          it(`matmul vs float64 (bits ${bits}, G ${G}, M ${M}, [200, 77], bias ${M !== 5})`, async () => {
            await expectNoLeak(async () => {
              const K = 200;
              const N = 77;
              const wArr = Float32Array.from(randn(K * N, bits + G + M, 0.1));
              const ref = quantizeReference(wArr, K, N, { bits, groupSize: G, scaleDtype: 'float32' });
              const q = QuantizedTensor.fromCanonical({ ...ref, inDim: K, outDim: N, bits, groupSize: G, scaleDtype: 'float32' });
              const x = tf.tensor2d(Float32Array.from(randn(M * K, 100 + M, 1)), [M, K]);
              const bias = M !== 5 ? tf.tensor1d(Float32Array.from(randn(N, 3, 0.5))) : undefined;
              const y = quantizedMatMul(x, q, bias);
              expect(y.shape).toEqual([M, N]);
              const xs = await x.data();
              const bs = bias ? await bias.data() : undefined;
              const { y: y64, mag } = matmul64(xs, M, dequantizeReference(ref, K, N, { bits, groupSize: G }), K, N, bs);
              const tol = f16 ? F16_REL : MATMUL_TOL;
              expectWithin(await y.data(), y64, Array.from(mag, (a) => tol * (1 + a)), 'matmul');
              tf.dispose([x, y, bias]);
              q.dispose();
            });
          });
        }
      }
    }

    it('accepts x of rank 3 [B, T, K]', async () => {
      await expectNoLeak(async () => {
        const [B, T, K, N] = [2, 3, 128, 40];
        const w = tf.tensor2d(Float32Array.from(randn(K * N, 5, 0.1)), [K, N]);
        const q = quantize(w, { bits: 2 });
        const x = tf.tensor3d(Float32Array.from(randn(B * T * K, 6, 1)), [B, T, K]);
        const y = quantizedMatMul(x, q);
        expect(y.shape).toEqual([B, T, N]);
        const x2 = tf.reshape(x, [B * T, K]);
        const y2 = quantizedMatMul(x2 as tf.Tensor2D, q);
        expect(await y.data()).toEqual(await y2.data());
        tf.dispose([w, x, y, x2, y2]);
        q.dispose();
      });
    });

    it('converts the layout when the weight was packed for another backend', async () => {
      await expectNoLeak(async () => {
        const [K, N] = [256, 33];
        const wArr = Float32Array.from(randn(K * N, 8, 0.1));
        const ref = quantizeReference(wArr, K, N, { bits: 2, groupSize: 64, scaleDtype: 'float32' });
        const canonical = { ...ref, inDim: K, outDim: N, bits: 2 as Bits, groupSize: 64, scaleDtype: 'float32' as const };
        const here = QuantizedTensor.fromCanonical(canonical);
        const other = QuantizedTensor.fromCanonical(canonical, here.layout === 'bytes' ? 'webgl-f16' : 'bytes');
        const x = tf.tensor2d(Float32Array.from(randn(3 * K, 9, 1)), [3, K]);
        const a = quantizedMatMul(x, here);
        const b = quantizedMatMul(x, other);
        expect(other.layout).toBe(here.layout);
        expect(await b.data()).toEqual(await a.data());
        expect((await other.toCanonical()).codes).toEqual(ref.codes);
        // A conversion inside a caller's tidy (as in model.predict) must not free the weight.
        const third = QuantizedTensor.fromCanonical(canonical, here.layout === 'bytes' ? 'webgl-fp32' : 'bytes');
        const c = tf.tidy(() => tf.add(quantizedMatMul(x, third), 0));
        expect(third.codes.isDisposed).toBe(false);
        expect(await c.data()).toEqual(await a.data());
        c.dispose();
        third.dispose();
        tf.dispose([x, a, b]);
        here.dispose();
        other.dispose();
      });
    });

    it('reports byte sizes', () => {
      const [K, N] = [200, 77];
      const w = tf.tensor2d(Float32Array.from(randn(K * N, 10, 0.1)), [K, N]);
      const q = quantize(w, { bits: 2, groupSize: 64, scaleDtype: 'float16' });
      // Kp = 256: codes 77·64 bytes, scales+mins 2·77·4 groups·2 bytes.
      expect(q.canonicalByteSize).toBe(77 * 64 + 2 * 77 * 4 * 2);
      expect(q.byteSize).toBe(4 * (q.codes.size + 2 * 77 * 4));
      expect(q.scaleDtype).toBe('float16');
      w.dispose();
      q.dispose();
    });

    it('validates inputs with typed errors before any kernel runs', async () => {
      await expectNoLeak(() =>
        tf.tidy(() => {
          const w = tf.tensor2d(Float32Array.from(randn(128 * 8, 1, 1)), [128, 8]);
          expectCode(() => quantize(tf.cast(w, 'int32') as tf.Tensor2D, { bits: 2 }), 'INVALID_DTYPE', 'float32');
          expectCode(() => quantize(tf.reshape(w, [2, 64, 8]) as unknown as tf.Tensor2D, { bits: 2 }), 'INVALID_SHAPE', 'rank 2');
          expectCode(() => quantize(w, { bits: 3 as Bits }), 'INVALID_ARGUMENT', '2, 4, 8');
          expectCode(() => quantize(w, { bits: 2, groupSize: 48 }), 'INVALID_ARGUMENT', '32, 64, 128');
          expectCode(() => quantize(w, { bits: 2, scaleDtype: 'bfloat16' as 'float16' }), 'INVALID_ARGUMENT', 'float16');
          const q = quantize(w, { bits: 2, groupSize: 32 });
          const x = tf.ones([4, 128]) as tf.Tensor2D;
          expectCode(() => quantizedMatMul(tf.ones([4, 100]) as tf.Tensor2D, q), 'INVALID_SHAPE', '[M, 128]');
          expectCode(() => quantizedMatMul(tf.ones([4, 128], 'int32') as tf.Tensor2D, q), 'INVALID_DTYPE');
          expectCode(() => quantizedMatMul(tf.ones([128]) as unknown as tf.Tensor2D, q), 'INVALID_SHAPE');
          expectCode(() => quantizedMatMul(x, q, tf.ones([7]) as tf.Tensor1D), 'INVALID_SHAPE', 'bias must be [8]');
          expectCode(() => quantizedMatMul(x, q, tf.ones([8], 'int32') as tf.Tensor1D), 'INVALID_DTYPE');
          q.dispose();
          expectCode(() => quantizedMatMul(x, q), 'INVALID_ARGUMENT', 'disposed');
          expectCode(() => dequantize(q), 'INVALID_ARGUMENT', 'disposed');
        }),
      );
    });
  },
  { f16: true },
);
