/**
 * The webgpu kernels of @mobile-mm/int2: Int2Unpack and Int2MatMul for tfjs's
 * 'webgpu' backend, as WGSL programs reading codes in the 'bytes' layout
 * (format.ts; WebGPU buffers hold int32 exactly, so the layout of cpu and
 * wasm). Importing registers nothing; call registerWebgpuKernels().
 *
 * No Int2Pack here: the reference's scale = RN32((max − min)/(2^b − 1)) needs
 * float64-exact arithmetic that WGSL does not have (its division is 2.5 ulp),
 * and packing on the host needs a synchronous read-back of w, which
 * tfjs-backend-webgpu does through a canvas and warns is slow (tried in
 * headless Chromium on SwiftShader with a [200, 96] weight already on the GPU:
 * it read back zeros, and the next GPU read failed). So quantize() says so
 * on webgpu (UNSUPPORTED); quantize on cpu or wasm, or load packed weights
 * (QuantizedTensor.fromCanonical, loadQuantized), then run on webgpu.
 */
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { int2MatMulWebgpuConfig } from './Int2MatMul.js';
import { int2UnpackWebgpuConfig } from './Int2Unpack.js';
import { registerKernelConfigs } from '../kernel-registry.js';
import { registerInt2Gradients } from '../gradients.js';

export { int2MatMulWebgpu, int2MatMulWebgpuConfig } from './Int2MatMul.js';
export { int2UnpackWebgpu, int2UnpackWebgpuConfig } from './Int2Unpack.js';
export { Int2MatMulProgram } from './int2-matmul-program.js';
export { Int2UnpackProgram } from './int2-unpack-program.js';

export const webgpuKernelConfigs: KernelConfig[] = [int2UnpackWebgpuConfig, int2MatMulWebgpuConfig];

/**
 * Registers the two kernels for 'webgpu', skipping any already registered
 * there, and the Int2MatMul gradient (as the other entries do). Idempotent.
 */
export function registerWebgpuKernels(): void {
  registerKernelConfigs(webgpuKernelConfigs);
  registerInt2Gradients();
}
