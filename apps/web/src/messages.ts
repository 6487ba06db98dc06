/**
 * The one place the app turns an error into what the user reads. The text is
 * the error's own `message` (the packages word it, and localize it where the
 * i18n work has landed) under its stable `code`, plus one line on what to do,
 * from HINTS below. Anything that is not a MobileMMError is shown under
 * UNEXPECTED with its message.
 */
import { MobileMMError, type MobileMMErrorCode } from 'mobile-mm';

export interface ShownError {
  code: MobileMMErrorCode | 'UNEXPECTED';
  message: string;
  hint: string;
}

/** What to do next, per code the app can meet (the others fall back to the generic line). */
const HINTS: Partial<Record<MobileMMErrorCode, string>> = {
  IMAGE_UNSUPPORTED_FORMAT: 'Choose a PNG or JPEG image (or another format this browser can display).',
  IMAGE_CORRUPT: 'The file could not be decoded; choose another image.',
  IMAGE_TOO_LARGE: 'Choose a smaller image (fewer pixels or a smaller file).',
  IMAGE_INVALID: 'Choose another image.',
  PROMPT_EMPTY: 'Type a question, e.g. “how many objects are there?”.',
  PROMPT_TOO_LONG: 'Shorten the question.',
  PROMPT_INVALID: 'Remove control or direction-override characters from the question.',
  MODEL_NOT_FOUND: 'The model files are missing from this site; reload, or ask whoever hosts it.',
  MODEL_DOWNLOAD_FAILED: 'Connect to the network once so the model can be downloaded; after that it works offline.',
  MODEL_VARIANT_MISMATCH: 'Pick the other weights, or reload the page.',
  WEIGHTS_MISMATCH: 'The model files are damaged; reload the page.',
  WEIGHTS_MISSING: 'The model files are damaged; reload the page.',
  SAFETENSORS_CORRUPT: 'The model files are damaged; reload the page.',
  FILE_NOT_FOUND: 'A file could not be fetched; check the connection and reload.',
  BACKEND_UNAVAILABLE: 'Pick another backend (wasm works in every modern browser).',
  BACKENDS_EXHAUSTED: 'No backend could answer; reload the page, or try another browser.',
  BACKEND_UNHEALTHY: 'Pick another backend.',
  CONTEXT_LOST: 'The GPU was reset; run again (another backend takes over).',
  CIRCUIT_OPEN: 'That backend failed several times; wait a moment or pick another one.',
  BULKHEAD_FULL: 'Too many runs at once; wait for the current one to finish.',
  RATE_LIMITED: 'Too many runs in a short time; wait a moment.',
  DEADLINE_EXCEEDED: 'The run took too long; try a faster backend (wasm) or the INT2 weights.',
  ABORTED: 'The run was stopped.',
  OUT_OF_MEMORY: 'The device ran out of memory; close other tabs or pick the INT2 weights.',
  TENSOR_LEAK: 'Reload the page.',
  DISPOSED: 'The model was unloaded while running; run again.',
  INVALID_CONFIG: 'Pick another setting.',
  INVALID_ARGUMENT: 'Pick another setting.',
  INTERNAL: 'Something failed inside TensorFlow.js; try another backend.',
};

const GENERIC_HINT = 'Try again, or reload the page.';

export function describeError(e: unknown): ShownError {
  if (MobileMMError.isInstance(e)) return { code: e.code, message: e.message, hint: HINTS[e.code] ?? GENERIC_HINT };
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'UNEXPECTED', message, hint: GENERIC_HINT };
}
