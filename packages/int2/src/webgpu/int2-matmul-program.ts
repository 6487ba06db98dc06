/**
 * Fused quantized matmul: y[m, n] = Σ_g (scale[n,g]·Σ_{k∈g} x[m,k]·q[k,n] +
 * min[n,g]·Σ_{k∈g} x[m,k]) (+ bias[n]), output float32 [M, N].
 *
 * One invocation per output element walks k = 0..K−1 once: it reads each
 * 32-bit word of column n's codes once ('bytes' layout: c = 32/b codes per
 * word, G a multiple of c, so a group is whole words) and peels the codes off
 * with shifts, so no weight is ever materialised outside registers. Float32
 * accumulation; see Int2MatMul.ts for cost and tolerance.
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { Bits } from '../kernel-names.js';

export class Int2MatMulProgram implements WebGPUProgram {
  variableNames: string[];
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
  private readonly hasBias: boolean;

  constructor(batch: number, inDim: number, outDim: number, bits: Bits, groupSize: number, hasBias: boolean) {
    this.inDim = inDim;
    this.outDim = outDim;
    this.bits = bits;
    this.groupSize = groupSize;
    this.hasBias = hasBias;
    this.variableNames = hasBias ? ['x', 'codes', 'scales', 'mins', 'bias'] : ['x', 'codes', 'scales', 'mins'];
    this.outputShape = [batch, outDim];
    // Flat dispatch, one invocation per output element (tfjs reshapes it past the per-dimension limit).
    // Written out rather than taken from tfjs-backend-webgpu's webgpu_util: a value import of that
    // package would register the webgpu backend as a side effect of importing @mobile-mm/int2.
    this.dispatchLayout = { x: [0, 1] };
    this.dispatch = [Math.ceil(this.outputShape[0] * this.outputShape[1] / this.workgroupSize[0]), 1, 1];
    // Every constant baked into the shader is in the key (M comes from uniforms.size).
    this.shaderKey = `int2MatMul_${inDim}_${outDim}_${bits}_${groupSize}_${hasBias ? 'bias' : 'nobias'}`;
  }

  getUserCode(): string {
    const c = 32 / this.bits;
    const kp = Math.ceil(this.inDim / this.groupSize) * this.groupSize;
    const words = kp / c;
    const groups = kp / this.groupSize;
    const K = this.inDim;
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let m = index / ${this.outDim};
          let n = index - m * ${this.outDim};
          let xRow = m * ${K};
          let codeRow = n * ${words};
          var acc = 0.0;
          for (var g = 0; g < ${groups}; g = g + 1) {
            var xq = 0.0;                 // sum of x * q over the group
            var xs = 0.0;                 // sum of x over the group
            for (var w = 0; w < ${this.groupSize / c}; w = w + 1) {
              let k0 = g * ${this.groupSize} + w * ${c};
              if (k0 >= ${K}) {
                break;
              }
              let word = bitcast<u32>(codes[codeRow + k0 / ${c}]);
              for (var i = 0; i < ${c}; i = i + 1) {
                let k = k0 + i;
                if (k >= ${K}) {
                  break;                  // padded rows: q = 0 and no x
                }
                let q = f32((word >> u32(${this.bits} * i)) & ${(1 << this.bits) - 1}u);
                let xk = x[xRow + k];
                xq = xq + xk * q;
                xs = xs + xk;
              }
            }
            acc = acc + scales[n * ${groups} + g] * xq + mins[n * ${groups} + g] * xs;
          }
          ${this.hasBias ? 'acc = acc + bias[n];' : ''}
          setOutputAtIndex(index, acc);
        }
      }
    `;
  }
}
