import { describe, expect, it } from 'vitest';
import { rng } from '../test-utils/backends.js';
import { fixtureJson } from './__fixtures__/load-fixture.js';
import {
  bfloat16BitsToFloat32,
  bfloat16ToFloat32,
  float16BitsToFloat32,
  float16ToFloat32,
  float32ToBfloat16,
  float32ToBfloat16Bits,
  float32ToFloat16,
  float32ToFloat16Bits,
} from './float16.js';

/** Independent float64 reference for the value of F16 bits. */
function halfValue(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 31;
  const m = h & 1023;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? Number.NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + m / 1024);
}

const bits = new Uint32Array(1);
const asF32 = new Float32Array(bits.buffer);
const f32FromBits = (b: number): number => {
  bits[0] = b;
  return asF32[0];
};
const bitsOfF32 = (v: number): number => {
  asF32[0] = v;
  return bits[0];
};

describe('float16', () => {
  it('decodes all 65536 bit patterns exactly', () => {
    for (let h = 0; h < 65536; h++) {
      const got = float16BitsToFloat32(h);
      const want = halfValue(h);
      if (Number.isNaN(want)) expect(Number.isNaN(got), `h=${h}`).toBe(true);
      else if (!Object.is(got, want)) throw new Error(`h=0x${h.toString(16)}: got ${got}, want ${want}`);
    }
  });

  it('encodes every F16 value back to its own bits (signed zeros, subnormals, inf)', () => {
    for (let h = 0; h < 65536; h++) {
      if ((h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0) continue; // NaN
      const got = float32ToFloat16Bits(halfValue(h));
      if (got !== h) throw new Error(`h=0x${h.toString(16)}: round trip gave 0x${got.toString(16)}`);
    }
  });

  it('rounds to nearest, ties to even, between every pair of neighbours', () => {
    for (let h = 0; h < 0x7c00; h++) {
      const a = halfValue(h);
      const b = h === 0x7bff ? 65536 : halfValue(h + 1); // 65536: where inf "would be"
      const mid = (a + b) / 2; // exact in float32 (12 significant bits)
      expect(Math.fround(mid)).toBe(mid);
      const even = (h & 1) === 0 ? h : h + 1;
      const midBits = bitsOfF32(mid);
      for (const sign of [0, 0x8000]) {
        const s = sign ? -1 : 1;
        const check = (v: number, want: number, what: string): void => {
          const got = float32ToFloat16Bits(s * v);
          if (got !== (want | sign)) {
            throw new Error(`${what} of h=0x${h.toString(16)} (${s * v}): got 0x${got.toString(16)}, want 0x${(want | sign).toString(16)}`);
          }
        };
        check(mid, even, 'midpoint');
        check(f32FromBits(midBits - 1), h, 'just below midpoint');
        check(f32FromBits(midBits + 1), h + 1, 'just above midpoint');
      }
    }
  });

  it('keeps NaN a NaN and sends huge values to inf, tiny ones to signed zero', () => {
    expect(float32ToFloat16Bits(Number.NaN) & 0x7c00).toBe(0x7c00);
    expect(float32ToFloat16Bits(Number.NaN) & 0x3ff).not.toBe(0);
    expect(Number.isNaN(float16BitsToFloat32(float32ToFloat16Bits(Number.NaN)))).toBe(true);
    expect(float32ToFloat16Bits(1e9)).toBe(0x7c00);
    expect(float32ToFloat16Bits(-Infinity)).toBe(0xfc00);
    expect(float32ToFloat16Bits(1e-30)).toBe(0);
    expect(float32ToFloat16Bits(-1e-30)).toBe(0x8000);
    expect(float32ToFloat16Bits(2 ** -25)).toBe(0); // tie between 0 and 2^-24 → even (0)
    expect(float32ToFloat16Bits(3 * 2 ** -25)).toBe(2); // tie between 1 and 2 units → even (2)
    expect(float32ToFloat16Bits(2 ** -14 - 2 ** -25)).toBe(0x400); // rounds up into the normals
  });

  it('matches numpy float16 (reference.json, from make-reference.py) bit for bit', async () => {
    const ref = await fixtureJson<{ f16_input_f32_bits: number[]; f16_bits: number[] }>('reference.json');
    expect(ref.f16_bits.length).toBeGreaterThan(2000);
    const input = new Float32Array(new Uint32Array(ref.f16_input_f32_bits).buffer);
    const got = float32ToFloat16(input);
    for (let i = 0; i < got.length; i++) {
      if (got[i] !== ref.f16_bits[i]) {
        throw new Error(`input ${input[i]}: got 0x${got[i].toString(16)}, numpy 0x${ref.f16_bits[i].toString(16)}`);
      }
    }
    const back = float16ToFloat32(got);
    for (let i = 0; i < back.length; i++) {
      const want = halfValue(ref.f16_bits[i]);
      if (!(Object.is(back[i], want) || (Number.isNaN(want) && Number.isNaN(back[i])))) {
        throw new Error(`decode 0x${ref.f16_bits[i].toString(16)}: got ${back[i]}, want ${want}`);
      }
    }
  });
});

describe('bfloat16', () => {
  it('decodes as the top half of a float32 and encodes all BF16 values back', () => {
    for (let h = 0; h < 65536; h++) {
      const v = bfloat16BitsToFloat32(h);
      if (Number.isNaN(v)) continue;
      if (bitsOfF32(v) !== h << 16 >>> 0) throw new Error(`decode 0x${h.toString(16)} gave ${v}`);
      if (float32ToBfloat16Bits(v) !== h) throw new Error(`encode ${v} did not give 0x${h.toString(16)}`);
    }
    expect(Array.from(bfloat16ToFloat32([0x3f80, 0xc040, 0x7f80]))).toEqual([1, -3, Infinity]);
  });

  it('rounds random float32 values to the nearest BF16, ties to even', () => {
    const r = rng(11);
    const xs = new Uint32Array(20000);
    for (let i = 0; i < xs.length; i++) xs[i] = Math.floor(r() * 2 ** 32);
    // Exact ties and the overflow boundary too.
    xs.set([0x3f808000, 0x3f818000, 0x7f7f8000, 0x7f7f7fff, 0xff7f8000, 0x00008000, 0x00018000]);
    const got = float32ToBfloat16(new Float32Array(xs.buffer));
    for (let i = 0; i < xs.length; i++) {
      const v = f32FromBits(xs[i]);
      if (Number.isNaN(v)) {
        expect(Number.isNaN(bfloat16BitsToFloat32(got[i]))).toBe(true);
        continue;
      }
      const lo = xs[i] >>> 16;
      const valueOf = (h: number): number =>
        (h & 0x7fff) === 0x7f80 ? Math.sign(bfloat16BitsToFloat32(h)) * 2 ** 128 : bfloat16BitsToFloat32(h);
      const dLo = Math.abs(v - valueOf(lo));
      const dHi = Math.abs(v - valueOf(lo + 1));
      const want = dLo < dHi ? lo : dHi < dLo ? lo + 1 : (lo & 1) === 0 ? lo : lo + 1;
      if (got[i] !== want) throw new Error(`0x${xs[i].toString(16)}: got 0x${got[i].toString(16)}, want 0x${want.toString(16)}`);
    }
  });
});
