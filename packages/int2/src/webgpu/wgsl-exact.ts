/**
 * WGSL helpers for exact rounding in the unpack shader.
 *
 * The reference (reference.ts) fixes ŵ = RN32(scale·q + min): the exact
 * value, rounded once to float32. GPU float arithmetic does not give that:
 * scale·q needs up to 32 significant bits (rounded once by `*`, again by
 * `+`), the compiler may or may not fuse `a*b + c`, and WGSL lets
 * implementations flush subnormals. So the shader never lets a float
 * operation decide the result. It takes the floats apart into integers
 * (bitcast) and rounds with exact 32-bit integer arithmetic, the way a
 * soft-float adder does:
 *
 *   i2Split(x)          x = ±m·2^e exactly, m < 2^24.
 *   i2RoundSum(a, b)    RN32(a + b) for exact terms ±m·2^e with m < 2^32:
 *                       round to nearest, ties to even, subnormal results,
 *                       overflow to ±Infinity, +0 for an exact cancellation
 *                       and −0 only for (−0) + (−0), as IEEE addition.
 *
 * How i2RoundSum stays exact: both terms are left-aligned (top bit at bit 31)
 * and ordered |a| ≥ |b|. The sum is held in 64 bits, hi·2^32 + lo, in units of
 * 2^(a.e − 32), plus a sticky flag for bits of b shifted below lo (only when
 * the exponent gap d exceeds 32, so b < |a|·2^-31). For a subtraction with
 * such bits lost the true value is (a − b_kept) − ε with 0 < ε < 1 unit, so one
 * more unit is subtracted and the sticky flag kept: the remainder 1 − ε is
 * inside (0, 1). The result is then left-aligned (at most one position when
 * the sticky flag is set, which stays below the rounding position), and its
 * top 24 bits — fewer for a subnormal — are rounded with the rest as the
 * guard/sticky bits.
 */
export const WGSL_EXACT = `
  struct I2Exact {
    m : u32,
    e : i32,
    neg : bool,
  };

  // x = (neg ? -1 : 1) * m * 2^e exactly; m < 2^24 (0 for a zero).
  fn i2Split(x : f32) -> I2Exact {
    let bits = bitcast<u32>(x);
    let ex = i32((bits >> 23u) & 0xFFu);
    let frac = bits & 0x7FFFFFu;
    var r : I2Exact;
    r.m = select(frac | 0x800000u, frac, ex == 0);
    r.e = select(ex - 150, -149, ex == 0);
    r.neg = (bits >> 31u) == 1u;
    return r;
  }

  // The same value with m's top bit at bit 31 (a zero keeps m = 0).
  fn i2Align(t : I2Exact) -> I2Exact {
    var r = t;
    if (t.m == 0u) {
      return r;
    }
    let s = countLeadingZeros(t.m);
    r.m = t.m << s;
    r.e = t.e - i32(s);
    return r;
  }

  // RN32(x + y) for exact terms x, y (m < 2^32), with integer arithmetic only.
  fn i2RoundSum(x : I2Exact, y : I2Exact) -> f32 {
    var a = i2Align(x);
    var b = i2Align(y);
    if (a.m == 0u && b.m == 0u) {
      return bitcast<f32>(select(0u, 0x80000000u, a.neg && b.neg));
    }
    if (a.m == 0u || (b.m != 0u && (b.e > a.e || (b.e == a.e && b.m > a.m)))) {
      let t = a;
      a = b;
      b = t;
    }
    // |a| >= |b|; the sum is (hi * 2^32 + lo) * 2^e, plus sticky bits below lo.
    var hi = a.m;
    var lo = 0u;
    var bh = 0u;
    var bl = 0u;
    var sticky = false;
    var e = a.e - 32;
    if (b.m != 0u) {
      let d = a.e - b.e;
      if (d == 0) {
        bh = b.m;
      } else if (d < 32) {
        bh = b.m >> u32(d);
        bl = b.m << u32(32 - d);
      } else if (d == 32) {
        bl = b.m;
      } else if (d < 64) {
        bl = b.m >> u32(d - 32);
        sticky = (b.m << u32(64 - d)) != 0u;
      } else {
        sticky = true;
      }
    }
    if (a.neg == b.neg || b.m == 0u) {
      let l = lo + bl;
      let c0 = select(0u, 1u, l < lo);
      let h1 = hi + bh;
      let h2 = h1 + c0;
      let carry = h1 < hi || h2 < h1;
      lo = l;
      hi = h2;
      if (carry) {
        // Bit 64 is set: shift right by one.
        sticky = sticky || (lo & 1u) != 0u;
        lo = (lo >> 1u) | (hi << 31u);
        hi = (hi >> 1u) | 0x80000000u;
        e = e + 1;
      }
    } else {
      var sl = bl;
      var sh = bh;
      if (sticky) {
        // a - b = (a - b_kept - 1 unit) + (1 - eps), 0 < 1 - eps < 1: still sticky.
        sl = sl + 1u;
        if (sl == 0u) {
          sh = sh + 1u;
        }
      }
      let borrow = select(0u, 1u, lo < sl);
      lo = lo - sl;
      hi = hi - sh - borrow;
      if (hi == 0u && lo == 0u && !sticky) {
        return 0.0;  // exact cancellation rounds to +0
      }
    }
    if (hi == 0u) {
      hi = lo;
      lo = 0u;
      e = e - 32;
    }
    let s = countLeadingZeros(hi);
    if (s > 0u) {
      hi = (hi << s) | (lo >> (32u - s));
      lo = lo << s;
      e = e - i32(s);
    }
    // value = (hi + lo / 2^32 + sticky) * 2^(e + 32), hi in [2^31, 2^32): biased float32 exponent e + 190.
    let sign = select(0u, 0x80000000u, a.neg);
    let be = e + 190;
    if (be >= 255) {
      return bitcast<f32>(sign | 0x7F800000u);
    }
    var shift = 8u;
    if (be < 1) {
      shift = u32(9 - be);  // subnormal: units of 2^-149
    }
    if (shift > 32u) {
      return bitcast<f32>(sign);  // below half the smallest subnormal
    }
    var kept = 0u;
    var above = false;
    var tie = false;
    if (shift == 32u) {
      // hi's top bit is the half; everything below it decides above/tie.
      let rest = (hi & 0x7FFFFFFFu) != 0u || lo != 0u || sticky;
      above = rest;
      tie = !rest;
    } else {
      kept = hi >> shift;
      let r = hi & ((1u << shift) - 1u);
      let half = 1u << (shift - 1u);
      let rest = lo != 0u || sticky;
      above = r > half || (r == half && rest);
      tie = r == half && !rest;
    }
    if (above || (tie && (kept & 1u) == 1u)) {
      kept = kept + 1u;
    }
    var bits = kept;  // subnormal (a carry into 2^23 is the smallest normal's encoding)
    if (be >= 1) {
      bits = (u32(be - 1) << 23u) + kept;  // kept in [2^23, 2^24]: 2^24 carries into the exponent
    }
    if (bits >= 0x7F800000u) {
      bits = 0x7F800000u;
    }
    return bitcast<f32>(sign | bits);
  }
`;
