/**
 * Per-group min or max of a weight W [K, N]: output [N, ⌈K/G⌉], texel (n, g) =
 * min (or max) of W[k, n] over the group's real rows k ∈ [g·G, min((g+1)·G, K)).
 * min/max return one of their inputs, so the result is exact on any texture
 * precision (on float16 textures W itself is already float16).
 */
import type { GPGPUProgram } from '@tensorflow/tfjs-backend-webgl';

export type GroupReduceOp = 'min' | 'max';

export class GroupReduceProgram implements GPGPUProgram {
  variableNames = ['w'];
  outputShape: number[];
  userCode: string;

  constructor(inDim: number, outDim: number, groupSize: number, op: GroupReduceOp) {
    const numGroups = Math.ceil(inDim / groupSize);
    this.outputShape = [outDim, numGroups];
    this.userCode = `
      void main() {
        ivec2 coords = getOutputCoords();
        int n = coords.x;
        int k0 = coords.y * ${groupSize};
        float r = getW(k0, n);
        for (int j = 1; j < ${groupSize}; j++) {
          int k = k0 + j;
          if (k >= ${inDim}) break;
          r = ${op}(r, getW(k, n));
        }
        setOutput(r);
      }
    `;
  }
}
