/**
 * Int2Unpack on webgpu: ŵ bit-exact with reference.ts dequantizeReference
 * rounded once to float32. Inputs come from quantizeReference (canonical
 * bytes read as 'bytes' int32 words), so this does not lean on Int2Pack.
 * Skips, naming the reason, where navigator.gpu gives no adapter.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeBackends, rng } from '@mobile-mm/core/test-utils';
import { Int2Unpack, type Bits, type QuantAttrs } from '../kernel-names.js';
import { numGroups } from '../format.js';
import {
  canonicalCode,
  canonicalRowBytes,
  canonicalToLayout,
  dequantizeReference,
  quantizeReference,
  type CanonicalQuantized,
} from '../reference.js';
import { registerWebgpuKernels } from './index.js';
import {
  adversarialWeights,
  caseName,
  expectNoGpuLeak,
  expectRoundedOnceWhereExact,
  expectSameBits,
  GPU,
  GPU_NOTE,
  WEBGPU_ENVS,
  type Case,
} from './__fixtures__/webgpu-test-utils.js';
import { twoSumError } from '../webgl/__fixtures__/webgl-test-utils.js';
import { UNPACK_CASES } from '../__fixtures__/kernel-cases.js';

const CASES = UNPACK_CASES;

async function unpack(q: CanonicalQuantized, c: Case): Promise<Float32Array> {
  const { K, N, bits, groupSize } = c;
  const ng = numGroups(K, groupSize);
  const codes32 = canonicalToLayout(q.codes, K, N, bits, groupSize, 'bytes');
  const codes = tf.tensor2d(codes32, [N, codes32.length / N], 'int32');
  const scales = tf.tensor2d(q.scales, [N, ng]);
  const mins = tf.tensor2d(q.mins, [N, ng]);
  const attrs: QuantAttrs = { bits, groupSize, inDim: K, outDim: N, layout: 'bytes' };
  const out = tf.engine().runKernel(Int2Unpack, { codes, scales, mins }, attrs as unknown as NamedAttrMap) as Tensor;
  expect(out.shape).toEqual([K, N]);
  expect(out.dtype).toBe('float32');
  const values = Float32Array.from(await out.data());
  tf.dispose([codes, scales, mins, out]);
  return values;
}

/**
 * Scales and mins chosen to break naive float arithmetic: mins that cancel
 * scale·q to within a few ulps, exact cancellations, mixed signs, exponent
 * spreads up to 2^40, full 24-bit scale mantissas, and a few subnormal mins.
 */
function adversarialGroups(count: number, bits: Bits, seed: number): [Float32Array, Float32Array] {
  const r = rng(seed);
  const levels = (1 << bits) - 1;
  const scales = new Float32Array(count);
  const mins = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const s = Math.fround((1 + r()) * 2 ** Math.floor(r() * 40 - 20));
    const j = 1 + Math.floor(r() * levels);
    let mn: number;
    switch (i % 5) {
      case 0:
        mn = -s * j * (1 + (r() - 0.5) * 2 ** -20); // near-cancellation at q = j
        break;
      case 1:
        mn = (r() - 0.5) * s * 2 ** Math.floor(r() * 40 - 20); // wide spread
        break;
      case 2:
        mn = -s * j; // exact cancellation (when representable)
        break;
      case 3:
        mn = (r() * 2 - 1) * s * levels;
        break;
      default:
        mn = (r() - 0.5) * 2 ** -140; // subnormal min: s·q swamps it, or q = 0 returns it as is
    }
    scales[i] = s;
    mins[i] = Math.fround(mn);
  }
  return [scales, mins];
}

