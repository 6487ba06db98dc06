/**
 * The generic policies, all cockatiel's: retry with exponential backoff, a
 * consecutive-failure circuit breaker, a bulkhead (concurrency limit + queue)
 * and a cooperative timeout. This file only fixes their defaults and makes
 * them share one failure predicate (errors.ts isRetryable), so a validation
 * error is never retried and never opens a breaker.
 */
import {
  BulkheadPolicy,
  ConsecutiveBreaker,
  ExponentialBackoff,
  TimeoutStrategy,
  bulkhead,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  type CircuitBreakerPolicy,
  type RetryPolicy,
  type TimeoutPolicy,
} from 'cockatiel';
import { checkConfig } from '@mobile-mm/core';
import { isRetryable } from './errors.js';

/** cockatiel's Policy that handles exactly the retryable failures. */
export const retryableFailures = handleWhen((e) => isRetryable(e));

export interface BreakerOptions {
  /** Consecutive failures that open the breaker. Default 5: one bad call is noise, five in a row is a broken backend. */
  threshold?: number;
  /** Milliseconds the breaker stays open before it lets one probe call through (half-open). Default 10 s. */
  halfOpenAfterMs?: number;
}

export function createBreaker(options: BreakerOptions = {}): CircuitBreakerPolicy {
  const threshold = options.threshold ?? 5;
  const halfOpenAfter = options.halfOpenAfterMs ?? 10_000;
  checkConfig(Number.isInteger(threshold) && threshold >= 1, 'breaker.threshold', `must be an integer ≥ 1, got ${threshold}.`);
  checkConfig(Number.isFinite(halfOpenAfter) && halfOpenAfter >= 0, 'breaker.halfOpenAfterMs', `must be a number ≥ 0, got ${halfOpenAfter}.`);
  return circuitBreaker(retryableFailures, { halfOpenAfter, breaker: new ConsecutiveBreaker(threshold) });
}

export interface RetryOptions {
  /** Retries after the first try (0 = none). Default 1: the fallback chain already tries every backend once per attempt. */
  maxAttempts?: number;
  /** First backoff delay in ms (exponential, jittered, capped at maxDelayMs). Default 50. */
  initialDelayMs?: number;
  /** Default 1000. */
  maxDelayMs?: number;
}

export function createRetry(options: RetryOptions = {}): RetryPolicy {
  const maxAttempts = options.maxAttempts ?? 1;
  checkConfig(Number.isInteger(maxAttempts) && maxAttempts >= 0, 'retry.maxAttempts', `must be an integer ≥ 0, got ${maxAttempts}.`);
  return retry(retryableFailures, {
    maxAttempts,
    backoff: new ExponentialBackoff({ initialDelay: options.initialDelayMs ?? 50, maxDelay: options.maxDelayMs ?? 1000 }),
  });
}

export interface BulkheadOptions {
  /** Requests that run at once. Default 8. tfjs runs one op at a time per thread; concurrency only interleaves calls between awaits. */
  concurrency?: number;
  /** Requests that wait for a slot; beyond this they fail with BULKHEAD_FULL. Default 64. */
  queue?: number;
}

export function createBulkhead(options: BulkheadOptions = {}): BulkheadPolicy {
  const concurrency = options.concurrency ?? 8;
  const queue = options.queue ?? 64;
  checkConfig(Number.isInteger(concurrency) && concurrency >= 1, 'bulkhead.concurrency', `must be an integer ≥ 1, got ${concurrency}.`);
  checkConfig(Number.isInteger(queue) && queue >= 0, 'bulkhead.queue', `must be an integer ≥ 0, got ${queue}.`);
  return bulkhead(concurrency, queue);
}

/** Requests running plus queued in a bulkhead. */
export function bulkheadLoad(b: BulkheadPolicy, options: BulkheadOptions = {}): number {
  const concurrency = options.concurrency ?? 8;
  const queue = options.queue ?? 64;
  return concurrency - b.executionSlots + (queue - b.queueSlots);
}

/**
 * A cooperative timeout: at `ms` it aborts the signal it passes to the call
 * and waits for the call to stop (generation stops between tokens and frees
 * its tensors), so no work outlives the request.
 */
export function createDeadline(ms: number): TimeoutPolicy {
  checkConfig(Number.isFinite(ms) && ms > 0, 'deadlineMs', `must be a number > 0, got ${ms}.`);
  return timeout(ms, TimeoutStrategy.Cooperative);
}
