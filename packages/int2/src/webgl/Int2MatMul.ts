/**
 * Int2MatMul on webgl: y[M, N] = x[M, K] · ŵ[K, N] (+ bias[N]), fused: the
 * shader decodes the packed codes itself, so no float copy of the weight
 * exists in GPU memory. GPU memory: the codes, 32/c bits per weight on
 * float32 textures (2.67 at 2-bit, c = 12) and 16/c on float16 textures
 * (3.2 at 2-bit, c = 5), plus scales and mins and the [M, N] output.
 *
 * Per output texel (m, n), Int2MatMulProgram:
 *   for each group g:  for each real row k of g:
 *       every c-th k: fetch the next packed element v of column n
 *       q = v − 2^b·⌊v/2^b⌋,  v = ⌊v/2^b⌋         (exact: v < 2^24 integer)
 *       xq += x[m,k]·q,  xs += x[m,k]               (fetch x[m,k])
 *     acc += scale[n,g]·xq + min[n,g]·xs            (fetch scale, min)
 *   y[m,n] = acc (+ bias[n])
 * Cost per texel: K fetches of x, ⌈K/c⌉ of codes, 2·⌈K/G⌉ of scales/mins,
 * ≈ 6·K flops; M·N·K x fetches in all (the texture cache serves the re-reads
 * of row m across n). Accumulation is highp float32 even on float16 textures,
 * where only storage is float16: x, scales, mins and y are rounded to f16
 * when written, so results there match the float64 formula on the f16-rounded
 * inputs to within f16 rounding of y (2^-11 relative).
 *
 * Unlike tfjs's own kernels this one never forwards small inputs to the CPU:
 * every call runs the shader.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { MobileMMError } from '@mobile-mm/core';
import { Int2MatMul, type Int2MatMulAttrs, type Int2MatMulInputs } from '../kernel-names.js';
import { codesPerElement } from '../format.js';
import { Int2MatMulProgram } from './int2-matmul-program.js';
import { checkMatMulInputs } from '../gpu-checks.js';
import { checkWebglAttrs } from './webgl-util.js';

export function int2MatMulWebgl(args: {
  inputs: Int2MatMulInputs;
  backend: MathBackendWebGL;
  attrs: Int2MatMulAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, codes, scales, mins, bias } = inputs;
  const { bits, groupSize, inDim: K, outDim: N, layout } = attrs;
  checkWebglAttrs(Int2MatMul, attrs);
  checkMatMulInputs(Int2MatMul, inputs, attrs);

  const M = x.shape[0];
  const c = codesPerElement(bits, layout);
  const program = new Int2MatMulProgram(M, K, N, bits, groupSize, c, bias != null);
  const programInputs = bias != null ? [x, codes, scales, mins, bias] : [x, codes, scales, mins];
  return backend.runWebGLProgram(program, programInputs, 'float32');
}

export const int2MatMulWebglConfig: KernelConfig = {
  kernelName: Int2MatMul,
  backendName: 'webgl',
  kernelFunc: int2MatMulWebgl as unknown as KernelFunc,
};
