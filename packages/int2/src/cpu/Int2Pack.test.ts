import { describe, expect, it } from 'vitest';
import { randn } from '@mobile-mm/core/test-utils';
import type { PackedLayout } from '../kernel-names.js';
import { SUPPORTED_BITS, SUPPORTED_GROUP_SIZES } from '../format.js';
import { canonicalToLayout, dequantizeReference, quantizeReference } from '../reference.js';
import { int2PackImpl } from './Int2Pack.js';
import { int2UnpackImpl } from './Int2Unpack.js';

const LAYOUTS: PackedLayout[] = ['bytes', 'webgl-fp32', 'webgl-f16'];

describe('cpu int2PackImpl / int2UnpackImpl vs the reference', () => {
  for (const bits of SUPPORTED_BITS) {
    for (const G of SUPPORTED_GROUP_SIZES) {
      it(`bits ${bits}, G ${G}: every layout and scale dtype bit-exact`, () => {
        const [K, N] = [200, 77];
        const w = Float32Array.from(randn(K * N, bits * G, 0.3));
        for (const scaleDtype of ['float32', 'float16'] as const) {
          const ref = quantizeReference(w, K, N, { bits, groupSize: G, scaleDtype });
          for (const layout of LAYOUTS) {
            const p = int2PackImpl(w, { bits, groupSize: G, inDim: K, outDim: N, layout }, scaleDtype);
            expect(p.codes).toEqual(canonicalToLayout(ref.codes, K, N, bits, G, layout));
            expect(p.codes.length).toBe(p.codesShape[0] * p.codesShape[1]);
            expect(p.scales).toEqual(ref.scales);
            expect(p.mins).toEqual(ref.mins);
          }
          const wHat = int2UnpackImpl(ref.codes, ref.scales, ref.mins, { bits, groupSize: G, inDim: K, outDim: N });
          expect(wHat).toEqual(Float32Array.from(dequantizeReference(ref, K, N, { bits, groupSize: G })));
        }
      });
    }
  }
});
