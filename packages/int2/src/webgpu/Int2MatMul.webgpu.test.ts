/**
 * Int2MatMul on webgpu against a float64 matmul with the reference's
 * dequantized weight, and the ops (dequantize, quantizedMatMul) on a weight
 * quantized on cpu. Skips, naming the reason, where navigator.gpu gives no
 * adapter.
 *
 * Tolerance, per output y[m, n], with S = Σ_k |x[m,k]|·(|scale|·q + |min|) + |bias[n]|:
 *   |y − ref| ≤ (G + ⌈K/G⌉ + 4)·2^-24·S
 * the first-order bound for the shader's float32 sums (Int2MatMul.ts): ≤ G
 * terms inside a group, two products, ⌈K/G⌉ group terms and the bias, each
 * step one rounding of relative size 2^-24 of a partial sum bounded by S —
 * the bound the webgl suite states for float32 textures. One wrong code
 * changes y by about |x|·scale ≈ S/K, far above it.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, NamedTensorMap, Tensor } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeBackends, randn } from '@mobile-mm/core/test-utils';
import { isMobileMMError } from '@mobile-mm/core';
import { setupBackend } from '@mobile-mm/core/backend';
import { registerCpuKernels } from '../cpu/index.js';
import { Int2MatMul, type Bits, type QuantAttrs } from '../kernel-names.js';
import { numGroups } from '../format.js';
import {
  canonicalToLayout,
  dequantizeReference,
  quantizeReference,
  type CanonicalQuantized,
} from '../reference.js';
import { dequantize, quantize, quantizedMatMul } from '../ops.js';
import { backendLayout, QuantizedTensor } from '../quantized-tensor.js';
import { registerWebgpuKernels } from './index.js';
import {
  adversarialWeights,
  expectNoGpuLeak,
  expectSameBits,
  GPU,
  GPU_NOTE,
  uploadToGpu,
  WEBGPU_ENVS,
} from './__fixtures__/webgpu-test-utils.js';
import { MATMUL_CASES, matMulReference, type MatMulCase } from '../__fixtures__/kernel-cases.js';

const CASES = MATMUL_CASES;

function name(c: MatMulCase): string {
  return `M=${c.M} K=${c.K} N=${c.N} b=${c.bits} G=${c.groupSize}${c.bias ? ' +bias' : ''}`;
}

interface Prepared {
  inputs: NamedTensorMap;
  attrs: QuantAttrs;
  q: CanonicalQuantized;
  x: Float32Array;
  bias?: Float32Array;
}

function prepare(c: MatMulCase, seed: number): Prepared {
  const { K, N, bits, groupSize } = c;
  const w = adversarialWeights(K, N, bits, groupSize, seed);
  const q = quantizeReference(w, K, N, { bits, groupSize, scaleDtype: 'float32' });
  const ng = numGroups(K, groupSize);
  const codes32 = canonicalToLayout(q.codes, K, N, bits, groupSize, 'bytes');
  const x = Float32Array.from(randn(c.M * K, seed + 1));
  const bias = c.bias ? Float32Array.from(randn(N, seed + 2)) : undefined;
  const inputs: NamedTensorMap = {
    x: tf.tensor2d(x, [c.M, K]),
    codes: tf.tensor2d(codes32, [N, codes32.length / N], 'int32'),
    scales: tf.tensor2d(q.scales, [N, ng]),
    mins: tf.tensor2d(q.mins, [N, ng]),
  };
  if (bias) inputs.bias = tf.tensor1d(bias);
  return { inputs, attrs: { bits, groupSize, inDim: K, outDim: N, layout: 'bytes' }, q, x, bias };
}

function matMul(p: Prepared): Tensor {
  return tf.engine().runKernel(Int2MatMul, p.inputs, p.attrs as unknown as NamedAttrMap) as Tensor;
}

/** max over outputs of |y − ref| / bound; ≤ 1 passes. */
function worstRatio(c: MatMulCase, y: ArrayLike<number>, ref: { y: Float64Array; s: Float64Array }): { worst: number; at: number } {
  const gamma = (c.groupSize + numGroups(c.K, c.groupSize) + 4) * 2 ** -24;
  let worst = 0;
  let at = 0;
  for (let j = 0; j < ref.y.length; j++) {
    const ratio = Math.abs(y[j] - ref.y[j]) / (gamma * ref.s[j]);
    if (!(ratio <= worst)) {
      worst = ratio;
      at = j;
    }
  }
  return { worst, at };
}

