/**
 * One call to pick and start a tfjs backend, in Node or the browser.
 *
 *   await setupBackend('auto')   // webgl where WebGL2 exists, else wasm, else cpu
 *   await setupBackend('wasm')   // wasm files found next to the installed package
 *
 * The wasm backend also gets the two fixes measured in TRAPS.md (see
 * wasm-fixes.ts) unless `wasmFixes: false` is passed.
 */
import * as tf from '@tensorflow/tfjs-core';
// Side-effect imports: each registers its backend factory with the engine.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
// Importing tfjs-layers registers every op gradient (tfjs-core alone does not in Node).
import '@tensorflow/tfjs-layers';
import { MobileMMError } from '../errors.js';
import { isNode, importNodeBuiltin } from '../env.js';
import { registerWasmFixes } from './wasm-fixes.js';

export type BackendName = 'cpu' | 'wasm' | 'webgl';
export const BACKENDS: readonly BackendName[] = ['cpu', 'wasm', 'webgl'];

export interface SetupBackendOptions {
  /**
   * Where the wasm binaries live: a folder URL/path ending in '/', or a map
   * from file name to URL. Node default: the installed package's dist/ folder.
   * Browser default: `globalThis.MOBILE_MM_WASM_PATH` if set; otherwise you
   * must pass this (bundlers move files around; we never fetch from a CDN).
   */
  wasmPaths?: string | Record<string, string>;
  /** Register UnsortedSegmentSum and the fast BatchMatMul on wasm. Default true. */
  wasmFixes?: boolean;
  /** tfjs flags to set before the backend starts, e.g. {WEBGL_FORCE_F16_TEXTURES: true}. */
  flags?: Record<string, boolean | number>;
}

let wasmPathsSet = false;

async function defaultWasmPaths(): Promise<string | undefined> {
  const fromGlobal = (globalThis as { MOBILE_MM_WASM_PATH?: string }).MOBILE_MM_WASM_PATH;
  if (fromGlobal) return fromGlobal;
  if (!isNode()) return undefined;
  const { createRequire } = await importNodeBuiltin<typeof import('node:module')>('module');
  const path = await importNodeBuiltin<typeof import('node:path')>('path');
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return path.join(path.dirname(pkg), 'dist') + path.sep;
}

function webglAvailable(): boolean {
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

/**
 * Starts `name` (or the best available for 'auto') and makes it current.
 * Returns the backend that is now active. Throws BACKEND_UNAVAILABLE with the
 * reason when the named backend cannot start.
 */
export async function setupBackend(
  name: BackendName | 'auto' = 'auto',
  options: SetupBackendOptions = {},
): Promise<BackendName> {
  if (name === 'auto') {
    const errors: string[] = [];
    for (const candidate of availableBackends()) {
      try {
        return await setupBackend(candidate, options);
      } catch (e) {
        errors.push(`${candidate}: ${(e as Error).message}`);
      }
    }
    throw new MobileMMError('BACKEND_UNAVAILABLE', `No tfjs backend could start (${errors.join('; ')}).`);
  }
  if (!BACKENDS.includes(name)) {
    throw new MobileMMError(
      'INVALID_ARGUMENT',
      `Unknown backend "${String(name)}"; accepted: ${BACKENDS.join(', ')} or auto.`,
    );
  }
  for (const [flag, value] of Object.entries(options.flags ?? {})) tf.env().set(flag, value);

  if (name === 'wasm') {
    const paths = options.wasmPaths ?? (wasmPathsSet ? undefined : await defaultWasmPaths());
    if (paths !== undefined) {
      setWasmPaths(paths as string);
      wasmPathsSet = true;
    } else if (!wasmPathsSet) {
      throw new MobileMMError(
        'BACKEND_UNAVAILABLE',
        'wasm: no location for the .wasm files. Pass setupBackend("wasm", {wasmPaths}) ' +
          'or set globalThis.MOBILE_MM_WASM_PATH to the folder serving tfjs-backend-wasm/dist/.',
      );
    }
  }
  if (name === 'webgl' && !webglAvailable()) {
    throw new MobileMMError('BACKEND_UNAVAILABLE', 'webgl: WebGL2 is not available in this environment (Node has none).');
  }
  let ok = false;
  try {
    ok = await tf.setBackend(name);
    await tf.ready();
  } catch (e) {
    throw new MobileMMError('BACKEND_UNAVAILABLE', `${name}: failed to start (${(e as Error).message}).`);
  }
  if (!ok || tf.getBackend() !== name) {
    throw new MobileMMError('BACKEND_UNAVAILABLE', `${name}: tf.setBackend returned false.`);
  }
  if (name === 'wasm' && options.wasmFixes !== false) registerWasmFixes();
  return name;
}
