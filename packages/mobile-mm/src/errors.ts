/**
 * The error codes the facade adds to those of its parts. Every error is a
 * MobileMMError (from @mobile-mm/core) with a stable `code`; codes are public
 * API and never renamed. The full list, with the parts' codes, is in the
 * README ("Errors").
 */
import { MobileMMError, type LocalText, type MobileMMErrorCode } from '@mobile-mm/core';

/** The prompt is empty or whitespace only. */
export const PROMPT_EMPTY = 'PROMPT_EMPTY';
/** The prompt has more characters than maxPromptChars, or more tokens than the decoder holds. */
export const PROMPT_TOO_LONG = 'PROMPT_TOO_LONG';
/** The prompt is not a string, or holds a control character, a bidi override/isolate or a lone surrogate. */
export const PROMPT_INVALID = 'PROMPT_INVALID';
/** The model folder (or a file in it) does not exist. */
export const MODEL_NOT_FOUND = 'MODEL_NOT_FOUND';
/** A model folder over HTTP could not be downloaded: a network failure (offline, not cached), an HTTP error other than 404, or a body cut short. */
export const MODEL_DOWNLOAD_FAILED = 'MODEL_DOWNLOAD_FAILED';
/** The requested variant and the checkpoint's quantization disagree. */
export const MODEL_VARIANT_MISMATCH = 'MODEL_VARIANT_MISMATCH';
/** A call on an instance after dispose(). */
export const DISPOSED = 'DISPOSED';

export function mmError(code: MobileMMErrorCode, message: string | LocalText, details?: Record<string, unknown>): MobileMMError {
  return new MobileMMError(code, message, details);
}
/** An unexpected failure inside tfjs or the model; `details.cause` holds the original error. */
export const INTERNAL = 'INTERNAL';
