/**
 * @mobile-mm/core/backend/webgpu: the WebGPU backend (browsers only).
 *
 * Side effect on import: tfjs-backend-webgpu registers its kernels, and — where
 * `navigator.gpu` exists — its backend factory, with the tfjs engine (this
 * module is listed in `sideEffects`). setupBackend('webgpu') imports it on
 * demand; import it yourself to bundle it into your main chunk. An app that
 * never asks for webgpu (nor 'auto' in a browser that has `navigator.gpu`)
 * never loads it.
 */
import '@tensorflow/tfjs-backend-webgpu';
import { MobileMMError } from '../../errors.js';
import { isNode } from '../../env.js';
import { BACKENDS, noteWebgpuAdapter } from '../backends.js';
import type { SetupBackendOptions } from '../setup.js';

/** Minimal view of the WebGPU API (the DOM lib in use may not declare it). */
interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'low-power' | 'high-performance' }): Promise<unknown>;
}

function unavailable(why: string): MobileMMError {
  return new MobileMMError(
    'BACKEND_UNAVAILABLE',
    `webgpu: ${why}; accepted backends: ${BACKENDS.join(', ')} or auto (which falls back to the next available one).`,
  );
}

/**
 * Fails with BACKEND_UNAVAILABLE where WebGPU cannot start: no `navigator.gpu`
 * (Node, browsers without WebGPU, insecure contexts) or no adapter
 * (`requestAdapter()` resolves to null: blocklisted or absent GPU). Records
 * the answer, so availableBackends() leaves an adapter-less webgpu out.
 */
export async function prepareBackend(_options: SetupBackendOptions): Promise<void> {
  const gpu = isNode() ? undefined : (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
  if (gpu == null) {
    throw unavailable('navigator.gpu is missing (Node has none; browsers expose it only in secure contexts, some behind a flag)');
  }
  let adapter: unknown;
  try {
    adapter = await gpu.requestAdapter();
  } catch (e) {
    noteWebgpuAdapter(false);
    throw unavailable(`navigator.gpu.requestAdapter() failed (${(e as Error).message})`);
  }
  noteWebgpuAdapter(adapter != null);
  if (adapter == null) throw unavailable('navigator.gpu.requestAdapter() returned null (no usable GPU adapter)');
}

/** Nothing to add once it runs. */
export function backendStarted(_options: SetupBackendOptions): void {}
