/**
 * Dequantized weight from packed codes: output float32 [K, N], element (k, n)
 * = RN32(scale[n, g] · q[k, n] + min[n, g]) with g = ⌊k/G⌋, exactly what the
 * reference computes in float64 and rounds once. Codes are in the 'bytes'
 * layout (format.ts): int32 [N, Kp·b/32], code k of row n at word ⌊k/c⌋,
 * bits b·(k mod c), c = 32/b. The code is cut out with integer shifts; the
 * product and sum are rounded by i2RoundSum (wgsl-exact.ts), never by float
 * arithmetic. One invocation per output element.
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { Bits } from '../kernel-names.js';
import { WGSL_EXACT } from './wgsl-exact.js';

export class Int2UnpackProgram implements WebGPUProgram {
  variableNames = ['codes', 'scales', 'mins'];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [64, 1, 1];
  size = true;
  private readonly inDim: number;
  private readonly outDim: number;
  private readonly bits: Bits;
  private readonly groupSize: number;

  constructor(inDim: number, outDim: number, bits: Bits, groupSize: number) {
    this.inDim = inDim;
    this.outDim = outDim;
    this.bits = bits;
    this.groupSize = groupSize;
    this.outputShape = [inDim, outDim];
    // Flat dispatch, one invocation per output element (tfjs reshapes it past the per-dimension limit).
    // Written out rather than taken from tfjs-backend-webgpu's webgpu_util: a value import of that
    // package would register the webgpu backend as a side effect of importing @mobile-mm/int2.
    this.dispatchLayout = { x: [0, 1] };
    this.dispatch = [Math.ceil(this.outputShape[0] * this.outputShape[1] / this.workgroupSize[0]), 1, 1];
    // Every constant baked into the shader is in the key (tfjs adds ranks and dtypes, not shapes).
    this.shaderKey = `int2Unpack_${inDim}_${outDim}_${bits}_${groupSize}`;
  }

  getUserCode(): string {
    const c = 32 / this.bits;
    const kp = Math.ceil(this.inDim / this.groupSize) * this.groupSize;
    const words = kp / c; // codes per row of the 'bytes' layout
    const groups = kp / this.groupSize;
    return `
      ${WGSL_EXACT}

      fn main(index : i32) {
        if (index < uniforms.size) {
          let k = index / ${this.outDim};
          let n = index - k * ${this.outDim};
          let g = k / ${this.groupSize};
          let el = k / ${c};
          let word = bitcast<u32>(codes[n * ${words} + el]);
          let q = (word >> u32(${this.bits} * (k - el * ${c}))) & ${(1 << this.bits) - 1}u;
          var sq = i2Split(scales[n * ${groups} + g]);
          sq.m = sq.m * q;  // exact: < 2^24 * 2^8
          setOutputAtIndex(index, i2RoundSum(sq, i2Split(mins[n * ${groups} + g])));
        }
      }
    `;
  }
}
