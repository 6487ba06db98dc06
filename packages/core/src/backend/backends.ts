/**
 * Backend names and what this environment can start. Imports no tfjs
 * backend: safe to use from any entry point (types, config validation,
 * fallback chains).
 */
import { isNode } from '../env.js';

export type BackendName = 'cpu' | 'wasm' | 'webgl' | 'webgpu';
export const BACKENDS: readonly BackendName[] = ['cpu', 'wasm', 'webgl', 'webgpu'];

/**
 * True where the WebGPU API exists (`navigator.gpu`; never in Node). Whether
 * an adapter can be had is only known after the asynchronous
 * `navigator.gpu.requestAdapter()`, which webgpu/index.ts checks before start.
 */
export function webgpuAvailable(): boolean {
  if (isNode()) return false;
  return (globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu != null;
}

/** True where a WebGL2 context can be created (never in Node). */
export function webglAvailable(): boolean {
  if (isNode()) return false;
  try {
    const canvas =
      typeof OffscreenCanvas !== 'undefined'
        ? new OffscreenCanvas(1, 1)
        : (globalThis as { document?: Document }).document?.createElement('canvas');
    return canvas?.getContext('webgl2') != null;
  } catch {
    return false;
  }
}

/** Backends that can start here, in fallback order (webgpu → webgl → wasm → cpu). */
export function availableBackends(): BackendName[] {
  const out: BackendName[] = [];
  if (webgpuAvailable()) out.push('webgpu');
  if (webglAvailable()) out.push('webgl');
  out.push('wasm', 'cpu');
  return out;
}
