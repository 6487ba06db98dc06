/**
 * Packed codes of a weight W [K, N] in a webgl layout: output int32 [N, ⌈Kp/c⌉],
 * element (n, e) = Σ_i q[e·c + i, n] · 2^(b·i) over the c codes it holds
 * (rows k ≥ K are padding: q = 0).
 *
 * q is the reference's ⌊(w − min)/scale + ½⌋ clamped to [0, 2^b − 1], found
 * without a float division: it is the largest j ≤ 2^b − 1 with
 * 2·(w − min) − (2j − 1)·scale ≥ 0, and a binary search over j decides each
 * comparison exactly with i2SignSum (b comparisons per code). The element is
 * summed in float: every partial sum is an integer below 2^24 (2^11 on f16).
 */
import type { GPGPUProgram } from '@tensorflow/tfjs-backend-webgl';
import type { Bits } from '../kernel-names.js';
import { GLSL_EXACT } from './glsl-exact.js';

export class Int2PackProgram implements GPGPUProgram {
  variableNames = ['w', 'scales', 'mins'];
  outputShape: number[];
  userCode: string;

  constructor(inDim: number, outDim: number, bits: Bits, groupSize: number, codesPerElement: number, elements: number) {
    this.outputShape = [outDim, elements];
    this.userCode = `
      ${GLSL_EXACT}

      // Code of w in a group with the given (already rounded) min and scale.
      int i2Code(float w, float mn, float s) {
        if (s == 0.0) return 0;
        int mw; int ew; int mm; int em; int ms; int es;
        i2Split(w, mw, ew);
        i2Split(mn, mm, em);
        i2Split(s, ms, es);
        int q = 0;
        for (int bit = ${bits - 1}; bit >= 0; bit--) {
          int j = q + (1 << bit);
          int t = 2 * j - 1;
          // sign of 2w - 2min - t*scale, with t*scale split so each part is < 2^21
          int a[5];
          int e[5];
          a[0] = mw; e[0] = ew + 1;
          a[1] = -mm; e[1] = em + 1;
          a[2] = -t * (ms >> 12); e[2] = es + 12;
          a[3] = -t * (ms & 0xFFF); e[3] = es;
          a[4] = 0; e[4] = 0;
          if (i2SignSum(a, e) >= 0) q = j;
        }
        return q;
      }

      void main() {
        ivec2 coords = getOutputCoords();
        int n = coords.x;
        int k0 = coords.y * ${codesPerElement};
        float v = 0.0;
        float p = 1.0;
        for (int i = 0; i < ${codesPerElement}; i++) {
          int k = k0 + i;
          if (k >= ${inDim}) break;
          int g = k / ${groupSize};
          int q = i2Code(getW(k, n), getMins(n, g), getScales(n, g));
          v += float(q) * p;
          p *= ${1 << bits}.0;
        }
        setOutput(v);
      }
    `;
  }
}
