/**
 * GLSL ES 3.00 helpers for exact arithmetic in the pack and unpack shaders.
 *
 * The reference (reference.ts) fixes every rounding: scale = RN32((mx − mn)/L),
 * q = ⌊(w − min)/scale + ½⌋, ŵ = RN32(scale·q + min), and RN16 of those on
 * half-float textures. GPU float arithmetic cannot reproduce that bit for bit:
 * division is only accurate to 2.5 ulp, `a*b + c` may or may not be fused, and
 * every step rounds. So these helpers never let a float operation decide a
 * result. They take floats apart into integers (floatBitsToInt) and decide with
 * exact integer arithmetic:
 *
 *   i2Split(x, m, e)       x = m·2^e exactly, |m| < 2^24.
 *   i2SignSum(a, e)        the sign of Σ a[i]·2^e[i] (5 terms, |a[i]| < 2^26),
 *                          exactly, in 32-bit ints.
 *   i2RoundRatio(a, e, L)  RN32(Σ a[i]·2^e[i] / L): binary search over float32
 *                          bit patterns, each step an exact comparison with the
 *                          midpoint below a candidate (2–3 comparisons when
 *                          the float guess is within one ulp, ≤ 35 otherwise).
 *   i2RoundToHalf(x)       RN16(x) (round to nearest even, subnormals,
 *                          overflow to ±Infinity) as a float32 value, like
 *                          reference.ts float32ToFloat16Bits.
 *
 * Why i2SignSum is exact: with terms sorted by exponent (largest first), the
 * partial sum is kept as acc·2^ec. Before adding term i (exponent e_i, gap
 * d = ec − e_i), the rest of the sum is below 4·2^26·2^e_i = 2^(28 + e_i),
 * i.e. below 2^(28 − d) in units of 2^ec. If |acc| reaches that, acc's sign is
 * the answer; otherwise |acc·2^d| < 2^28 and acc·2^d + a_i < 2^29 fits an int.
 *
 * WebGL2 only (bit operations); the matmul shader needs none of this.
 */
