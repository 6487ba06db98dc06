import { describe, expect, it } from 'vitest';
import { MobileMMError, type MobileMMErrorCode } from '@mobile-mm/core';
import { BrokenCircuitError, BulkheadRejectedError, TaskCancelledError } from 'cockatiel';
import { ABORTED, BULKHEAD_FULL, CIRCUIT_OPEN, isRetryable, isValidationError, toTypedError } from './errors.js';

// 'IMAGE_SOMETHING_NEW' is not a code: it stands for one added later, hence the cast.
const err = (code: string): MobileMMError => new MobileMMError(code as MobileMMErrorCode, code);

describe('isRetryable (the one predicate shared by retry, breakers and fallback)', () => {
  it.each([
    'INVALID_CONFIG',
    'INVALID_ARGUMENT',
    'INVALID_SHAPE',
    'FILE_NOT_FOUND',
    'MODEL_NOT_FOUND',
    'PROMPT_EMPTY',
    'PROMPT_TOO_LONG',
    'PROMPT_INVALID',
    'IMAGE_CORRUPT',
    'IMAGE_INVALID',
    'IMAGE_TOO_LARGE',
    'IMAGE_UNSUPPORTED_FORMAT',
    'IMAGE_SOMETHING_NEW',
  ])('never retries the validation error %s', (code) => {
    expect(isValidationError(err(code))).toBe(true);
    expect(isRetryable(err(code))).toBe(false);
  });

  it.each(['RATE_LIMITED', 'DEADLINE_EXCEEDED', 'ABORTED', 'BULKHEAD_FULL', 'DISPOSED', 'TENSOR_LEAK'])('does not retry the final code %s', (code) => {
    expect(isValidationError(err(code))).toBe(false);
    expect(isRetryable(err(code))).toBe(false);
  });

  it.each(['INTERNAL', 'BACKEND_UNAVAILABLE', 'CONTEXT_LOST', 'BACKEND_UNHEALTHY', 'BACKENDS_EXHAUSTED', 'CIRCUIT_OPEN', 'OUT_OF_MEMORY'])('retries %s', (code) => {
    expect(isRetryable(err(code))).toBe(true);
  });

  it('retries untyped errors (a tfjs failure) but not cancellation', () => {
    expect(isRetryable(new Error('Failed to compile fragment shader'))).toBe(true);
    expect(isRetryable(new TaskCancelledError())).toBe(false);
    expect(isRetryable(Object.assign(new Error('aborted'), { name: 'AbortError' }))).toBe(false);
  });

  it("turns cockatiel's errors into typed ones", () => {
    expect((toTypedError(new BrokenCircuitError()) as MobileMMError).code).toBe(CIRCUIT_OPEN);
    expect((toTypedError(new BulkheadRejectedError(1, 0)) as MobileMMError).code).toBe(BULKHEAD_FULL);
    expect((toTypedError(new TaskCancelledError()) as MobileMMError).code).toBe(ABORTED);
    const other = new Error('x');
    expect(toTypedError(other)).toBe(other);
  });
});
