/**
 * The error codes this package adds, and the one predicate that decides what
 * is worth another try. Every error is a MobileMMError (from @mobile-mm/core)
 * with a stable `code`; codes are public API and never renamed.
 */
import { MobileMMError, isMobileMMError, localText } from '@mobile-mm/core';
import { BrokenCircuitError, BulkheadRejectedError, TaskCancelledError } from 'cockatiel';

// instanceof, not cockatiel's isXxxError helpers: in 3.2.1 isTaskCancelledError and
// isIsolatedCircuitError test for the bulkhead's marker property (so they are wrong).

/** The client spent its token bucket; `details.retryAfterMs` says when one token is back. */
export const RATE_LIMITED = 'RATE_LIMITED';
/** The circuit breaker is open (too many recent failures); `details.retryAfterMs` when known. */
export const CIRCUIT_OPEN = 'CIRCUIT_OPEN';
/** The concurrency limit and its queue are full. */
export const BULKHEAD_FULL = 'BULKHEAD_FULL';
/** The request's deadline passed; generation stopped between tokens and freed its tensors. */
export const DEADLINE_EXCEEDED = 'DEADLINE_EXCEEDED';
/** The caller's AbortSignal fired before the request started. */
export const ABORTED = 'ABORTED';
/** Every backend in the fallback chain failed or is unavailable; `details.attempts` lists why. */
export const BACKENDS_EXHAUSTED = 'BACKENDS_EXHAUSTED';
/** The WebGL context was lost during the request (it is retried on the next backend). */
export const CONTEXT_LOST = 'CONTEXT_LOST';
/** A backend failed its health probe (a tiny op whose result is checked). */
export const BACKEND_UNHEALTHY = 'BACKEND_UNHEALTHY';
/** tf.memory() grew across requests that should leave nothing behind (leak guard in 'throw' mode). */
export const TENSOR_LEAK = 'TENSOR_LEAK';

/**
 * Codes that mean "the input or the setup is wrong": the same request fails
 * the same way on every backend and every try, so it is never retried, never
 * sent to the next backend and never counted by a circuit breaker.
 */
export const VALIDATION_CODES: ReadonlySet<string> = new Set([
  'INVALID_CONFIG',
  'INVALID_ARGUMENT',
  'INVALID_SHAPE',
  'INVALID_DTYPE',
  'INVALID_TOKEN',
  'UNSUPPORTED',
  'FILE_NOT_FOUND',
  'MODEL_NOT_FOUND',
  'MODEL_VARIANT_MISMATCH',
  'PROMPT_EMPTY',
  'PROMPT_TOO_LONG',
  'PROMPT_INVALID',
  'IMAGE_CORRUPT',
  'IMAGE_INVALID',
  'IMAGE_TOO_LARGE',
  'IMAGE_UNSUPPORTED_FORMAT',
]);

/** Codes that are final for other reasons: the caller's own limits, or a disposed client. */
const FINAL_CODES: ReadonlySet<string> = new Set([RATE_LIMITED, DEADLINE_EXCEEDED, ABORTED, BULKHEAD_FULL, TENSOR_LEAK, 'DISPOSED']);

/** A validation error: a MobileMMError with a code in VALIDATION_CODES, or any IMAGE_* / PROMPT_* code. */
export function isValidationError(e: unknown): e is MobileMMError {
  return isMobileMMError(e) && (VALIDATION_CODES.has(e.code) || /^(IMAGE|PROMPT)_/.test(e.code));
}

/**
 * The one retry predicate, shared by the retry policy, the circuit breakers
 * and the backend fallback: true for failures another try (or another
 * backend) may fix — tfjs/kernel failures (INTERNAL), BACKEND_UNAVAILABLE,
 * CONTEXT_LOST, BACKENDS_EXHAUSTED, untyped errors — and false for
 * validation errors, the caller's own limits (rate, deadline, abort), and
 * cancellation.
 */
export function isRetryable(e: unknown): boolean {
  if (isValidationError(e)) return false;
  if (isMobileMMError(e) && FINAL_CODES.has(e.code)) return false;
  if (e instanceof TaskCancelledError) return false;
  if (e instanceof Error && e.name === 'AbortError') return false;
  return true;
}

/** cockatiel's own errors (open breaker, full bulkhead, cancelled) as typed MobileMMErrors; others unchanged. */
export function toTypedError(e: unknown, context = ''): unknown {
  const where = context ? `${context}: ` : '';
  if (e instanceof BrokenCircuitError) {
    return new MobileMMError(CIRCUIT_OPEN, localText('resilience.circuitOpen', { where }), { cause: e });
  }
  if (e instanceof BulkheadRejectedError) {
    return new MobileMMError(BULKHEAD_FULL, localText('resilience.bulkheadFull', { where }), { cause: e });
  }
  if (e instanceof TaskCancelledError) {
    return new MobileMMError(ABORTED, localText('resilience.cancelled', { where }), { cause: e });
  }
  return e;
}
