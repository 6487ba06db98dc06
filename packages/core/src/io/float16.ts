/**
 * IEEE 754 binary16 (F16) and bfloat16 (BF16) ↔ float32, in plain JS.
 *
 * F16:  1 sign | 5 exponent (bias 15) | 10 mantissa bits.
 *       Normal x = ±2^(e-15)·(1 + m/1024), e in 1..30; subnormal x = ±2^-24·m
 *       (e = 0); e = 31: ±inf (m = 0) or NaN. Largest finite 65504.
 * BF16: the top 16 bits of a float32 (8 exponent bits, 7 mantissa bits).
 *
 * float32 → 16-bit rounds to nearest, ties to even (as IEEE, numpy and
 * PyTorch do), overflows to ±inf, keeps NaN a (quiet) NaN and keeps the sign
 * of zero. A JS number is first rounded to float32, so converting a number
 * gives the same bits as converting the float32 tensor holding it.
 * 16-bit → float32 is exact.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The F16 bits of `value` (rounded to float32 first), round-to-nearest-even. */
export function float32ToFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;

  if (exp === 0xff) {
    // inf stays inf; NaN keeps its top payload bits and is forced quiet.
    return mant === 0 ? sign | 0x7c00 : sign | 0x7e00 | (mant >>> 13);
  }
  const e = exp - 127 + 15; // F16 biased exponent
  if (e >= 0x1f) return sign | 0x7c00; // too large: inf
  if (e >= 1) {
    // Normal F16: drop 13 mantissa bits with round-to-nearest-even. A carry
    // out of the mantissa correctly bumps the exponent (up to inf at e = 30).
    let h = (e << 10) | (mant >>> 13);
    const rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest === 0x1000 && (h & 1) === 1)) h++;
    return sign | h;
  }
  // Subnormal (or zero) F16: value = m24·2^(exp-150); in units of 2^-24 that
  // is m24 / 2^(126-exp). float32 subnormals (exp 0) are far below 2^-25.
  if (exp === 0) return sign;
  const shift = 126 - exp; // ≥ 14
  if (shift > 24) return sign; // below half the smallest subnormal: ±0
  const m24 = mant | 0x800000;
  let h = m24 >>> shift;
  const rest = m24 & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  if (rest > half || (rest === half && (h & 1) === 1)) h++; // may become 0x400: smallest normal
  return sign | h;
}

/** The float32 value of F16 bits `h` (exact). */
export function float16BitsToFloat32(h: number): number {
  return halfTable()[h & 0xffff];
}

let table: Float32Array | null = null;

/** All 65536 F16 values as float32, built on first use (256 KiB). */
function halfTable(): Float32Array {
  if (table) return table;
  const t = new Float32Array(65536);
  const bits = new Uint32Array(t.buffer);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const e = (h >>> 10) & 0x1f;
    let m = h & 0x3ff;
    if (e === 0x1f) {
      bits[h] = sign | 0x7f800000 | (m << 13); // inf / NaN (payload kept)
    } else if (e !== 0) {
      bits[h] = sign | ((e - 15 + 127) << 23) | (m << 13);
    } else if (m === 0) {
      bits[h] = sign; // ±0
    } else {
      // Subnormal: normalise the mantissa into a float32 normal.
      let exp = 127 - 15 + 1;
      while ((m & 0x400) === 0) {
        m <<= 1;
        exp--;
      }
      bits[h] = sign | (exp << 23) | ((m & 0x3ff) << 13);
    }
  }
  table = t;
  return t;
}

/** Float values → F16 bits. */
export function float32ToFloat16(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = float32ToFloat16Bits(values[i]);
  return out;
}

/** F16 bits → float32 values. */
export function float16ToFloat32(bits: ArrayLike<number>): Float32Array {
  const t = halfTable();
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = t[bits[i] & 0xffff];
  return out;
}

/** The BF16 bits of `value` (rounded to float32 first), round-to-nearest-even. */
export function float32ToBfloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0];
  if ((x & 0x7f800000) === 0x7f800000 && (x & 0x7fffff) !== 0) {
    return ((x >>> 16) | 0x40) & 0xffff; // NaN: keep it a quiet NaN
  }
  // Adding 0x7fff plus the lowest kept bit rounds to nearest, ties to even;
  // a carry into the exponent gives the next power of two or inf.
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

/** The float32 value of BF16 bits (exact). */
export function bfloat16BitsToFloat32(h: number): number {
  u32[0] = (h & 0xffff) << 16;
  return f32[0];
}

/** Float values → BF16 bits. */
export function float32ToBfloat16(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = float32ToBfloat16Bits(values[i]);
  return out;
}

/** BF16 bits → float32 values. */
export function bfloat16ToFloat32(bits: ArrayLike<number>): Float32Array {
  const out = new Float32Array(bits.length);
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) outBits[i] = (bits[i] & 0xffff) << 16;
  return out;
}