describe.skipIf(!GPU.available)(`Int2MatMul webgpu${GPU_NOTE}`, () => {
  describeBackends(
    'Int2MatMul webgpu',
    () => {
      beforeAll(() => {
        registerWebgpuKernels();
      });

      CASES.forEach((c, i) => {
        it(`matches float64 on the dequantized weight, ${name(c)}`, async () => {
          const p = prepare(c, 300 + i);
          uploadToGpu(Object.values(p.inputs));
          const y = await expectNoGpuLeak(async () => {
            const out = matMul(p);
            expect(out.shape).toEqual([c.M, c.N]);
            const values = Float32Array.from(await out.data());
            out.dispose();
            return values;
          });
          const { worst, at } = worstRatio(c, y, matMulReference(c, p.q, p.x, p.bias));
          expect(worst, `worst error/bound at ${at}: got ${y[at]}`).toBeLessThanOrEqual(1);
          tf.dispose(Object.values(p.inputs));
        });
      });

      it('allocates no [K, N] buffer: tensor memory grows by the output only', async () => {
        const c: MatMulCase = { M: 5, K: 512, N: 512, bits: 2, groupSize: 64, bias: true };
        const p = prepare(c, 9);
        const warm = matMul(p); // compile and warm up
        await warm.data();
        warm.dispose();
        const before = tf.memory() as tf.MemoryInfo & { numBytesInGPU: number };
        const y = matMul(p);
        await y.data();
        const during = tf.memory() as tf.MemoryInfo & { numBytesInGPU: number };
        expect(during.numBytes - before.numBytes).toBe(c.M * c.N * 4);
        expect(during.numBytesInGPU - before.numBytesInGPU).toBeLessThan(c.K * c.N * 4);
        y.dispose();
        tf.dispose(Object.values(p.inputs));
      });

      it('quantize says it is not available on webgpu; a weight quantized on cpu runs here', async () => {
        const [M, K, N, bits, groupSize] = [3, 200, 96, 2, 64] as const;
        const wv = adversarialWeights(K, N, bits, groupSize, 41);
        const ref = quantizeReference(wv, K, N, { bits, groupSize, scaleDtype: 'float32' });
        expect(backendLayout()).toBe('bytes');
        const w = tf.tensor2d(wv, [K, N]);
        for (const scaleDtype of ['float32', 'float16'] as const) {
          let thrown: unknown;
          try {
            quantize(w, { bits, groupSize, scaleDtype });
          } catch (e) {
            thrown = e;
          }
          expect(isMobileMMError(thrown, 'UNSUPPORTED'), String(thrown)).toBe(true);
          expect((thrown as Error).message).toMatch(/no Int2Pack kernel on webgpu.*Quantize on cpu or wasm/);
        }
        w.dispose();
        // Quantized on cpu (its Int2Pack), then used on webgpu: the 'bytes' codes move as they are.
        await setupBackend('cpu');
        registerCpuKernels();
        const q = quantize(tf.tensor2d(wv, [K, N]), { bits, groupSize });
        await setupBackend('webgpu');
        const xv = Float32Array.from(randn(M * K, 42));
        const x = tf.tensor2d(xv, [M, K]);
        const canonical = await q.toCanonical();
        expectSameBits(canonical.codes, ref.codes, 'codes');
        const wq = dequantize(q);
        expectSameBits(await wq.data(), dequantizeReference(ref, K, N, { bits, groupSize }).map(Math.fround), 'ŵ');
        const y = quantizedMatMul(x, q);
        const c: MatMulCase = { M, K, N, bits, groupSize, bias: false };
        const p: Prepared = { inputs: {}, attrs: q.attrs, q: ref, x: xv };
        expect(worstRatio(c, await y.data(), matMulReference(c, p.q, p.x, p.bias)).worst).toBeLessThanOrEqual(1);
        tf.dispose([wq, y, x]);
        q.dispose();
      });

      it('loads a canonical weight with no re-pack: fromCanonical keeps the bytes layout', async () => {
        const [K, N, bits, groupSize] = [128, 64, 4, 32] as const;
        const ref = quantizeReference(Float32Array.from(randn(K * N, 51)), K, N, { bits, groupSize, scaleDtype: 'float32' });
        const q = QuantizedTensor.fromCanonical({ ...ref, inDim: K, outDim: N, bits, groupSize, scaleDtype: 'float32' });
        expect(q.layout).toBe('bytes');
        const wq = dequantize(q);
        expectSameBits(await wq.data(), dequantizeReference(ref, K, N, { bits, groupSize }).map(Math.fround), 'ŵ');
        wq.dispose();
        q.dispose();
      });

      it('rejects mismatched shapes and a fused activation', () => {
        const c: MatMulCase = { M: 2, K: 64, N: 8, bits: 2, groupSize: 64, bias: true };
        const p = prepare(c, 11);
        const bad = (inputs: NamedTensorMap, attrs: object = p.attrs) => () =>
          tf.engine().runKernel(Int2MatMul, inputs, attrs as unknown as NamedAttrMap);
        const x3 = tf.zeros([2, 63]);
        const bias3 = tf.zeros([7]);
        expect(bad({ ...p.inputs, x: x3 })).toThrow(/x must be \[M, 64\]/);
        expect(bad({ ...p.inputs, bias: bias3 })).toThrow(/bias must have shape \[8\]/);
        expect(bad({ ...p.inputs, codes: p.inputs.scales })).toThrow(/codes must have shape/);
        expect(bad(p.inputs, { ...p.attrs, activation: 'gelu' })).toThrow(/fused on cpu and wasm only/);
        expect(bad(p.inputs, { ...p.attrs, layout: 'webgl-f16' })).toThrow(/read layout 'bytes'/);
        tf.dispose([x3, bias3, ...Object.values(p.inputs)]);
      });
    },
    { envs: WEBGPU_ENVS },
  );
});
