/**
 * Backend names and what this environment can start. Imports no tfjs
 * backend: safe to use from any entry point (types, config validation,
 * fallback chains).
 */
import { isNode } from '../env.js';

export type BackendName = 'cpu' | 'wasm' | 'webgl' | 'webgpu';
export const BACKENDS: readonly BackendName[] = ['cpu', 'wasm', 'webgl', 'webgpu'];

interface GpuLike {
  requestAdapter(): Promise<unknown>;
}

function navigatorGpu(): GpuLike | undefined {
  if (isNode()) return undefined;
  return (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu ?? undefined;
}

/** What the last adapter request answered: undefined until one ran. */
let webgpuAdapterFound: boolean | undefined;

/**
 * True where the WebGPU API exists (`navigator.gpu`; never in Node), unless
 * an adapter request already came back empty. Whether an adapter can be had
 * is only known after the asynchronous `navigator.gpu.requestAdapter()`:
 * `detectWebgpu()` asks once and remembers, and setupBackend('webgpu') records
 * what it found. (Chromium on Linux without a usable GPU has `navigator.gpu`
 * but no adapter: measured in headless Chromium 156 without --enable-unsafe-webgpu.)
 */
export function webgpuAvailable(): boolean {
  return navigatorGpu() != null && webgpuAdapterFound !== false;
}

/**
 * Asks `navigator.gpu` for an adapter (once; later calls reuse the answer) and
 * returns whether there is one. Afterwards webgpuAvailable() and
 * availableBackends() leave webgpu out where none came. Never throws.
 */
export async function detectWebgpu(): Promise<boolean> {
  const gpu = navigatorGpu();
  if (gpu == null) return false;
  if (webgpuAdapterFound === undefined) {
    try {
      noteWebgpuAdapter((await gpu.requestAdapter()) != null);
    } catch {
      noteWebgpuAdapter(false);
    }
  }
  return webgpuAdapterFound === true;
}

/** Records an adapter request's answer (webgpu/index.ts; not exported from the package). */
export function noteWebgpuAdapter(found: boolean): void {
  webgpuAdapterFound = found;
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
