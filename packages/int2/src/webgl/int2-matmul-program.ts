/**
 * Fused quantized matmul: y[m, n] = Σ_g (scale[n,g]·Σ_{k∈g} x[m,k]·q[k,n] +
 * min[n,g]·Σ_{k∈g} x[m,k]) (+ bias[n]), output float32 [M, N].
 *
 * One texel walks k = 0..K−1 once: it reads each packed element of column n
 * once and peels its codes off with exact float arithmetic (the element is an
 * integer < 2^24; ⌊v / 2^b⌋ and v − 2^b·⌊v / 2^b⌋ are exact), so no weight is
 * ever materialised outside registers. Float ops only: runs on WebGL 1 too.
 * See Int2MatMul.ts for the cost.
 */
import type { GPGPUProgram } from '@tensorflow/tfjs-backend-webgl';
import type { Bits } from '../kernel-names.js';

export class Int2MatMulProgram implements GPGPUProgram {
  variableNames: string[];
  outputShape: number[];
  userCode: string;

  constructor(
    batch: number,
    inDim: number,
    outDim: number,
    bits: Bits,
    groupSize: number,
    codesPerElement: number,
    hasBias: boolean
  ) {
    const numGroups = Math.ceil(inDim / groupSize);
    const base = 1 << bits;
    this.variableNames = hasBias ? ['x', 'codes', 'scales', 'mins', 'bias'] : ['x', 'codes', 'scales', 'mins'];
    this.outputShape = [batch, outDim];
    this.userCode = `
      void main() {
        ivec2 coords = getOutputCoords();
        int m = coords.x;
        int n = coords.y;
        float acc = 0.0;
        int el = 0;                       // next packed element of column n
        int left = 0;                     // codes not yet peeled off v
        float v = 0.0;
        for (int g = 0; g < ${numGroups}; g++) {
          float xq = 0.0;                 // sum of x * q over the group
          float xs = 0.0;                 // sum of x over the group
          for (int j = 0; j < ${groupSize}; j++) {
            int k = g * ${groupSize} + j;
            if (k >= ${inDim}) break;
            if (left == 0) {
              v = getCodes(n, el);
              el++;
              left = ${codesPerElement};
            }
            float rest = floor(v * ${1 / base});
            float q = v - rest * ${base}.0;
            v = rest;
            left--;
            float xk = getX(m, k);
            xq += xk * q;
            xs += xk;
          }
          acc += getScales(n, g) * xq + getMins(n, g) * xs;
        }
        ${hasBias ? 'acc += getBias(n);' : ''}
        setOutput(acc);
      }
    `;
  }
}
