/**
 * @mobile-mm/core/backend/wasm: the WebAssembly backend, with the two fixes
 * of wasm-fixes.ts.
 *
 * Side effect on import: tfjs-backend-wasm registers its backend factory and
 * kernels with the tfjs engine (this module is listed in `sideEffects`).
 * setupBackend('wasm') imports it on demand; import it yourself to bundle it
 * into your main chunk. The .wasm binaries are found as setupBackend's
 * `wasmPaths` option describes.
 */
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { MobileMMError } from '../../errors.js';
import { isNode, importNodeBuiltin } from '../../env.js';
import { registerWasmFixes } from '../wasm-fixes.js';
import type { SetupBackendOptions } from '../setup.js';

export {
  registerWasmFixes,
  unregisterWasmFixes,
  wasmFixesState,
  type WasmFixesOptions,
  type WasmFixesState,
} from '../wasm-fixes.js';
export type { BatchMatMulOptions } from './BatchMatMul.js';

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

/** Points tfjs-backend-wasm at its .wasm files (once; a later explicit `wasmPaths` replaces them). */
export async function prepareBackend(options: SetupBackendOptions): Promise<void> {
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

/** Registers the wasm fixes unless `wasmFixes: false`. */
export function backendStarted(options: SetupBackendOptions): void {
  if (options.wasmFixes !== false) registerWasmFixes();
}
