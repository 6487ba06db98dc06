/**
 * @mobile-mm/core/backend: starting a tfjs backend.
 *
 * Importing this module registers nothing. setupBackend(name) imports the
 * one tfjs backend asked for (dynamic import(): a chunk of its own in a
 * bundle); 'auto' tries webgpu → webgl → wasm → cpu as availableBackends() lists them.
 * To load a backend eagerly (in your main chunk, no lazy fetch), import its
 * module, whose import has that side effect:
 *
 *   import '@mobile-mm/core/backend/wasm';   // registers tfjs-backend-wasm
 *   import '@mobile-mm/core/backend/cpu';    // registers tfjs-backend-cpu
 *   import '@mobile-mm/core/backend/webgl';  // registers tfjs-backend-webgl
 *   import '@mobile-mm/core/backend/webgpu'; // registers tfjs-backend-webgpu
 *
 * The tfjs backends are optional peer dependencies of @mobile-mm/core:
 * install the ones you start.
 */
export { BACKENDS, availableBackends, detectWebgpu, webglAvailable, webgpuAvailable, type BackendName } from './backends.js';
export { setupBackend, loadBackend, type SetupBackendOptions } from './setup.js';
export {
  registerWasmFixes,
  unregisterWasmFixes,
  wasmFixesState,
  type WasmFixesOptions,
  type WasmFixesState,
} from './wasm-fixes.js';
export type { BatchMatMulOptions } from './wasm/BatchMatMul.js';
