/**
 * Int2Unpack on webgl, float32 and float16 textures: ŵ bit-exact with
 * reference.ts dequantizeReference rounded once to float32 (and then with
 * roundToFloat16 on float16 textures). Inputs come from quantizeReference and
 * canonicalToLayout, so this does not lean on Int2Pack.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { describeBackends, rng } from '@mobile-mm/core/test-utils';
import { Int2Unpack, type Bits, type PackedLayout, type QuantAttrs } from '../kernel-names.js';
import { numGroups } from '../format.js';
import {
  canonicalToLayout,
  dequantizeReference,
  quantizeReference,
  roundToFloat16,
  type CanonicalQuantized,
} from '../reference.js';
import { registerWebglKernels, webglLayout } from './index.js';
import {
  adversarialWeights,
  caseName,
  expectNoGpuLeak,
  expectRoundedOnceWhereExact,
  expectSameBits,
  expectTexturePrecision,
  isHalfEnv,
  WEBGL_ENVS,
  type Case,
} from './__fixtures__/webgl-test-utils.js';
import { UNPACK_CASES } from '../__fixtures__/kernel-cases.js';

const CASES = UNPACK_CASES;

function unpack(q: CanonicalQuantized, c: Case, layout: PackedLayout): Float32Array {
  const { K, N, bits, groupSize } = c;
  const ng = numGroups(K, groupSize);
  const codes32 = canonicalToLayout(q.codes, K, N, bits, groupSize, layout);
  const codes = tf.tensor2d(codes32, [N, codes32.length / N], 'int32');
  const scales = tf.tensor2d(q.scales, [N, ng]);
  const mins = tf.tensor2d(q.mins, [N, ng]);
  const attrs: QuantAttrs = { bits, groupSize, inDim: K, outDim: N, layout };
  const out = tf.engine().runKernel(Int2Unpack, { codes, scales, mins }, attrs as unknown as NamedAttrMap) as Tensor;
  expect(out.shape).toEqual([K, N]);
  expect(out.dtype).toBe('float32');
  const values = Float32Array.from(out.dataSync());
  tf.dispose([codes, scales, mins, out]);
  return values;
}

/**
 * Scales and mins chosen to break naive float arithmetic: mins that cancel
 * scale·q (to within a few ulps), mixed signs, exponent spreads up to 2^40,
 * scales with full 24-bit mantissas. `half`: all of them float16 values.
 */
function adversarialGroups(count: number, bits: Bits, seed: number, half: boolean): [Float32Array, Float32Array] {
  const r = rng(seed);
  const levels = (1 << bits) - 1;
  const round = half ? roundToFloat16 : Math.fround;
  const scales = new Float32Array(count);
  const mins = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const s = round((1 + r()) * 2 ** Math.floor(r() * (half ? 16 : 40) - (half ? 12 : 20)));
    const kind = i % 4;
    const j = 1 + Math.floor(r() * levels);
    let mn: number;
    if (kind === 0) mn = -s * j * (1 + (r() - 0.5) * 2 ** -20); // near-cancellation at q = j
    else if (kind === 1) mn = (r() - 0.5) * s * 2 ** Math.floor(r() * (half ? 8 : 40) - (half ? 4 : 20)); // wide spread
    else if (kind === 2) mn = -s * j; // exact cancellation (when representable)
    else mn = (r() * 2 - 1) * s * levels;
    scales[i] = s;
    mins[i] = round(mn);
  }
  return [scales, mins];
}

describeBackends(
  'Int2Unpack webgl',
  (env) => {
    const half = isHalfEnv(env);
    const scaleDtype = half ? 'float16' : 'float32';
    const toStorage = (x: number): number => (half ? roundToFloat16(x) : Math.fround(x));
    beforeAll(() => {
      registerWebglKernels();
      expectTexturePrecision(env);
    });

    for (const c of CASES) {
      const layouts: PackedLayout[] = half ? ['webgl-f16'] : ['webgl-fp32', 'webgl-f16'];
      for (const layout of layouts) {
        it(`bit-exact with dequantizeReference, ${caseName({ ...c, layout })}`, async () => {
          const { K, N, bits, groupSize } = c;
          const w = adversarialWeights(K, N, bits, groupSize, 77 + K + bits);
          const q = quantizeReference(half ? w.map(roundToFloat16) : w, K, N, { bits, groupSize, scaleDtype });
          const got = await expectNoGpuLeak(() => unpack(q, c, layout));
          expectSameBits(got, dequantizeReference(q, K, N, c).map(toStorage), 'ŵ');
        });
      }
    }

    it('rounds scale·q + min once, also under cancellation and wide exponent spreads', async () => {
      const c: Case = { K: 256, N: 64, bits: 8, groupSize: 32 };
      const ng = numGroups(c.K, c.groupSize);
      const [scales, mins] = adversarialGroups(c.N * ng, c.bits, 5, half);
      const r = rng(6);
      const codes = new Uint8Array((c.N * c.K * c.bits) / 8).map(() => Math.floor(r() * 256));
      const q: CanonicalQuantized = { codes, scales, mins };
      const got = await expectNoGpuLeak(() => unpack(q, c, webglLayout()));
      expectRoundedOnceWhereExact(got, q, c, toStorage);
    });

    it('rejects mismatched shapes and layouts', () => {
      const c: Case = { K: 64, N: 8, bits: 2, groupSize: 64 };
      const attrs = { bits: c.bits, groupSize: c.groupSize, inDim: c.K, outDim: c.N, layout: 'bytes' } as QuantAttrs;
      const codes = tf.zeros([8, 2], 'int32');
      const sm = tf.zeros([8, 1]);
      const run = (a: QuantAttrs, cd = codes) =>
        tf.engine().runKernel(Int2Unpack, { codes: cd, scales: sm, mins: sm }, a as unknown as NamedAttrMap);
      expect(() => run(attrs)).toThrow(/layout 'webgl-fp32' or 'webgl-f16'/);
      expect(() => run({ ...attrs, layout: 'webgl-f16' })).toThrow(/codes must have shape \[8,13\]/);
      if (half) expect(() => run({ ...attrs, layout: 'webgl-fp32' })).toThrow(/needs float32 textures/);
      tf.dispose([codes, sm]);
    });
  },
  { envs: WEBGL_ENVS }
);
