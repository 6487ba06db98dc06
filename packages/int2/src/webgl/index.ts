/**
 * The webgl kernels of @mobile-mm/int2: Int2Pack, Int2Unpack, Int2MatMul for
 * tfjs's 'webgl' backend, reading and writing codes in the 'webgl-fp32' or
 * 'webgl-f16' layout (format.ts). `webglLayout()` names the one the current
 * textures hold. Importing registers nothing; call registerWebglKernels().
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { int2MatMulWebglConfig } from './Int2MatMul.js';
import { int2PackWebglConfig } from './Int2Pack.js';
import { int2UnpackWebglConfig } from './Int2Unpack.js';
import { registerInt2Gradients } from '../gradients.js';

export { int2MatMulWebgl, int2MatMulWebglConfig } from './Int2MatMul.js';
export { int2PackWebgl, int2PackWebglConfig } from './Int2Pack.js';
export { int2UnpackWebgl, int2UnpackWebglConfig } from './Int2Unpack.js';
export { Int2MatMulProgram } from './int2-matmul-program.js';
export { Int2PackProgram } from './int2-pack-program.js';
export { Int2UnpackProgram } from './int2-unpack-program.js';
export { GroupReduceProgram, type GroupReduceOp } from './group-reduce-program.js';
export { GroupScaleProgram } from './group-scale-program.js';
export { webglLayout, webglTexturesAreFloat32 } from './webgl-util.js';

export const webglKernelConfigs: KernelConfig[] = [int2PackWebglConfig, int2UnpackWebglConfig, int2MatMulWebglConfig];

/**
 * Registers the three kernels for 'webgl', skipping any already registered
 * there, and the Int2MatMul gradient (as the cpu and wasm entries do). Idempotent.
 */
export function registerWebglKernels(): void {
  for (const config of webglKernelConfigs) {
    if (tf.getKernel(config.kernelName, 'webgl') === undefined) tf.registerKernel(config);
  }
  registerInt2Gradients();
}
