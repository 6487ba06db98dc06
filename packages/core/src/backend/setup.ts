/**
 * One call to pick and start a tfjs backend, in Node or the browser.
 *
 *   await setupBackend('auto')   // webgpu where it starts, else webgl where WebGL2 exists, else wasm, else cpu
 *   await setupBackend('wasm')   // wasm files found next to the installed package
 *
 * Each backend lives in its own module (cpu/, wasm/, webgl/, webgpu/ beside this
 * file), imported here with a dynamic import() only when that backend is
 * asked for: importing this module registers nothing, and a bundler puts
 * each tfjs backend in a chunk of its own, loaded on first use. An app that
 * wants one backend in its main chunk imports `@mobile-mm/core/backend/<name>`.
 *
 * The wasm backend also gets the two fixes measured in TRAPS.md (see
 * wasm-fixes.ts) unless `wasmFixes: false` is passed.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MobileMMError } from '../errors.js';
import { BACKENDS, availableBackends, detectWebgpu, type BackendName } from './backends.js';

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
  /**
   * tfjs flags to set before the backend starts, e.g. {WEBGL_FORCE_F16_TEXTURES: true}.
   * Set once the backend's module is loaded (a backend registers its own flags).
   */
  flags?: Record<string, boolean | number>;
}

/** What each backend module (cpu/, wasm/, webgl/, webgpu/ index.ts) provides. */
interface BackendModule {
  /** Before tf.setBackend: locate files, check the platform. Throws BACKEND_UNAVAILABLE. */
  prepareBackend(options: SetupBackendOptions): Promise<void>;
  /** After the backend is current: register fixes. */
  backendStarted(options: SetupBackendOptions): void;
}

// Literal specifiers, one per backend, so bundlers can split them into chunks.
const LOADERS: Record<BackendName, () => Promise<BackendModule>> = {
  cpu: () => import('./cpu/index.js'),
  wasm: () => import('./wasm/index.js'),
  webgl: () => import('./webgl/index.js'),
  webgpu: () => import('./webgpu/index.js'),
};

/** Imports the module of `name` (and so its tfjs backend). Throws BACKEND_UNAVAILABLE when the package is missing. */
export async function loadBackend(name: BackendName): Promise<void> {
  await loadModule(name);
}

async function loadModule(name: BackendName): Promise<BackendModule> {
  try {
    return await LOADERS[name]();
  } catch (e) {
    throw new MobileMMError(
      'BACKEND_UNAVAILABLE',
      `${name}: its module could not be loaded (${(e as Error).message}); ` +
        `install @tensorflow/tfjs-backend-${name}@4.22.0 next to @mobile-mm/core.`,
    );
  }
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
    await detectWebgpu(); // no adapter: webgpu is left out, and its module never loaded
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
  const backend = await loadModule(name);
  for (const [flag, value] of Object.entries(options.flags ?? {})) tf.env().set(flag, value);
  await backend.prepareBackend(options);
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
  backend.backendStarted(options);
  return name;
}
