/**
 * @mobile-mm/resilience: cockatiel's retry, circuit breaker, timeout and
 * bulkhead, plus what is specific to running models on tfjs backends:
 * backend fallback with health probes, WebGL context-loss recovery, a
 * tensor-leak guard, per-client token buckets, deadlines and degradation
 * by profile. `mobile-mm` wires it into MobileMultiModalLLM
 * (ResilientMobileMM).
 */
export {
  RATE_LIMITED,
  CIRCUIT_OPEN,
  BULKHEAD_FULL,
  DEADLINE_EXCEEDED,
  ABORTED,
  BACKENDS_EXHAUSTED,
  CONTEXT_LOST,
  BACKEND_UNHEALTHY,
  TENSOR_LEAK,
  VALIDATION_CODES,
  isValidationError,
  isRetryable,
  toTypedError,
} from './errors.js';
export {
  retryableFailures,
  createBreaker,
  createRetry,
  createBulkhead,
  createDeadline,
  bulkheadLoad,
  type BreakerOptions,
  type RetryOptions,
  type BulkheadOptions,
} from './policies.js';
export { TokenBucketLimiter, type RateLimitOptions } from './rate-limiter.js';
export { LeakGuard, measureHeld, type LeakGuardOptions, type LeakReport } from './leak-guard.js';
export { probeBackend, type ProbeResult } from './probe.js';
export { WebGLContextWatcher, webglCanvasOf, webglContextOf, rebuildWebGLBackend, type ContextState } from './context-loss.js';
export {
  BackendFallback,
  BackendSwitchEvent,
  DEFAULT_BACKEND_ORDER,
  type BackendSwitch,
  type SwitchReason,
  type Interceptor,
  type FallbackOptions,
  type AttemptError,
} from './fallback.js';
export { faultInjector, type FaultInjector, type FaultInjectorOptions } from './fault-injector.js';
export { degradedDecoding, type DegradableProfile, type DegradeOptions } from './degrade.js';
export { Resilience, validateResilienceOptions, type ResilienceOptions, type RequestOptions, type AttemptContext, type ExecuteOptions } from './resilience.js';
