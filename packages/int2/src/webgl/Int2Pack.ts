/**
 * Int2Pack on webgl: w float32 [K, N] → [codes int32 [N, ⌈Kp/c⌉] in
 * attrs.layout, scales float32 [N, Kp/G], mins float32 [N, Kp/G]], computed on
 * the GPU by four programs, with no read-back:
 *
 *   mins   = GroupReduceProgram(w, 'min')                 exact (min of inputs)
 *   maxs   = GroupReduceProgram(w, 'max')                 (freed at the end)
 *   scales = GroupScaleProgram(mins, maxs)                exact RN32 / RN16
 *   codes  = Int2PackProgram(w, scales, mins)             exact q, c per element
 *
 * Bit-exact with reference.ts quantizeReference applied to the weight the GPU
 * holds: on float32 textures with scaleDtype 'float32'; on float16 textures
 * (W stored as float16) with scaleDtype 'float16' — scales and mins stored
 * in a float16 texture cannot be anything else. The one difference from the
 * float64 reference: q is decided on the exact value of (w − min)/scale,
 * while the reference rounds w − min, the quotient and + ½ in float64. They
 * can only disagree when (w − min)/scale is within float64 rounding error
 * (≈ 2^-44 relative) of a half-integer without being one, which needs w or
 * min to carry bits about 2^19 finer than scale's (|w| or |min| ≪ scale).
 * 'webgl-f16' codes may be produced on float32 textures too.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { Int2Pack, type Int2PackAttrs, type Int2PackInputs } from '../kernel-names.js';
import { codesPerElement, numGroups, packedCodesShape } from '../format.js';
import { GroupReduceProgram } from './group-reduce-program.js';
import { GroupScaleProgram } from './group-scale-program.js';
import { Int2PackProgram } from './int2-pack-program.js';
import {
  checkTensorDtype,
  checkTensorShape,
  checkWebglAttrs,
  requireWebgl2,
  webglTexturesAreFloat32,
} from './webgl-util.js';

export function int2PackWebgl(args: {
  inputs: Int2PackInputs;
  backend: MathBackendWebGL;
  attrs: Int2PackAttrs;
}): TensorInfo[] {
  const { inputs, backend, attrs } = args;
  const { w } = inputs;
  const { bits, groupSize, inDim: K, outDim: N, layout } = attrs;
  checkWebglAttrs(Int2Pack, attrs);
  requireWebgl2(Int2Pack);
  checkTensorShape(Int2Pack, 'w', w, [K, N]);
  checkTensorDtype(Int2Pack, 'w', w, 'float32');

  const half = !webglTexturesAreFloat32();
  const ng = numGroups(K, groupSize);
  const mins = backend.runWebGLProgram(new GroupReduceProgram(K, N, groupSize, 'min'), [w], 'float32');
  const maxs = backend.runWebGLProgram(new GroupReduceProgram(K, N, groupSize, 'max'), [w], 'float32');
  const scales = backend.runWebGLProgram(new GroupScaleProgram(N, ng, bits, half), [mins, maxs], 'float32');
  backend.disposeIntermediateTensorInfo(maxs);
  const c = codesPerElement(bits, layout);
  const [, elements] = packedCodesShape(K, N, bits, groupSize, layout);
  const program = new Int2PackProgram(K, N, bits, groupSize, c, elements);
  const codes = backend.runWebGLProgram(program, [w, scales, mins], 'int32');
  return [codes, scales, mins];
}

export const int2PackWebglConfig: KernelConfig = {
  kernelName: Int2Pack,
  backendName: 'webgl',
  kernelFunc: int2PackWebgl as unknown as KernelFunc,
};
