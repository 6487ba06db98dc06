/**
 * ModelTelemetry: OpenTelemetry metrics and one span per model call, on the
 * @opentelemetry/api providers you pass (default: the global ones, which do
 * nothing until an SDK is registered).
 *
 *   const telemetry = new ModelTelemetry({ meterProvider, tracerProvider });
 *   const call = telemetry.startCall({ task: 'vqa', model: 'tiny-int2', backend: 'wasm', variant: 'int2', profile: 'fast' });
 *   call.token();                 // for each generated token
 *   call.end({ text, outputTokens, inputTokens, finishReason: 'stop' });   // or call.fail(error)
 *
 * Names, units and attributes: semconv.ts. Content (prompt, image, answer)
 * is recorded only with captureContent (content.ts).
 */
import {
  SpanKind,
  SpanStatusCode,
  context,
  metrics,
  trace,
  type Attributes,
  type Counter,
  type Histogram,
  type Meter,
  type MeterProvider,
  type Span,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import { inputMessages, outputMessages, resolveCaptureContent } from './content.js';
import * as sc from './semconv.js';

export const INSTRUMENTATION_SCOPE = '@mobile-mm/telemetry';
export const INSTRUMENTATION_VERSION = '0.1.0';

export interface TelemetryOptions {
  /** Where metrics go. Default: the global MeterProvider (metrics.getMeterProvider()). */
  meterProvider?: MeterProvider;
  /** Where spans go. Default: the global TracerProvider (trace.getTracerProvider()). */
  tracerProvider?: TracerProvider;
  /**
   * Record the prompt, the image and the answer on spans. Default: the
   * MOBILE_MM_TELEMETRY_CAPTURE_CONTENT variable, else false. They may hold
   * personal data: leave off unless the trace store may hold them.
   */
  captureContent?: boolean;
  /** Where MOBILE_MM_TELEMETRY_CAPTURE_CONTENT is read. Default: process.env in Node, nothing in a browser. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** What a call is, known before it runs. */
export interface CallInfo {
  /** caption, ocr, vqa or generate: mobile_mm.task. */
  task: string;
  /** gen_ai.request.model, e.g. "tiny-int2". */
  model: string;
  backend: string;
  variant: string;
  profile: string;
  /** greedy, beam or sample. */
  decoding?: string;
  maxTokens?: number;
  temperature?: number;
  topK?: number;
  topP?: number;
  seed?: number;
  /** Content: read only with captureContent. */
  image?: unknown;
  /** Content: read only with captureContent. */
  prompt?: string;
}

/** What a successful call returned. */
export interface CallOutcome {
  /** The answer (content: recorded only with captureContent). */
  text: string;
  outputTokens: number;
  /** Prompt tokens the decoder read; left out of token usage when unknown. */
  inputTokens?: number;
  finishReason: string;
  cached?: boolean;
  /** Per-stage times, milliseconds. */
  timings?: { preprocessMs: number; encodeMs: number; decodeMs: number };
}

const nowMs = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** error.type: a MobileMMError's code, else the error's class name, else _OTHER. */
export function errorType(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code !== '') return code;
  const name = (e as { name?: unknown } | null)?.name;
  if (typeof name === 'string' && name !== '') return name;
  return sc.ERROR_TYPE_OTHER;
}

interface Instruments {
  duration: Histogram;
  tokenUsage: Histogram;
  timeToFirstToken: Histogram;
  timePerOutputToken: Histogram;
  kernelDuration: Histogram;
  backendSwitches: Counter;
}

export class ModelTelemetry {
  readonly captureContent: boolean;
  readonly meter: Meter;
  readonly tracer: Tracer;
  private readonly instruments: Instruments;
  private memoryObserved = false;

  constructor(options: TelemetryOptions = {}) {
    this.captureContent = resolveCaptureContent(options.captureContent, options.env);
    this.meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(INSTRUMENTATION_SCOPE, INSTRUMENTATION_VERSION);
    this.tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(INSTRUMENTATION_SCOPE, INSTRUMENTATION_VERSION);
    const m = this.meter;
    this.instruments = {
      duration: m.createHistogram(sc.METRIC_OPERATION_DURATION, {
        unit: 's',
        description: 'GenAI operation duration.',
        advice: { explicitBucketBoundaries: sc.DURATION_BUCKETS },
      }),
      tokenUsage: m.createHistogram(sc.METRIC_TOKEN_USAGE, {
        unit: '{token}',
        description: 'Number of input and output tokens used.',
        advice: { explicitBucketBoundaries: sc.TOKEN_BUCKETS },
      }),
      timeToFirstToken: m.createHistogram(sc.METRIC_TIME_TO_FIRST_TOKEN, {
        unit: 's',
        description: 'Time to generate first token for successful responses.',
        advice: { explicitBucketBoundaries: sc.TTFT_BUCKETS },
      }),
      timePerOutputToken: m.createHistogram(sc.METRIC_TIME_PER_OUTPUT_TOKEN, {
        unit: 's',
        description: 'Time per output token generated after the first token for successful responses.',
        advice: { explicitBucketBoundaries: sc.TPOT_BUCKETS },
      }),
      kernelDuration: m.createHistogram(sc.METRIC_KERNEL_DURATION, {
        unit: 's',
        description: 'One tfjs kernel execution, from profileCall().',
        advice: { explicitBucketBoundaries: sc.KERNEL_BUCKETS },
      }),
      backendSwitches: m.createCounter(sc.METRIC_BACKEND_SWITCHES, {
        unit: '{switch}',
        description: 'Calls moved from one tfjs backend to another.',
      }),
    };
  }

  /** Starts the call's span (`generate_content {model}`, kind INTERNAL: the model runs in this process). */
  startCall(info: CallInfo): CallRecorder {
    return new CallRecorder(this, info, this.instruments);
  }

  /** Records one tfjs kernel execution (profileCall() calls this). */
  recordKernel(name: string, ms: number, backend: string): void {
    this.instruments.kernelDuration.record(ms / 1000, { [sc.ATTR_KERNEL_NAME]: name, [sc.ATTR_BACKEND]: backend });
  }

  /** Counts one call moved from backend `from` to `to` (e.g. by a fallback chain). */
  recordBackendSwitch(from: string, to: string, reason: string): void {
    this.instruments.backendSwitches.add(1, { [sc.ATTR_BACKEND_FROM]: from, [sc.ATTR_BACKEND_TO]: to, [sc.ATTR_SWITCH_REASON]: reason });
  }

  /**
   * Counts the switches `target` announces as `type` events whose `detail`
   * is `{ from, to, reason }` (e.g. ResilientMobileMM's `events`, or
   * @mobile-mm/resilience's fallback). Returns the function that stops it.
   */
  recordBackendSwitches(target: EventTarget, type = 'backendswitch'): () => void {
    const listener = (e: Event): void => {
      const d = (e as Event & { detail?: { from?: unknown; to?: unknown; reason?: unknown } }).detail;
      if (d && typeof d.from === 'string' && typeof d.to === 'string') this.recordBackendSwitch(d.from, d.to, typeof d.reason === 'string' ? d.reason : 'unknown');
    };
    target.addEventListener(type, listener);
    return () => target.removeEventListener(type, listener);
  }

  /** Marks memory gauges as registered; memory.ts does the work. Returns false when they already were. */
  claimMemoryGauges(): boolean {
    if (this.memoryObserved) return false;
    this.memoryObserved = true;
    return true;
  }
}

/** One call in flight: its span and timestamps. Each of end/fail/cancel ends it; later calls are ignored. */
export class CallRecorder {
  readonly span: Span;
  private readonly start = nowMs();
  private firstTokenAt: number | null = null;
  private lastTokenAt: number | null = null;
  private tokens = 0;
  private ended = false;
  private readonly attrs: Attributes;

  constructor(
    private readonly telemetry: ModelTelemetry,
    info: CallInfo,
    private readonly instruments: Instruments,
  ) {
    this.attrs = {
      [sc.ATTR_OPERATION_NAME]: sc.OPERATION_GENERATE_CONTENT,
      [sc.ATTR_PROVIDER_NAME]: sc.PROVIDER_NAME,
      [sc.ATTR_REQUEST_MODEL]: info.model,
      [sc.ATTR_RESPONSE_MODEL]: info.model,
      [sc.ATTR_TASK]: info.task,
      [sc.ATTR_BACKEND]: info.backend,
      [sc.ATTR_VARIANT]: info.variant,
      [sc.ATTR_PROFILE]: info.profile,
    };
    const spanAttrs: Attributes = { ...this.attrs, [sc.ATTR_OUTPUT_TYPE]: 'text' };
    const optional: [string, string | number | undefined][] = [
      [sc.ATTR_DECODING, info.decoding],
      [sc.ATTR_REQUEST_MAX_TOKENS, info.maxTokens],
      [sc.ATTR_REQUEST_TEMPERATURE, info.temperature],
      [sc.ATTR_REQUEST_TOP_K, info.topK],
      [sc.ATTR_REQUEST_TOP_P, info.topP],
      [sc.ATTR_REQUEST_SEED, info.seed],
    ];
    for (const [k, v] of optional) if (v !== undefined) spanAttrs[k] = v;
    if (telemetry.captureContent) spanAttrs[sc.ATTR_INPUT_MESSAGES] = inputMessages(info.image, info.prompt);
    this.span = telemetry.tracer.startSpan(
      `${sc.OPERATION_GENERATE_CONTENT} ${info.model}`,
      { kind: SpanKind.INTERNAL, attributes: spanAttrs },
      context.active(),
    );
  }

  /** One generated token reached the caller. */
  token(): void {
    const t = nowMs();
    if (this.firstTokenAt === null) this.firstTokenAt = t;
    this.lastTokenAt = t;
    this.tokens++;
  }

  /** The call succeeded: duration, token usage, TTFT and TPOT; the span ends (status unset, as for any success). */
  end(outcome: CallOutcome): void {
    if (this.ended) return;
    this.ended = true;
    const end = nowMs();
    const i = this.instruments;
    i.duration.record((end - this.start) / 1000, this.attrs);
    if (outcome.inputTokens !== undefined) i.tokenUsage.record(outcome.inputTokens, { ...this.attrs, [sc.ATTR_TOKEN_TYPE]: 'input' });
    i.tokenUsage.record(outcome.outputTokens, { ...this.attrs, [sc.ATTR_TOKEN_TYPE]: 'output' });
    if (this.firstTokenAt !== null) i.timeToFirstToken.record((this.firstTokenAt - this.start) / 1000, this.attrs);
    if (this.tokens >= 2 && this.firstTokenAt !== null && this.lastTokenAt !== null) {
      i.timePerOutputToken.record((this.lastTokenAt - this.firstTokenAt) / (this.tokens - 1) / 1000, this.attrs);
    }
    const span: Attributes = {
      [sc.ATTR_RESPONSE_FINISH_REASONS]: [outcome.finishReason],
      [sc.ATTR_USAGE_OUTPUT_TOKENS]: outcome.outputTokens,
    };
    if (outcome.inputTokens !== undefined) span[sc.ATTR_USAGE_INPUT_TOKENS] = outcome.inputTokens;
    if (this.firstTokenAt !== null) span[sc.ATTR_TIME_TO_FIRST_TOKEN] = (this.firstTokenAt - this.start) / 1000;
    if (outcome.cached !== undefined) span[sc.ATTR_CACHED] = outcome.cached;
    if (outcome.timings) {
      span[sc.ATTR_PREPROCESS_DURATION] = outcome.timings.preprocessMs / 1000;
      span[sc.ATTR_ENCODE_DURATION] = outcome.timings.encodeMs / 1000;
      span[sc.ATTR_DECODE_DURATION] = outcome.timings.decodeMs / 1000;
    }
    if (this.telemetry.captureContent) span[sc.ATTR_OUTPUT_MESSAGES] = outputMessages(outcome.text, outcome.finishReason);
    this.span.setAttributes(span);
    this.span.end();
  }

  /**
   * The call failed: duration with error.type, span status ERROR. Without
   * captureContent the span holds the error's type only, not its message
   * (a message may quote the prompt or name a file).
   */
  fail(error: unknown): void {
    if (this.ended) return;
    this.ended = true;
    const type = errorType(error);
    this.instruments.duration.record((nowMs() - this.start) / 1000, { ...this.attrs, [sc.ATTR_ERROR_TYPE]: type });
    this.span.setAttribute(sc.ATTR_ERROR_TYPE, type);
    const message = (error as { message?: unknown } | null)?.message;
    if (this.telemetry.captureContent && typeof message === 'string') {
      const stack = (error as { stack?: unknown }).stack;
      this.span.recordException({ name: type, message, ...(typeof stack === 'string' ? { stack } : {}) });
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: `${type}: ${message}` });
    } else {
      this.span.recordException({ name: type });
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: type });
    }
    this.span.end();
  }

  /** The consumer stopped reading a stream early: the span ends, marked; no metrics (neither a success nor an error). */
  cancel(): void {
    if (this.ended) return;
    this.ended = true;
    this.span.setAttribute(sc.ATTR_STREAM_CANCELLED, true);
    this.span.end();
  }
}
