import { describe, expect, it } from 'vitest';
import { randn } from '@mobile-mm/core/test-utils';
import type { Bits, PackedLayout } from './kernel-names.js';
import { numGroups, paddedInDim, SUPPORTED_BITS, SUPPORTED_GROUP_SIZES } from './format.js';
import {
  canonicalCode,
  canonicalRowBytes,
  canonicalToLayout,
  dequantizeReference,
  errorMeasure,
  float16BitsToFloat32,
  float32ToFloat16Bits,
  layoutToCanonical,
  quantizeReference,
  roundToFloat16,
} from './reference.js';

const LAYOUTS: PackedLayout[] = ['bytes', 'webgl-fp32', 'webgl-f16'];

describe('float16 rounding', () => {
  it('encodes known values exactly', () => {
    const cases: [number, number][] = [
      [0, 0x0000],
      [-0, 0x8000],
      [1, 0x3c00],
      [-2, 0xc000],
      [65504, 0x7bff], // largest finite
      [65519.99, 0x7bff], // below the rounding midpoint
      [65520, 0x7c00], // midpoint rounds (to even) to Infinity
      [Infinity, 0x7c00],
      [2 ** -14, 0x0400], // smallest normal
      [2 ** -24, 0x0001], // smallest subnormal
      [2 ** -25, 0x0000], // tie between 0 and 2^-24 → even (0)
      [3 * 2 ** -25, 0x0002], // tie between 1 and 2 (×2^-24) → even (2)
      [1 + 2 ** -11, 0x3c00], // tie → even mantissa
      [1 + 3 * 2 ** -11, 0x3c02], // tie → even mantissa (up)
      [1 / 3, 0x3555],
    ];
    for (const [x, bits] of cases) expect(float32ToFloat16Bits(x), `f16(${x})`).toBe(bits);
    expect(Number.isNaN(float16BitsToFloat32(float32ToFloat16Bits(NaN)))).toBe(true);
  });

  it('round-trips every finite f16 bit pattern', () => {
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) === 0x7c00) continue;
      expect(float32ToFloat16Bits(float16BitsToFloat32(h))).toBe(h);
    }
  });

  it('rounds to the nearest representable value', () => {
    const xs = randn(5000, 7, 3);
    for (const x of xs) {
      const r = roundToFloat16(x);
      const h = float32ToFloat16Bits(x);
      const below = float16BitsToFloat32(x >= 0 ? h - 1 : h + 1);
      const above = float16BitsToFloat32(x >= 0 ? h + 1 : h - 1);
      expect(Math.abs(r - Math.fround(x))).toBeLessThanOrEqual(Math.abs(below - Math.fround(x)));
      expect(Math.abs(r - Math.fround(x))).toBeLessThanOrEqual(Math.abs(above - Math.fround(x)));
    }
  });
});

