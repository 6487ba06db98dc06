/**
 * Backend names and what this environment can start. Imports no tfjs
 * backend: safe to use from any entry point (types, config validation,
 * fallback chains).
 */
import { isNode } from '../env.js';

export type BackendName = 'cpu' | 'wasm' | 'webgl';
export const BACKENDS: readonly BackendName[] = ['cpu', 'wasm', 'webgl'];

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

/** Backends that can start here, in fallback order (webgl → wasm → cpu). */
export function availableBackends(): BackendName[] {
  return webglAvailable() ? ['webgl', 'wasm', 'cpu'] : ['wasm', 'cpu'];
}
