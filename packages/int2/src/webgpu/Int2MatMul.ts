/**
 * Int2MatMul on webgpu: y[M, N] = x[M, K] · ŵ[K, N] (+ bias[N]), fused: the
 * shader decodes the packed codes itself, so no float copy of the weight
 * exists in GPU memory. GPU memory: the codes at b bits per weight ('bytes'
 * layout, the same int32 words as cpu and wasm), scales and mins, and the
 * [M, N] output.
 *
 * Per output element (m, n), Int2MatMulProgram:
 *   for each group g:  for each word of column n in g (G/c words, c = 32/b):
 *       for each of its c codes (k < K only):
 *         q = (word >> b·i) & (2^b − 1)
 *         xq += x[m,k]·q,  xs += x[m,k]
 *     acc += scale[n,g]·xq + min[n,g]·xs
 *   y[m,n] = acc (+ bias[n])
 * Cost per output: K reads of x, ⌈K/c⌉ of codes, 2·⌈K/G⌉ of scales/mins,
 * ≈ 6·K flops. Invocations of one workgroup share m and read the same x[m,k]
 * at the same time; their code words are a row (Kp/c words) apart.
 *
 * Accuracy: float32 throughout. With S = Σ_k |x[m,k]|·(|scale|·q + |min|) +
 * |bias[n]|, |y − y_exact| ≤ (G + ⌈K/G⌉ + 4)·2^-24·S — the first-order bound
 * for ≤ G terms inside a group, two products, ⌈K/G⌉ group terms and the bias,
 * each step one rounding of a partial sum bounded by S (a fused multiply-add
 * only removes roundings). The same bound as the webgl kernel on float32
 * textures; Int2MatMul.webgpu.test.ts checks it.
 *
 * Unlike tfjs's own kernels this one never forwards small inputs to the CPU
 * (WEBGPU_CPU_FORWARD): every call runs the shader.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { MobileMMError } from '@mobile-mm/core';
import { Int2MatMul, type Int2MatMulAttrs, type Int2MatMulInputs } from '../kernel-names.js';
import { Int2MatMulProgram } from './int2-matmul-program.js';
import { checkMatMulInputs } from '../gpu-checks.js';
import { checkWebgpuAttrs } from './webgpu-util.js';

export function int2MatMulWebgpu(args: {
  inputs: Int2MatMulInputs;
  backend: WebGPUBackend;
  attrs: Int2MatMulAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, codes, scales, mins, bias } = inputs;
  const { bits, groupSize, inDim: K, outDim: N } = attrs;
  checkWebgpuAttrs(Int2MatMul, attrs);
  if (attrs.activation !== undefined && attrs.activation !== 'linear') {
    throw new MobileMMError(
      'UNSUPPORTED',
      `${Int2MatMul}: activation '${String(attrs.activation)}' is fused on cpu and wasm only; on webgpu pass 'linear' ` +
        `(quantizedMatMul applies gelu after the kernel there).`,
      { activation: attrs.activation },
    );
  }
  checkMatMulInputs(Int2MatMul, inputs, attrs);

  const M = x.shape[0];
  const program = new Int2MatMulProgram(M, K, N, bits, groupSize, bias != null);
  const programInputs = bias != null ? [x, codes, scales, mins, bias] : [x, codes, scales, mins];
  return backend.runWebGPUProgram(program, programInputs, 'float32');
}

export const int2MatMulWebgpuConfig: KernelConfig = {
  kernelName: Int2MatMul,
  backendName: 'webgpu',
  kernelFunc: int2MatMulWebgpu as unknown as KernelFunc,
};
