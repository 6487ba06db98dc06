/**
 * Int2Pack on webgl, float32 and float16 textures: codes, scales and mins
 * bit-exact with reference.ts quantizeReference on the weight the GPU holds
 * (scaleDtype 'float32' on float32 textures, 'float16' on float16 ones).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { describeBackends } from '@mobile-mm/core/test-utils';
import { Int2Pack, type QuantAttrs } from '../kernel-names.js';
import { canonicalToLayout, quantizeReference, roundToFloat16 } from '../reference.js';
import { registerWebglKernels, webglLayout } from './index.js';
import {
  adversarialWeights,
  caseName,
  expectNoGpuLeak,
  expectSameBits,
  expectTexturePrecision,
  gpuValues,
  isHalfEnv,
  WEBGL_ENVS,
  type Case,
} from './__fixtures__/webgl-test-utils.js';

const CASES: Case[] = [
  { K: 200, N: 77, bits: 2, groupSize: 64 },
  { K: 256, N: 128, bits: 2, groupSize: 32 },
  { K: 130, N: 64, bits: 4, groupSize: 128 },
  { K: 256, N: 96, bits: 4, groupSize: 64 },
  { K: 192, N: 80, bits: 8, groupSize: 32 },
  { K: 300, N: 40, bits: 8, groupSize: 128 },
];

function pack(w: Tensor, c: Case, layout = webglLayout()): Tensor[] {
  const attrs: QuantAttrs = { bits: c.bits, groupSize: c.groupSize, inDim: c.K, outDim: c.N, layout };
  return tf.engine().runKernel(Int2Pack, { w }, attrs as unknown as NamedAttrMap) as Tensor[];
}

describeBackends(
  'Int2Pack webgl',
  (env) => {
    const half = isHalfEnv(env);
    beforeAll(() => {
      registerWebglKernels();
      expectTexturePrecision(env);
    });

    const layouts = half ? (['webgl-f16'] as const) : (['webgl-fp32', 'webgl-f16'] as const);
    for (const c of CASES) {
      for (const layout of layouts) {
        it(`bit-exact with quantizeReference, ${caseName({ ...c, layout })}`, async () => {
          const { K, N, bits, groupSize } = c;
          const wHost = adversarialWeights(K, N, bits, groupSize, 1000 + K + N + bits);
          const w = tf.tensor2d(wHost, [K, N]);
          const held = gpuValues(w); // float16 textures round w on upload
          if (half) expectSameBits(held, wHost.map(roundToFloat16), 'w rounded to float16 on upload');
          else expectSameBits(held, wHost, 'w on float32 textures');

          const out = await expectNoGpuLeak(() => {
            const [codes, scales, mins] = pack(w, c, layout);
            const values = [codes.dataSync(), scales.dataSync(), mins.dataSync()];
            expect(codes.dtype).toBe('int32');
            tf.dispose([codes, scales, mins]);
            return values;
          });
          const ref = quantizeReference(held, K, N, { bits, groupSize, scaleDtype: half ? 'float16' : 'float32' });
          expectSameBits(out[1], ref.scales, 'scales');
          expectSameBits(out[2], ref.mins, 'mins');
          expectSameBits(out[0], canonicalToLayout(ref.codes, K, N, bits, groupSize, layout), 'codes');
          w.dispose();
        });
      }
    }

    it('leaves no tensor and no GPU bytes behind beyond its outputs', () => {
      const c: Case = { K: 256, N: 64, bits: 2, groupSize: 64 };
      const w = tf.tensor2d(adversarialWeights(c.K, c.N, c.bits, c.groupSize, 7), [c.K, c.N]);
      gpuValues(w);
      const before = tf.memory() as tf.MemoryInfo & { numBytesInGPU: number };
      const outs = pack(w, c);
      const during = tf.memory() as tf.MemoryInfo & { numBytesInGPU: number };
      const outBytes = outs.reduce((s, t) => s + t.size * 4, 0);
      expect(during.numTensors - before.numTensors).toBe(3);
      expect(during.numBytes - before.numBytes).toBe(outBytes);
      tf.dispose(outs);
      const after = tf.memory() as tf.MemoryInfo & { numBytesInGPU: number };
      expect(after.numTensors).toBe(before.numTensors);
      expect(after.numBytes).toBe(before.numBytes);
      expect(after.numBytesInGPU).toBe(before.numBytesInGPU);
      w.dispose();
    });

    it('rejects codes layouts the textures cannot hold', () => {
      const c: Case = { K: 64, N: 4, bits: 2, groupSize: 64 };
      const w = tf.zeros([c.K, c.N]);
      expect(() => pack(w, c, 'bytes')).toThrow(/layout 'webgl-fp32' or 'webgl-f16'/);
      if (half) expect(() => pack(w, c, 'webgl-fp32')).toThrow(/needs float32 textures/);
      expect(() => pack(w, { ...c, K: 65 })).toThrow(/w must have shape \[65,4\]/);
      w.dispose();
    });
  },
  { envs: WEBGL_ENVS }
);
