/**
 * Per-group scale from the group's min and max, rounded exactly as
 * reference.ts groupScaleMin does: scale = RN32((mx − mn) / (2^b − 1)), then
 * RN16 of that on float16 textures (the reference's 'float16' scale dtype),
 * and 0 when mx = mn. Output [N, ⌈K/G⌉] float32.
 */
import type { GPGPUProgram } from '@tensorflow/tfjs-backend-webgl';
import type { Bits } from '../kernel-names.js';
import { GLSL_EXACT } from './glsl-exact.js';

export class GroupScaleProgram implements GPGPUProgram {
  variableNames = ['mins', 'maxs'];
  outputShape: number[];
  userCode: string;

  /** `half`: round the scale to float16 (the textures are float16). */
  constructor(outDim: number, numGroups: number, bits: Bits, half: boolean) {
    const levels = (1 << bits) - 1;
    this.outputShape = [outDim, numGroups];
    this.userCode = `
      ${GLSL_EXACT}

      void main() {
        ivec2 coords = getOutputCoords();
        float mn = getMins(coords.x, coords.y);
        float mx = getMaxs(coords.x, coords.y);
        if (mx == mn) {
          setOutput(0.0);
          return;
        }
        int a[3];
        int e[3];
        int m;
        int ex;
        i2Split(mx, m, ex);
        a[0] = m; e[0] = ex;
        i2Split(mn, m, ex);
        a[1] = -m; e[1] = ex;
        a[2] = 0; e[2] = 0;
        float s = i2RoundRatio(a, e, ${levels}, (mx - mn) / ${levels}.0);
        ${half ? 's = i2RoundToHalf(s);' : ''}
        setOutput(s);
      }
    `;
  }
}
