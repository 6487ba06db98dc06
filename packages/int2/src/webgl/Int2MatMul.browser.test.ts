/**
 * Int2MatMul on webgl, float32 and float16 textures, against a float64
 * matmul with the reference's dequantized weight.
 *
 * Tolerance, per output y[m, n], with S = Σ_k |x[m,k]|·(|scale|·q + |min|) + |bias[n]|:
 *   float32 textures:  |y − ref| ≤ (G + ⌈K/G⌉ + 4)·2^-24·S
 *     the first-order bound for the shader's float32 sums: ≤ G terms inside
 *     a group, two products, ⌈K/G⌉ group terms and the bias (each step one
 *     rounding of relative size 2^-24 of a partial sum bounded by S).
 *   float16 textures:  b32 + 2^-11·(|ref| + b32) + 2^-25, b32 the bound above
 *     the shader still accumulates in float32; x, bias, scales and mins are
 *     float16 values (the reference uses exactly the values the textures
 *     hold), and y is rounded to float16 once when stored (2^-11 relative,
 *     2^-25 absolute in the subnormal range).
 * Observed (SwiftShader): float32 errors ≤ 3% of the bound; float16 ≤ 93%,
 * nearly all of it the float16 rounding of y. One wrong code changes y by
 * about |x|·scale ≈ S/K, far above both.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, NamedTensorMap, Tensor } from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { describeBackends, randn } from '@mobile-mm/core/test-utils';
import { Int2MatMul, type Bits, type PackedLayout, type QuantAttrs } from '../kernel-names.js';
import { numGroups } from '../format.js';
import {
  canonicalToLayout,
  quantizeReference,
  roundToFloat16,
  type CanonicalQuantized,
} from '../reference.js';
import { registerWebglKernels, webglLayout } from './index.js';
import {
  adversarialWeights,
  expectNoGpuLeak,
  expectTexturePrecision,
  gpuValues,
  isHalfEnv,
  webglBackend,
  WEBGL_ENVS,
} from './__fixtures__/webgl-test-utils.js';
import { MATMUL_CASES, matMulReference, type MatMulCase } from '../__fixtures__/kernel-cases.js';

const CASES = MATMUL_CASES;

function name(c: MatMulCase, layout: PackedLayout): string {
  return `M=${c.M} K=${c.K} N=${c.N} b=${c.bits} G=${c.groupSize}${c.bias ? ' +bias' : ''} ${layout}`;
}

interface Prepared {
  inputs: NamedTensorMap;
  attrs: QuantAttrs;
  q: CanonicalQuantized;
}

function prepare(c: MatMulCase, layout: PackedLayout, half: boolean, seed: number): Prepared {
  const { K, N, bits, groupSize } = c;
  const w = adversarialWeights(K, N, bits, groupSize, seed);
  const q = quantizeReference(half ? w.map(roundToFloat16) : w, K, N, {
    bits,
    groupSize,
    scaleDtype: half ? 'float16' : 'float32',
  });
  const ng = numGroups(K, groupSize);
  const codes32 = canonicalToLayout(q.codes, K, N, bits, groupSize, layout);
  const inputs: NamedTensorMap = {
    x: tf.tensor2d(Float32Array.from(randn(c.M * K, seed + 1)), [c.M, K]),
    codes: tf.tensor2d(codes32, [N, codes32.length / N], 'int32'),
    scales: tf.tensor2d(q.scales, [N, ng]),
    mins: tf.tensor2d(q.mins, [N, ng]),
  };
  if (c.bias) inputs.bias = tf.tensor1d(Float32Array.from(randn(N, seed + 2)));
  return { inputs, attrs: { bits, groupSize, inDim: K, outDim: N, layout }, q };
}

function matMul(p: Prepared): Tensor {
  return tf.engine().runKernel(Int2MatMul, p.inputs, p.attrs as unknown as NamedAttrMap) as Tensor;
}

describeBackends(
  'Int2MatMul webgl',
  (env) => {
    const half = isHalfEnv(env);
    beforeAll(() => {
      registerWebglKernels();
      expectTexturePrecision(env);
    });

    const runs: [MatMulCase, PackedLayout][] = CASES.map((c) => [c, half ? 'webgl-f16' : 'webgl-fp32']);
    if (!half) runs.push([CASES[0], 'webgl-f16'], [CASES[3], 'webgl-f16']); // the denser f16 layout also works on fp32 textures
    runs.forEach(([c, layout], i) => {
      it(`matches float64 on the dequantized weight, ${name(c, layout)}`, async () => {
        const p = prepare(c, layout, half, 300 + i);
        const x = gpuValues(p.inputs.x);
        const bias = p.inputs.bias ? gpuValues(p.inputs.bias) : undefined;
        gpuValues(p.inputs.codes);
        gpuValues(p.inputs.scales);
        gpuValues(p.inputs.mins);
        if (half) expect(Array.from(x.slice(0, 8))).toEqual(Array.from(x.slice(0, 8)).map(roundToFloat16));
        const y = await expectNoGpuLeak(() => {
          const out = matMul(p);
          expect(out.shape).toEqual([c.M, c.N]);
          const values = Float32Array.from(out.dataSync());
          out.dispose();
          return values;
        });
        const ref = matMulReference(c, p.q, x, bias);
        const gamma = (c.groupSize + numGroups(c.K, c.groupSize) + 4) * 2 ** -24;
        let worst = 0;
        let worstAt = 0;
        for (let j = 0; j < y.length; j++) {
          const f32 = gamma * ref.s[j];
          const bound = half ? f32 + 2 ** -11 * (Math.abs(ref.y[j]) + f32) + 2 ** -25 : f32;
          const ratio = Math.abs(y[j] - ref.y[j]) / bound;
          if (!(ratio <= worst)) {
            worst = ratio;
            worstAt = j;
          }
        }
        expect(worst, `worst error/bound at ${worstAt}: got ${y[worstAt]}, want ${ref.y[worstAt]}`).toBeLessThanOrEqual(
          1
        );
        tf.dispose(Object.values(p.inputs));
      });
    });

    it('allocates no [K, N] texture: GPU memory grows by the output only', () => {
      const c: MatMulCase = { M: 5, K: 512, N: 512, bits: 2, groupSize: 64, bias: true };
      const p = prepare(c, webglLayout(), half, 9);
      for (const t of Object.values(p.inputs)) gpuValues(t);
      matMul(p).dispose(); // compile and warm up
      const backend = webglBackend();
      const textures = backend.getTextureManager();
      const acquired: number[] = [];
      const acquire = textures.acquireTexture;
      textures.acquireTexture = (shape, usage, isPacked) => {
        acquired.push(shape[0] * shape[1] * (isPacked ? 4 : 1));
        return acquire.call(textures, shape, usage, isPacked);
      };
      try {
        const before = tf.memory() as tf.MemoryInfo & { numBytesInGPU: number };
        const y = matMul(p);
        y.dataSync();
        const during = tf.memory() as tf.MemoryInfo & { numBytesInGPU: number };
        expect(during.numBytes - before.numBytes).toBe(c.M * c.N * 4);
        expect(during.numBytesInGPU - before.numBytesInGPU).toBeLessThan(c.K * c.N * 4);
        expect(Math.max(...acquired)).toBeLessThan(c.K * c.N);
        expect(acquired.reduce((a, b) => a + b, 0) * 4).toBeLessThan(c.K * c.N * 4);
        y.dispose();
        const after = tf.memory() as tf.MemoryInfo & { numBytesInGPU: number };
        expect(after.numBytes).toBe(before.numBytes);
        expect(after.numTensors).toBe(before.numTensors);
      } finally {
        textures.acquireTexture = acquire;
      }
      tf.dispose(Object.values(p.inputs));
    });

    it('rejects mismatched shapes', () => {
      const c: MatMulCase = { M: 2, K: 64, N: 8, bits: 2, groupSize: 64, bias: true };
      const p = prepare(c, webglLayout(), half, 11);
      const bad = (inputs: NamedTensorMap) => () =>
        tf.engine().runKernel(Int2MatMul, inputs, p.attrs as unknown as NamedAttrMap);
      const x3 = tf.zeros([2, 63]);
      const bias3 = tf.zeros([7]);
      expect(bad({ ...p.inputs, x: x3 })).toThrow(/x must be \[M, 64\]/);
      expect(bad({ ...p.inputs, bias: bias3 })).toThrow(/bias must have shape \[8\]/);
      expect(bad({ ...p.inputs, codes: p.inputs.scales })).toThrow(/codes must have shape/);
      tf.dispose([x3, bias3, ...Object.values(p.inputs)]);
    });
  },
  { envs: WEBGL_ENVS }
);
