/**
 * @mobile-mm/core/backend/webgl: the WebGL2 backend (browsers only).
 *
 * Side effect on import: tfjs-backend-webgl registers its backend factory and
 * kernels with the tfjs engine (this module is listed in `sideEffects`).
 * setupBackend('webgl') imports it on demand; import it yourself to bundle it
 * into your main chunk. An app that never asks for webgl (nor 'auto' in a
 * browser) never loads it.
 */
import '@tensorflow/tfjs-backend-webgl';
import { MobileMMError } from '../../errors.js';
import { webglAvailable } from '../backends.js';
import type { SetupBackendOptions } from '../setup.js';

/** Fails with BACKEND_UNAVAILABLE where WebGL2 cannot start (Node, old browsers). */
export async function prepareBackend(_options: SetupBackendOptions): Promise<void> {
  if (!webglAvailable()) {
    throw new MobileMMError('BACKEND_UNAVAILABLE', 'webgl: WebGL2 is not available in this environment (Node has none).');
  }
}

/** Nothing to add once it runs. */
export function backendStarted(_options: SetupBackendOptions): void {}