export const GLSL_EXACT = `
  // x = m * 2^e exactly; m carries the sign, |m| < 2^24.
  void i2Split(float x, out int m, out int e) {
    int bits = floatBitsToInt(x);
    int ex = (bits >> 23) & 0xFF;
    int frac = bits & 0x7FFFFF;
    m = ex == 0 ? frac : (frac | 0x800000);
    e = ex == 0 ? -149 : ex - 150;
    if (bits < 0) m = -m;
  }

  // Sign (-1, 0, 1) of sum a[i] * 2^e[i], exactly. Requires |a[i]| < 2^26.
  int i2SignSum(int a[5], int e[5]) {
    for (int i = 0; i < 5; i++) {
      if (a[i] == 0) e[i] = -100000;  // zero terms sort last
    }
    for (int i = 1; i < 5; i++) {      // insertion sort, exponent descending
      for (int j = i; j > 0; j--) {
        if (e[j] <= e[j - 1]) break;
        int ta = a[j]; a[j] = a[j - 1]; a[j - 1] = ta;
        int te = e[j]; e[j] = e[j - 1]; e[j - 1] = te;
      }
    }
    int acc = a[0];
    int ec = e[0];
    for (int i = 1; i < 5; i++) {
      if (a[i] == 0) break;            // only zeros left
      if (acc == 0) {
        acc = a[i];
        ec = e[i];
        continue;
      }
      int d = ec - e[i];
      if (d >= 28 || abs(acc) >= (1 << (28 - d))) break;  // acc outweighs the rest
      acc = acc * (1 << d) + a[i];
      ec = e[i];
    }
    return acc > 0 ? 1 : (acc < 0 ? -1 : 0);
  }

  // The midpoint between the positive float32 with bits u and its predecessor, as c * 2^ce.
  void i2LowerMid(int u, out int c, out int ce) {
    int ex = u >> 23;
    int frac = u & 0x7FFFFF;
    int m = ex == 0 ? frac : (frac | 0x800000);
    int e = ex == 0 ? -149 : ex - 150;
    if (ex > 1 && frac == 0) {         // a power of two: the gap below is half the gap above
      c = 4 * m - 1;
      ce = e - 2;
    } else {
      c = 2 * m - 1;
      ce = e - 1;
    }
  }

  // X / L rounds (to nearest, ties to even) to the float with bits u or above.
  // X = sum xa[i] * 2^xe[i] > 0, 1 <= L < 2^8.
  bool i2AtLeast(int xa[3], int xe[3], int L, int u) {
    if (u <= 0) return true;
    int c;
    int ce;
    i2LowerMid(u, c, ce);
    int a[5];
    int e[5];
    a[0] = xa[0]; e[0] = xe[0];
    a[1] = xa[1]; e[1] = xe[1];
    a[2] = xa[2]; e[2] = xe[2];
    a[3] = -L * (c >> 12); e[3] = ce + 12;   // L * c split so each part is < 2^22
    a[4] = -L * (c & 0xFFF); e[4] = ce;
    int s = i2SignSum(a, e);
    return s > 0 || (s == 0 && (u & 1) == 0);
  }

  // RN32(sum xa[i] * 2^xe[i] / L), exactly; guess only saves time.
  float i2RoundRatio(int xa[3], int xe[3], int L, float guess) {
    int a[5];
    int e[5];
    a[0] = xa[0]; e[0] = xe[0];
    a[1] = xa[1]; e[1] = xe[1];
    a[2] = xa[2]; e[2] = xe[2];
    a[3] = 0; e[3] = 0;
    a[4] = 0; e[4] = 0;
    int sv = i2SignSum(a, e);
    if (sv == 0) return 0.0;
    if (sv < 0) {
      xa[0] = -xa[0];
      xa[1] = -xa[1];
      xa[2] = -xa[2];
    }
    int lo = 0;                        // i2AtLeast(lo) holds
    int hi = 0x7F800000;               // +Infinity: treated as not reached
    int g = floatBitsToInt(abs(guess));
    if (g > 0 && g < hi) {             // try the guess and its neighbours first
      if (i2AtLeast(xa, xe, L, g)) {
        lo = g;
        if (g + 1 < hi && i2AtLeast(xa, xe, L, g + 1)) {
          lo = g + 1;
          if (g + 2 >= hi || !i2AtLeast(xa, xe, L, g + 2)) hi = g + 2;
        } else {
          hi = g + 1;
        }
      } else {
        hi = g;
        if (i2AtLeast(xa, xe, L, g - 1)) lo = g - 1;
      }
    }
    for (int it = 0; it < 32; it++) {
      if (hi - lo <= 1) break;
      int mid = lo + (hi - lo) / 2;
      if (i2AtLeast(xa, xe, L, mid)) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    float r = intBitsToFloat(lo);
    return sv < 0 ? -r : r;
  }

  // x rounded to the nearest float16 (ties to even), returned as a float32 value.
  float i2RoundToHalf(float x) {
    int bits = floatBitsToInt(x);
    int ex = (bits >> 23) & 0xFF;
    int mant = bits & 0x7FFFFF;
    float sgn = bits < 0 ? -1.0 : 1.0;
    if (ex == 0xFF) return x;
    int e = ex - 112;                  // biased float16 exponent
    if (e >= 31) return sgn * intBitsToFloat(0x7F800000);
    if (e <= 0) {                      // float16 subnormal: multiples of 2^-24
      if (e < -10) return sgn * 0.0;
      int m = mant | 0x800000;
      int shift = 14 - e;
      int rem = m & ((1 << shift) - 1);
      int halfUnit = 1 << (shift - 1);
      int h = m >> shift;
      if (rem > halfUnit || (rem == halfUnit && (h & 1) == 1)) h++;
      return sgn * float(h) * intBitsToFloat(0x33800000);
    }
    int h = mant >> 13;
    int rem = mant & 0x1FFF;
    if (rem > 0x1000 || (rem == 0x1000 && (h & 1) == 1)) h++;
    // (1024 + h) * 2^(ex - 137); h = 1024 carries into the next binade.
    float r = float(1024 + h) * intBitsToFloat((ex - 10) << 23);
    return r > 65504.0 ? sgn * intBitsToFloat(0x7F800000) : sgn * r;
  }
`;
