/**
 * The cpu kernels of @mobile-mm/int2 (`import {registerCpuKernels} from '@mobile-mm/int2/cpu'`).
 */
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { int2MatMulConfig } from './Int2MatMul.js';
import { int2PackConfig } from './Int2Pack.js';
import { int2UnpackConfig } from './Int2Unpack.js';
import { registerKernelConfigs } from '../kernel-registry.js';
import { cpuFusedKernelConfigs } from '../fused/kernels.js';
import { registerInt2Gradients } from '../gradients.js';

export { int2MatMulConfig, int2MatMulImpl, type MatMulDims } from './Int2MatMul.js';
export { int2PackConfig, int2PackImpl, type PackedArrays } from './Int2Pack.js';
export { int2UnpackConfig, int2UnpackImpl } from './Int2Unpack.js';

/** With the fused decode kernels (MobileMMLayerNorm, MobileMMAttention; fused/kernels.ts). */
export const cpuKernelConfigs: KernelConfig[] = [int2PackConfig, int2UnpackConfig, int2MatMulConfig, ...cpuFusedKernelConfigs];

/** Registers Int2Pack/Int2Unpack/Int2MatMul for 'cpu' and the Int2MatMul gradient. Idempotent. */
export function registerCpuKernels(): void {
  registerKernelConfigs(cpuKernelConfigs);
  registerInt2Gradients();
}
