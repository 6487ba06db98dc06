/**
 * The Int2 kernels for the tfjs wasm backend (WebAssembly SIMD, int2-simd.wat).
 *
 *   import { registerWasmKernels } from '@mobile-mm/int2/wasm';
 *   registerWasmKernels();           // idempotent; no effect on import
 *
 * The SIMD module is compiled and instantiated lazily, on the first kernel
 * call, against the backend's own heap (see wasm-module.ts).
 */
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { int2PackConfig } from './Int2Pack.js';
import { int2UnpackConfig } from './Int2Unpack.js';
import { int2MatMulConfig } from './Int2MatMul.js';
import { registerKernelConfigs } from '../kernel-registry.js';
import { wasmFusedKernelConfigs } from '../fused/kernels.js';
import { registerInt2Gradients } from '../gradients.js';

/** With the fused decode kernels (MobileMMLayerNorm, MobileMMAttention; fused/kernels.ts). */
export const wasmKernelConfigs: KernelConfig[] = [int2PackConfig, int2UnpackConfig, int2MatMulConfig, ...wasmFusedKernelConfigs];

/**
 * Registers Int2Pack/Int2Unpack/Int2MatMul for 'wasm' (each unless already
 * registered) and the Int2MatMul gradient. Idempotent.
 */
export function registerWasmKernels(): void {
  registerKernelConfigs(wasmKernelConfigs);
  registerInt2Gradients();
}

export { int2PackConfig } from './Int2Pack.js';
export { int2UnpackConfig, int2UnpackImpl } from './Int2Unpack.js';
export {
  int2MatMulConfig,
  int2MatMulIntImpl,
  chooseMatMulPath,
  setWasmMatMulPath,
  getWasmMatMulPath,
  ACT_QMAX,
  type WasmMatMulPath,
} from './Int2MatMul.js';
export { setWasmMemoryMode, getWasmMemoryMode, type WasmMemoryMode } from './wasm-module.js';
