/**
 * OpenTelemetry around each MobileMultiModalLLM call (@mobile-mm/telemetry):
 * a `generate_content {model}` span, the GenAI duration, token usage, time to
 * first token and time per output token, with mobile_mm.task, backend,
 * variant and profile. The facade wraps its call stream in instrumentCall();
 * nothing here changes what a call returns or throws.
 *
 * By default each instance records on the global OpenTelemetry providers,
 * which do nothing until the application registers an SDK; pass
 * `telemetry: new ModelTelemetry({ meterProvider, tracerProvider })` to
 * create() to choose, or `telemetry: false` to skip even the no-op calls.
 */
import { MobileMMError, localText } from '@mobile-mm/core';
import { ModelTelemetry, type CallInfo } from '@mobile-mm/telemetry';
import { TASK_PROMPTS, type ImageInput, type VisionLanguageModel } from '@mobile-mm/vision';
import type { CallResult, CallTask, GenerateCallOptions, StreamToken } from './facade.js';

export interface TelemetryCreateOptions {
  /** Where the call's metrics and span go; false: none. Default: a ModelTelemetry on the global providers. */
  telemetry?: ModelTelemetry | false;
}

/**
 * Splits create()'s options into the telemetry option and the rest (for
 * resolveConfig, which accepts only its own fields), and resolves the former:
 * the instance's ModelTelemetry, or null for `telemetry: false`.
 */
export function takeTelemetryOption<T>(options: T): [ModelTelemetry | null, T] {
  if (options === null || typeof options !== 'object' || !('telemetry' in options)) return [new ModelTelemetry(), options];
  const { telemetry, ...rest } = options as T & TelemetryCreateOptions;
  if (telemetry === false) return [null, rest as T];
  if (telemetry === undefined) return [new ModelTelemetry(), rest as T]; // per instance: the global providers as registered now
  if (!(telemetry instanceof ModelTelemetry)) {
    throw new MobileMMError('INVALID_CONFIG', localText('config.telemetry'), { field: 'telemetry' });
  }
  return [telemetry, rest as T];
}

export interface InstrumentedCall {
  task: CallTask;
  model: VisionLanguageModel;
  /** gen_ai.request.model: the model folder's name, e.g. "tiny-int2". */
  modelName: string;
  backend: string;
  variant: string;
  profile: string;
  /** The decoding the call will use (the option, else the profile's). */
  decoding: string;
  image: ImageInput;
  prompt: string | undefined;
  options: GenerateCallOptions;
}

/** The decoder's prompt tokens (<bos>, words, <sep>): what gen_ai.token.type=input counts. The image is not counted. */
function inputTokens(c: InstrumentedCall): number {
  const text = c.prompt ?? (c.task === 'caption' || c.task === 'ocr' ? TASK_PROMPTS[c.task] : '');
  return c.model.promptTokens(text).length;
}

/** Passes `inner` through, recording its tokens, its end or its error on `telemetry`. */
export async function* instrumentCall(
  telemetry: ModelTelemetry,
  c: InstrumentedCall,
  inner: AsyncGenerator<StreamToken, CallResult>,
): AsyncGenerator<StreamToken, CallResult> {
  const o = c.options ?? {};
  const info: CallInfo = {
    task: c.task,
    model: c.modelName,
    backend: c.backend,
    variant: c.variant,
    profile: c.profile,
    decoding: c.decoding,
    image: c.image,
    prompt: c.prompt,
    ...(c.task === 'generate' && typeof o === 'object'
      ? { maxTokens: o.maxNewTokens, temperature: o.temperature, topK: o.topK, topP: o.topP, seed: o.seed }
      : {}),
  };
  const call = telemetry.startCall(info);
  let settled = false;
  try {
    let step = await inner.next();
    while (!step.done) {
      call.token();
      yield step.value;
      step = await inner.next();
    }
    const r = step.value;
    settled = true;
    call.end({
      text: r.text,
      outputTokens: r.tokens.length,
      inputTokens: inputTokens(c),
      finishReason: r.finishReason,
      cached: r.cached,
      timings: r.timings,
    });
    return r;
  } catch (e) {
    settled = true;
    call.fail(e);
    throw e;
  } finally {
    if (!settled) {
      call.cancel(); // the consumer left the stream early
      await inner.return(undefined as unknown as CallResult); // let the call free its tensors
    }
  }
}
