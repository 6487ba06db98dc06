/**
 * Dequantized weight from packed codes: output float32 [K, N], texel (k, n) =
 * RN32(scale[n, g] · q[k, n] + min[n, g]) with g = ⌊k/G⌋, exactly what the
 * reference computes in float64 and rounds once (and RN16 of that on float16
 * textures, as reference.ts roundToFloat16 does). The code is cut out of its
 * element with integer shifts (the element is an exact integer < 2^24); the
 * product and sum are rounded by i2RoundRatio, never by float arithmetic.
 */
import type { GPGPUProgram } from '@tensorflow/tfjs-backend-webgl';
import type { Bits } from '../kernel-names.js';
import { GLSL_EXACT } from './glsl-exact.js';

export class Int2UnpackProgram implements GPGPUProgram {
  variableNames = ['codes', 'scales', 'mins'];
  outputShape: number[];
  userCode: string;

  /** `half`: round the result to float16 (the textures are float16). */
  constructor(inDim: number, outDim: number, bits: Bits, groupSize: number, codesPerElement: number, half: boolean) {
    this.outputShape = [inDim, outDim];
    this.userCode = `
      ${GLSL_EXACT}

      void main() {
        ivec2 coords = getOutputCoords();
        int k = coords.x;
        int n = coords.y;
        int g = k / ${groupSize};
        int el = k / ${codesPerElement};
        int i = k - el * ${codesPerElement};
        int q = (int(getCodes(n, el)) >> (${bits} * i)) & ${(1 << bits) - 1};
        float s = getScales(n, g);
        float mn = getMins(n, g);
        float r = mn;
        if (q != 0 && s != 0.0) {
          int ms; int es; int mm; int em;
          i2Split(s, ms, es);
          i2Split(mn, mm, em);
          int sg = ms < 0 ? -1 : 1;
          int am = abs(ms);
          int a[3];
          int e[3];
          a[0] = sg * q * (am >> 12); e[0] = es + 12;   // q * scale, split so each part is < 2^20
          a[1] = sg * q * (am & 0xFFF); e[1] = es;
          a[2] = mm; e[2] = em;
          r = i2RoundRatio(a, e, 1, s * float(q) + mn);
        }
        ${half ? 'r = i2RoundToHalf(r);' : ''}
        setOutput(r);
      }
    `;
  }
}