describe.skipIf(!GPU.available)(`Int2Unpack webgpu${GPU_NOTE}`, () => {
  describeBackends(
    'Int2Unpack webgpu',
    () => {
      beforeAll(() => {
        registerWebgpuKernels();
      });

      for (const c of CASES) {
        it(`bit-exact with dequantizeReference, ${caseName({ ...c, layout: 'bytes' })}`, async () => {
          const { K, N, bits, groupSize } = c;
          const w = adversarialWeights(K, N, bits, groupSize, 77 + K + bits);
          const q = quantizeReference(w, K, N, { bits, groupSize, scaleDtype: 'float32' });
          const got = await expectNoGpuLeak(() => unpack(q, c));
          expectSameBits(got, dequantizeReference(q, K, N, c).map(Math.fround), 'ŵ');
        });
      }

      it('rounds scale·q + min once, also under cancellation and wide exponent spreads', async () => {
        const c: Case = { K: 256, N: 64, bits: 8, groupSize: 32 };
        const ng = numGroups(c.K, c.groupSize);
        const [scales, mins] = adversarialGroups(c.N * ng, c.bits, 5);
        const r = rng(6);
        const codes = new Uint8Array((c.N * c.K * c.bits) / 8).map(() => Math.floor(r() * 256));
        const q: CanonicalQuantized = { codes, scales, mins };
        const got = await expectNoGpuLeak(() => unpack(q, c));
        expectRoundedOnceWhereExact(got, q, c, Math.fround);
      });

      it('rounds ties to even, keeps subnormal results and overflows to ±Infinity', async () => {
        // One group per column, K = 32 rows, codes 0..3 (2-bit); each column one (scale, min) probe.
        const c: Case = { K: 32, N: 8, bits: 2, groupSize: 32 };
        const ulp1 = 2 ** -23; // ulp of 1
        const probes: [number, number][] = [
          [ulp1 / 2, 1], // 1 + q·2^-24: q = 1 is a tie (to even: 1), q = 2 exact, q = 3 a tie (up)
          [2 ** -149, 2 ** -149], // subnormals: (q + 1)·2^-149
          [2 ** -126, -(2 ** -126)], // crosses into subnormal/zero: (q − 1)·2^-126
          [2 ** 127, 2 ** 127], // 2^127·(q + 1): overflows for q ≥ 1
          [-(2 ** 127), -(2 ** 127)], // → −Infinity
          [3 * 2 ** -30, -1], // −1 + 3q·2^-30: needs bits below the float32 ulp of the sum
          [0, -0], // (+0)·q + (−0) = +0
          [-0, -0], // (−0)·q + (−0) = −0
        ];
        const scales = Float32Array.from(probes.map((p) => p[0]));
        const mins = Float32Array.from(probes.map((p) => p[1]));
        const r = rng(8);
        const codes = new Uint8Array((c.N * c.K * c.bits) / 8).map(() => Math.floor(r() * 256));
        const got = await expectNoGpuLeak(() => unpack({ codes, scales, mins }, c));
        const want = new Float64Array(c.K * c.N);
        const rowBytes = canonicalRowBytes(c.K, c.bits, c.groupSize);
        for (let k = 0; k < c.K; k++) {
          for (let n = 0; n < c.N; n++) {
            const sq = scales[n] * canonicalCode(codes, rowBytes, n, k, c.bits);
            expect(twoSumError(sq, mins[n]), 'probe sums are exact in float64').toBe(0);
            want[k * c.N + n] = Math.fround(sq + mins[n]);
          }
        }
        expect(want).toContain(Infinity);
        expect(want).toContain(-Infinity);
        expect(want.some((v) => v !== 0 && Math.abs(v) < 2 ** -126)).toBe(true);
        expectSameBits(got, want, 'ŵ');
      });

      it('rejects mismatched shapes and layouts', () => {
        const c: Case = { K: 64, N: 8, bits: 2, groupSize: 64 };
        const attrs = { bits: c.bits, groupSize: c.groupSize, inDim: c.K, outDim: c.N, layout: 'webgl-fp32' } as QuantAttrs;
        const codes = tf.zeros([8, 4], 'int32');
        const sm = tf.zeros([8, 1]);
        const run = (a: QuantAttrs, cd = codes) =>
          tf.engine().runKernel(Int2Unpack, { codes: cd, scales: sm, mins: sm }, a as unknown as NamedAttrMap);
        expect(() => run(attrs)).toThrow(/the webgpu kernels read layout 'bytes'/);
        expect(() => run({ ...attrs, layout: 'bytes' }, sm)).toThrow(/codes must have shape \[8,4\]/);
        const wrong = tf.zeros([8, 4]);
        expect(() => run({ ...attrs, layout: 'bytes' }, wrong)).toThrow(/codes must be int32/);
        tf.dispose([codes, sm, wrong]);
      });
    },
    { envs: WEBGPU_ENVS },
  );
});
