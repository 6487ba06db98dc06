/**
 * Int2Unpack on webgpu: codes int32 [N, Kp·b/32] ('bytes' layout), scales and
 * mins float32 [N, Kp/G] → ŵ float32 [K, N], one Int2UnpackProgram pass.
 *
 * Bit-exact with reference.ts dequantizeReference rounded once to float32
 * (Math.fround): the rounding is done with integer arithmetic (wgsl-exact.ts).
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { Int2Unpack, type Int2UnpackAttrs, type Int2UnpackInputs } from '../kernel-names.js';
import { Int2UnpackProgram } from './int2-unpack-program.js';
import { checkPackedInputs, checkTensorDtype } from '../gpu-checks.js';
import { checkWebgpuAttrs } from './webgpu-util.js';

export function int2UnpackWebgpu(args: {
  inputs: Int2UnpackInputs;
  backend: WebGPUBackend;
  attrs: Int2UnpackAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { codes, scales, mins } = inputs;
  const { bits, groupSize, inDim: K, outDim: N } = attrs;
  checkWebgpuAttrs(Int2Unpack, attrs);
  checkPackedInputs(Int2Unpack, inputs, attrs);
  checkTensorDtype(Int2Unpack, 'scales', scales, 'float32');
  checkTensorDtype(Int2Unpack, 'mins', mins, 'float32');

  const program = new Int2UnpackProgram(K, N, bits, groupSize);
  return backend.runWebGPUProgram(program, [codes, scales, mins], 'float32');
}

export const int2UnpackWebgpuConfig: KernelConfig = {
  kernelName: Int2Unpack,
  backendName: 'webgpu',
  kernelFunc: int2UnpackWebgpu as unknown as KernelFunc,
};
