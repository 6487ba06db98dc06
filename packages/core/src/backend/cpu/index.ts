/**
 * @mobile-mm/core/backend/cpu: the plain-JavaScript backend.
 *
 * Side effect on import: tfjs-backend-cpu registers its backend factory and
 * kernels with the tfjs engine (this module is listed in `sideEffects`).
 * setupBackend('cpu') imports it on demand; import it yourself to bundle it
 * into your main chunk.
 */
import '@tensorflow/tfjs-backend-cpu';
import type { SetupBackendOptions } from '../setup.js';

/** Nothing to prepare: the import above registered the backend. */
export async function prepareBackend(_options: SetupBackendOptions): Promise<void> {}

/** Nothing to add once it runs. */
export function backendStarted(_options: SetupBackendOptions): void {}