describe('quantizeReference', () => {
  it('matches a hand-worked 2-bit group', () => {
    // One column, K = 32 = G. Values −1 … 2: min −1, scale (2 − (−1))/3 = 1.
    const K = 32;
    const w = new Float32Array(K).fill(0.5);
    w.set([-1, 0, 1, 2, 0.49, 0.51, -0.6, 1.5]);
    const q = quantizeReference(w, K, 1, { bits: 2, groupSize: 32, scaleDtype: 'float32' });
    expect(Array.from(q.scales)).toEqual([1]);
    expect(Array.from(q.mins)).toEqual([-1]);
    const codes = Array.from({ length: K }, (_, k) => canonicalCode(q.codes, 8, 0, k, 2));
    // (w − min)/scale + 0.5, floored: 0,1,2,3, 1.99→1, 2.01→2, 0.9→0, 3 (2.5 rounds half up), then 0.5 → 2 (1.5 half up).
    expect(codes.slice(0, 8)).toEqual([0, 1, 2, 3, 1, 2, 0, 3]);
    expect(codes.slice(8)).toEqual(new Array(24).fill(2));
    // Byte layout: k = 4j+i at bits 2i: byte 0 = 0 | 1<<2 | 2<<4 | 3<<6.
    expect(q.codes[0]).toBe(0b11100100);
  });

  it('gives q = 0 and ŵ = min for a constant group, and zero codes in padded rows', () => {
    const K = 40; // G = 32: groups [0,32) and [32,40) + 24 padded rows
    const N = 3;
    const w = new Float32Array(K * N).fill(0.25);
    const q = quantizeReference(w, K, N, { bits: 4, groupSize: 32, scaleDtype: 'float32' });
    expect(Array.from(q.scales)).toEqual(new Array(6).fill(0));
    expect(Array.from(q.codes)).toEqual(new Array(q.codes.length).fill(0));
    expect(Array.from(dequantizeReference(q, K, N, { bits: 4, groupSize: 32 }))).toEqual(new Array(K * N).fill(0.25));
  });

  for (const bits of SUPPORTED_BITS) {
    for (const scaleDtype of ['float32', 'float16'] as const) {
      it(`keeps |w − ŵ| ≤ scale/2 (bits ${bits}, ${scaleDtype} scales, K=200, G=64)`, () => {
        const K = 200;
        const N = 77;
        const G = 64;
        const w = Float32Array.from(randn(K * N, 11 + bits, 0.05));
        const q = quantizeReference(w, K, N, { bits, groupSize: G, scaleDtype });
        const wHat = dequantizeReference(q, K, N, { bits, groupSize: G });
        const ng = numGroups(K, G);
        expect(q.codes.length).toBe((N * paddedInDim(K, G) * bits) / 8);
        for (let n = 0; n < N; n++) {
          for (let k = 0; k < K; k++) {
            const scale = q.scales[n * ng + Math.floor(k / G)];
            // f16 rounding of min can move it up by ≤ 2^-11·|min|, which clamping at q = 0 cannot absorb.
            const slack = scaleDtype === 'float16' ? 2 ** -11 * Math.abs(q.mins[n * ng + Math.floor(k / G)]) * 2 : 1e-12;
            expect(Math.abs(w[k * N + n] - wHat[k * N + n])).toBeLessThanOrEqual(scale / 2 + slack + scale * 1e-6);
          }
          // Padded rows K..Kp−1 carry code 0.
          for (let k = K; k < paddedInDim(K, G); k++) expect(canonicalCode(q.codes, canonicalRowBytes(K, bits, G), n, k, bits)).toBe(0);
        }
        if (scaleDtype === 'float16') {
          for (const s of q.scales) expect(roundToFloat16(s)).toBe(s);
          for (const m of q.mins) expect(roundToFloat16(m)).toBe(m);
        }
      });
    }
  }
});

describe('layout converters', () => {
  for (const bits of SUPPORTED_BITS) {
    for (const layout of LAYOUTS) {
      it(`canonical ↔ ${layout} round-trips (bits ${bits})`, () => {
        const K = 200;
        const N = 9;
        const G = 32;
        const w = Float32Array.from(randn(K * N, bits * 31, 1));
        const { codes } = quantizeReference(w, K, N, { bits, groupSize: G, scaleDtype: 'float32' });
        const packed = canonicalToLayout(codes, K, N, bits, G, layout);
        expect(layoutToCanonical(packed, K, N, bits, G, layout)).toEqual(codes);
        const limit = layout === 'bytes' ? Infinity : layout === 'webgl-fp32' ? 2 ** 24 : 2 ** 11;
        for (const e of packed) expect(e >= 0 && e < limit || layout === 'bytes').toBe(true);
      });
    }
    it(`'bytes' is the canonical bytes read as little-endian int32 (bits ${bits})`, () => {
      const K = 64;
      const N = 5;
      const { codes } = quantizeReference(Float32Array.from(randn(K * N, 5, 1)), K, N, {
        bits: bits as Bits,
        groupSize: 64,
        scaleDtype: 'float32',
      });
      const packed = canonicalToLayout(codes, K, N, bits, 64, 'bytes');
      const view = new DataView(codes.buffer);
      packed.forEach((e, i) => expect(e).toBe(view.getInt32(4 * i, true)));
    });
  }
});

describe('group size vs quantization error (Gaussian weights)', () => {
  it('smaller groups give lower RMSE, for every bit width', () => {
    const K = 1024;
    const N = 256;
    const w = Float32Array.from(randn(K * N, 2024, 1));
    const rows: string[] = [];
    for (const bits of SUPPORTED_BITS) {
      const rmse = SUPPORTED_GROUP_SIZES.map((G) => {
        const q = quantizeReference(w, K, N, { bits, groupSize: G, scaleDtype: 'float16' });
        const e = errorMeasure(dequantizeReference(q, K, N, { bits, groupSize: G }), w);
        rows.push(`bits ${bits} G ${G}: rmse ${e.rmse.toFixed(4)} max ${e.maxAbs.toFixed(4)}`);
        return e.rmse;
      });
      for (let i = 1; i < rmse.length; i++) expect(rmse[i - 1]).toBeLessThan(rmse[i]);
    }
    console.log(`quantization error, N(0,1) weights [${K}, ${N}]:\n${rows.join('\n')}`);
  });
});
