/**
 * registerInt2Kernels(): explicit, idempotent registration of the int2
 * kernels (and the Int2MatMul gradient) per backend. Importing this package
 * registers nothing by itself.
 */
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { MobileMMError } from '@mobile-mm/core';
import { cpuKernelConfigs } from './cpu/index.js';
import { wasmKernelConfigs } from './wasm/index.js';
import { webglKernelConfigs } from './webgl/index.js';
import { webgpuKernelConfigs } from './webgpu/index.js';
import { registerKernelConfigs } from './kernel-registry.js';
import { registerInt2Gradients } from './gradients.js';

export type Int2Backend = 'cpu' | 'wasm' | 'webgl' | 'webgpu';

const KERNELS: Record<Int2Backend, readonly KernelConfig[]> = {
  cpu: cpuKernelConfigs,
  wasm: wasmKernelConfigs,
  webgl: webglKernelConfigs,
  webgpu: webgpuKernelConfigs,
};

/** Registers the kernels of `backend`, or of all four when omitted. Safe to call repeatedly. */
export function registerInt2Kernels(backend?: Int2Backend): void {
  if (backend !== undefined && !(backend in KERNELS)) {
    throw new MobileMMError(
      'INVALID_ARGUMENT',
      `registerInt2Kernels: unknown backend "${String(backend)}"; accepted: cpu, wasm, webgl, webgpu, or nothing for all.`,
    );
  }
  const backends = backend === undefined ? (Object.keys(KERNELS) as Int2Backend[]) : [backend];
  for (const b of backends) registerKernelConfigs(KERNELS[b]);
  registerInt2Gradients();
}
