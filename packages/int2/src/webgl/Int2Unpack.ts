/**
 * Int2Unpack on webgl: codes int32 [N, ⌈Kp/c⌉] (attrs.layout), scales and mins
 * float32 [N, Kp/G] → ŵ float32 [K, N], one Int2UnpackProgram pass.
 *
 * Bit-exact with reference.ts dequantizeReference rounded once to float32
 * (Math.fround), and on float16 textures with roundToFloat16 of it.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { Int2Unpack, type Int2UnpackAttrs, type Int2UnpackInputs } from '../kernel-names.js';
import { codesPerElement } from '../format.js';
import { Int2UnpackProgram } from './int2-unpack-program.js';
import { checkPackedInputs } from '../gpu-checks.js';
import { checkWebglAttrs, requireWebgl2, webglTexturesAreFloat32 } from './webgl-util.js';

export function int2UnpackWebgl(args: {
  inputs: Int2UnpackInputs;
  backend: MathBackendWebGL;
  attrs: Int2UnpackAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { codes, scales, mins } = inputs;
  const { bits, groupSize, inDim: K, outDim: N, layout } = attrs;
  checkWebglAttrs(Int2Unpack, attrs);
  requireWebgl2(Int2Unpack);
  checkPackedInputs(Int2Unpack, inputs, attrs);

  const c = codesPerElement(bits, layout);
  const program = new Int2UnpackProgram(K, N, bits, groupSize, c, !webglTexturesAreFloat32());
  return backend.runWebGLProgram(program, [codes, scales, mins], 'float32');
}

export const int2UnpackWebglConfig: KernelConfig = {
  kernelName: Int2Unpack,
  backendName: 'webgl',
  kernelFunc: int2UnpackWebgl as unknown as KernelFunc,
};
