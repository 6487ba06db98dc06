/**
 * @mobile-mm/telemetry: OpenTelemetry metrics and traces for on-device model
 * calls, following the GenAI semantic conventions (semconv.ts), with
 * per-kernel profiling and memory gauges. Browser-safe; the Prometheus text
 * view is the Node-only entry point `@mobile-mm/telemetry/prometheus`.
 */
export {
  ModelTelemetry,
  CallRecorder,
  errorType,
  INSTRUMENTATION_SCOPE,
  INSTRUMENTATION_VERSION,
  type CallInfo,
  type CallOutcome,
  type TelemetryOptions,
} from './telemetry.js';
export { CAPTURE_CONTENT_ENV, resolveCaptureContent, inputMessages, outputMessages, imagePart, type MessagePart } from './content.js';
export { observeMemory, residentSetBytes } from './memory.js';
export { profileCall, type KernelTiming, type ProfileOptions, type ProfileResult } from './profile.js';
export {
  METRIC_OPERATION_DURATION,
  METRIC_TOKEN_USAGE,
  METRIC_TIME_TO_FIRST_TOKEN,
  METRIC_TIME_PER_OUTPUT_TOKEN,
  METRIC_KERNEL_DURATION,
  METRIC_TENSOR_MEMORY,
  METRIC_TENSOR_COUNT,
  METRIC_PROCESS_MEMORY,
  METRIC_BACKEND_SWITCHES,
  OPERATION_GENERATE_CONTENT,
  PROVIDER_NAME,
} from './semconv.js';
export * as semconv from './semconv.js';
