/**
 * The metrics and span contract of ModelTelemetry, read back through the
 * OpenTelemetry SDK's in-memory exporters; times under fake timers so every
 * duration is exact.
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import * as semconvIncubating from '@opentelemetry/semantic-conventions/incubating';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MobileMMError } from '@mobile-mm/core';
import { createHarness, histogram, pointsOf, type Harness } from './test-utils/index.js';
import { CAPTURE_CONTENT_ENV } from './content.js';
import * as sc from './semconv.js';
import type { CallInfo } from './telemetry.js';

const TASKS = ['caption', 'ocr', 'vqa', 'generate'] as const;
const SECRET = { prompt: 'SECRET-PROMPT what color', image: '/tmp/SECRET-IMAGE-dir/scene.png', answer: 'SECRET-ANSWER red', error: 'SECRET-ERROR-MESSAGE' };
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x53, 0x45, 0x43]); // "…SEC"

function info(task: string, extra: Partial<CallInfo> = {}): CallInfo {
  return { task, model: 'tiny-int2', backend: 'wasm', variant: 'int2', profile: 'fast', image: SECRET.image, prompt: SECRET.prompt, ...extra };
}

const baseAttrs = (task: string): Record<string, string> => ({
  'gen_ai.operation.name': 'generate_content',
  'gen_ai.provider.name': 'mobile_mm',
  'gen_ai.request.model': 'tiny-int2',
  'gen_ai.response.model': 'tiny-int2',
  'mobile_mm.task': task,
  'mobile_mm.backend': 'wasm',
  'mobile_mm.variant': 'int2',
  'mobile_mm.profile': 'fast',
});

let h: Harness;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['performance', 'Date'] });
});
afterEach(async () => {
  vi.useRealTimers();
  await h?.shutdown();
});

/** 100 ms to the first token, then 3 more 20 ms apart, then 10 ms to the end: 170 ms. */
function runCall(task: string, extra: Partial<CallInfo> = {}): void {
  const call = h.telemetry.startCall(info(task, extra));
  vi.advanceTimersByTime(100);
  call.token();
  for (let i = 0; i < 3; i++) {
    vi.advanceTimersByTime(20);
    call.token();
  }
  vi.advanceTimersByTime(10);
  call.end({ text: SECRET.answer, outputTokens: 4, inputTokens: 5, finishReason: 'stop', cached: false, timings: { preprocessMs: 30, encodeMs: 40, decodeMs: 100 } });
}

describe('metrics contract', () => {
  it('names and units follow the GenAI semantic conventions (checked against @opentelemetry/semantic-conventions)', async () => {
    h = createHarness();
    runCall('vqa');
    const m = await h.metrics();
    const expected: [string, string, string][] = [
      [sc.METRIC_OPERATION_DURATION, semconvIncubating.METRIC_GEN_AI_CLIENT_OPERATION_DURATION, 's'],
      [sc.METRIC_TOKEN_USAGE, semconvIncubating.METRIC_GEN_AI_CLIENT_TOKEN_USAGE, '{token}'],
      [sc.METRIC_TIME_TO_FIRST_TOKEN, semconvIncubating.METRIC_GEN_AI_SERVER_TIME_TO_FIRST_TOKEN, 's'],
      [sc.METRIC_TIME_PER_OUTPUT_TOKEN, semconvIncubating.METRIC_GEN_AI_SERVER_TIME_PER_OUTPUT_TOKEN, 's'],
    ];
    for (const [ours, theirs, unit] of expected) {
      expect(ours).toBe(theirs);
      expect(m.get(ours)?.descriptor.unit).toBe(unit);
    }
    expect([...m.keys()].sort()).toEqual(expected.map((e) => e[0]).sort()); // kernel and switch metrics record nothing yet
    expect(sc.ATTR_OPERATION_NAME).toBe(semconvIncubating.ATTR_GEN_AI_OPERATION_NAME);
    expect(sc.OPERATION_GENERATE_CONTENT).toBe(semconvIncubating.GEN_AI_OPERATION_NAME_VALUE_GENERATE_CONTENT);
    expect(sc.ATTR_PROVIDER_NAME).toBe(semconvIncubating.ATTR_GEN_AI_PROVIDER_NAME);
    expect(sc.ATTR_REQUEST_MODEL).toBe(semconvIncubating.ATTR_GEN_AI_REQUEST_MODEL);
    expect(sc.ATTR_RESPONSE_MODEL).toBe(semconvIncubating.ATTR_GEN_AI_RESPONSE_MODEL);
    expect(sc.ATTR_TOKEN_TYPE).toBe(semconvIncubating.ATTR_GEN_AI_TOKEN_TYPE);
    expect(sc.ATTR_USAGE_INPUT_TOKENS).toBe(semconvIncubating.ATTR_GEN_AI_USAGE_INPUT_TOKENS);
    expect(sc.ATTR_USAGE_OUTPUT_TOKENS).toBe(semconvIncubating.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS);
    expect(sc.ATTR_RESPONSE_FINISH_REASONS).toBe(semconvIncubating.ATTR_GEN_AI_RESPONSE_FINISH_REASONS);
    expect(sc.ATTR_INPUT_MESSAGES).toBe(semconvIncubating.ATTR_GEN_AI_INPUT_MESSAGES);
    expect(sc.ATTR_OUTPUT_MESSAGES).toBe(semconvIncubating.ATTR_GEN_AI_OUTPUT_MESSAGES);
    expect(sc.ATTR_REQUEST_MAX_TOKENS).toBe(semconvIncubating.ATTR_GEN_AI_REQUEST_MAX_TOKENS);
    expect(sc.ATTR_REQUEST_SEED).toBe(semconvIncubating.ATTR_GEN_AI_REQUEST_SEED);
    expect(sc.ATTR_ERROR_TYPE).toBe(semconvIncubating.ATTR_ERROR_TYPE);
    expect(sc.METRIC_PROCESS_MEMORY).toBe(semconvIncubating.METRIC_PROCESS_MEMORY_USAGE);
  });

  it.each(TASKS)('%s: attributes, exact durations, TTFT ≤ duration, token usage', async (task) => {
    h = createHarness();
    runCall(task);
    const m = await h.metrics();
    const attrs = baseAttrs(task);
    for (const name of [sc.METRIC_OPERATION_DURATION, sc.METRIC_TIME_TO_FIRST_TOKEN, sc.METRIC_TIME_PER_OUTPUT_TOKEN]) {
      const pts = pointsOf(m.get(name));
      expect(pts).toHaveLength(1);
      expect(pts[0].attributes).toEqual(attrs);
    }
    const duration = histogram(pointsOf(m.get(sc.METRIC_OPERATION_DURATION))[0]);
    const ttft = histogram(pointsOf(m.get(sc.METRIC_TIME_TO_FIRST_TOKEN))[0]);
    const tpot = histogram(pointsOf(m.get(sc.METRIC_TIME_PER_OUTPUT_TOKEN))[0]);
    expect(duration).toEqual({ sum: expect.closeTo(0.17, 9), count: 1 });
    expect(ttft).toEqual({ sum: expect.closeTo(0.1, 9), count: 1 });
    expect(tpot).toEqual({ sum: expect.closeTo(0.02, 9), count: 1 }); // 60 ms over 3 tokens after the first
    expect(ttft.sum).toBeLessThanOrEqual(duration.sum);
    const usage = m.get(sc.METRIC_TOKEN_USAGE);
    expect(pointsOf(usage)).toHaveLength(2);
    expect(pointsOf(usage, { 'gen_ai.token.type': 'input' })[0].attributes).toEqual({ ...attrs, 'gen_ai.token.type': 'input' });
    expect(histogram(pointsOf(usage, { 'gen_ai.token.type': 'input' })[0])).toEqual({ sum: 5, count: 1 });
    expect(histogram(pointsOf(usage, { 'gen_ai.token.type': 'output' })[0])).toEqual({ sum: 4, count: 1 });
  });

  it('uses the bucket boundaries the conventions advise', async () => {
    h = createHarness();
    runCall('caption');
    const m = await h.metrics();
    const buckets = (name: string): number[] => (pointsOf(m.get(name))[0].value as { buckets: { boundaries: number[] } }).buckets.boundaries;
    expect(buckets(sc.METRIC_OPERATION_DURATION)).toEqual(sc.DURATION_BUCKETS);
    expect(buckets(sc.METRIC_TOKEN_USAGE)).toEqual(sc.TOKEN_BUCKETS);
  });

  it('a typed error: duration with error.type, no token metrics; span status ERROR', async () => {
    h = createHarness();
    const call = h.telemetry.startCall(info('vqa'));
    vi.advanceTimersByTime(5);
    call.fail(new MobileMMError('PROMPT_EMPTY', SECRET.error));
    const other = h.telemetry.startCall(info('caption'));
    other.token();
    vi.advanceTimersByTime(7);
    other.fail(new TypeError(SECRET.error));
    const m = await h.metrics();
    const failed = pointsOf(m.get(sc.METRIC_OPERATION_DURATION), { 'error.type': 'PROMPT_EMPTY' });
    expect(failed).toHaveLength(1);
    expect(failed[0].attributes).toEqual({ ...baseAttrs('vqa'), 'error.type': 'PROMPT_EMPTY' });
    expect(histogram(failed[0])).toEqual({ sum: expect.closeTo(0.005, 9), count: 1 });
    expect(pointsOf(m.get(sc.METRIC_OPERATION_DURATION), { 'error.type': 'TypeError' })).toHaveLength(1);
    expect(m.has(sc.METRIC_TOKEN_USAGE)).toBe(false);
    expect(m.has(sc.METRIC_TIME_TO_FIRST_TOKEN)).toBe(false);
    const [span, span2] = h.spans();
    expect(span.name).toBe('generate_content tiny-int2');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'PROMPT_EMPTY' });
    expect(span.attributes['error.type']).toBe('PROMPT_EMPTY');
    expect(span.events.map((e) => [e.name, e.attributes?.['exception.type']])).toEqual([['exception', 'PROMPT_EMPTY']]);
    expect(span2.status.code).toBe(SpanStatusCode.ERROR);
    expect(span2.attributes['error.type']).toBe('TypeError');
  });

  it('a stream the consumer leaves early ends its span, marked, and records no metric', async () => {
    h = createHarness();
    const call = h.telemetry.startCall(info('generate'));
    call.token();
    call.cancel();
    call.end({ text: 'x', outputTokens: 1, finishReason: 'stop' }); // ignored: already ended
    expect(h.spans()).toHaveLength(1);
    expect(h.spans()[0].attributes['mobile_mm.stream.cancelled']).toBe(true);
    expect((await h.metrics()).size).toBe(0);
  });

  it('counts backend switches', async () => {
    h = createHarness();
    h.telemetry.recordBackendSwitch('webgl', 'wasm', 'context_lost');
    // and from events, as ResilientMobileMM announces them
    const events = new EventTarget();
    const stop = h.telemetry.recordBackendSwitches(events);
    const announce = (detail: object): boolean => events.dispatchEvent(Object.assign(new Event('backendswitch'), { detail }));
    announce({ from: 'webgl', to: 'wasm', reason: 'context_lost', code: 'WEBGL_CONTEXT_LOST', at: 0 });
    stop();
    announce({ from: 'webgl', to: 'wasm', reason: 'context_lost' }); // not counted
    const m = await h.metrics();
    const p = pointsOf(m.get(sc.METRIC_BACKEND_SWITCHES));
    expect(m.get(sc.METRIC_BACKEND_SWITCHES)?.descriptor.unit).toBe('{switch}');
    expect(p.map((x) => [x.attributes, x.value])).toEqual([
      [{ 'mobile_mm.backend.from': 'webgl', 'mobile_mm.backend.to': 'wasm', 'mobile_mm.backend.switch_reason': 'context_lost' }, 2],
    ]);
  });
});

describe('span per call', () => {
  it('is named "{operation} {model}", INTERNAL, status unset on success, with usage and request attributes', async () => {
    h = createHarness();
    runCall('generate', { decoding: 'sample', maxTokens: 40, temperature: 0.7, topK: 5, topP: 0.9, seed: 3 });
    const [span] = h.spans();
    expect(span.name).toBe('generate_content tiny-int2');
    expect(span.kind).toBe(SpanKind.INTERNAL);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toEqual({
      ...baseAttrs('generate'),
      'gen_ai.output.type': 'text',
      'mobile_mm.decoding': 'sample',
      'gen_ai.request.max_tokens': 40,
      'gen_ai.request.temperature': 0.7,
      'gen_ai.request.top_k': 5,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.seed': 3,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 5,
      'gen_ai.usage.output_tokens': 4,
      'mobile_mm.time_to_first_token': expect.closeTo(0.1, 9),
      'mobile_mm.cached': false,
      'mobile_mm.preprocess.duration': 0.03,
      'mobile_mm.encode.duration': 0.04,
      'mobile_mm.decode.duration': 0.1,
    });
  });
});

describe('content capture', () => {
  async function everything(options: { captureContent?: boolean; env?: Record<string, string> }, image: unknown = SECRET.image): Promise<string> {
    h = createHarness(options);
    runCall('vqa', { image });
    const failing = h.telemetry.startCall(info('vqa', { image }));
    failing.fail(new MobileMMError('PROMPT_INVALID', SECRET.error));
    return h.exportedText();
  }
  const secrets = [SECRET.prompt, 'SECRET-PROMPT', SECRET.image, 'SECRET-IMAGE', SECRET.answer, 'SECRET-ANSWER', SECRET.error];

  it('records no prompt, image, answer or error message by default (every span attribute, event and metric attribute scanned)', async () => {
    const text = await everything({});
    expect(text).toContain('generate_content tiny-int2'); // the scan saw the spans
    expect(text).toContain('gen_ai.token.type'); // and the metrics
    for (const s of secrets) expect(text).not.toContain(s);
    expect(text).not.toContain('gen_ai.input.messages');
    expect(text).not.toContain('gen_ai.output.messages');
    // encoded image bytes: not even their base64
    const bytes = await everything({}, PNG);
    expect(bytes).not.toContain(Buffer.from(PNG).toString('base64'));
  });

  it('records none with the option off even when the variable is on', async () => {
    const text = await everything({ captureContent: false, env: { [CAPTURE_CONTENT_ENV]: 'true' } });
    for (const s of secrets) expect(text).not.toContain(s);
  });

  it.each([
    ['the captureContent option', { captureContent: true }],
    [`${CAPTURE_CONTENT_ENV}=true`, { env: { [CAPTURE_CONTENT_ENV]: 'true' } }],
  ])('records the conventions\' input and output messages with %s', async (_, options) => {
    const text = await everything(options);
    for (const s of secrets) expect(text).toContain(JSON.stringify(s).slice(1, -1));
    const span = h.spans()[0];
    expect(JSON.parse(span.attributes['gen_ai.input.messages'] as string)).toEqual([
      { role: 'user', parts: [{ type: 'uri', modality: 'image', uri: SECRET.image }, { type: 'text', content: SECRET.prompt }] },
    ]);
    expect(JSON.parse(span.attributes['gen_ai.output.messages'] as string)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: SECRET.answer }], finish_reason: 'stop' },
    ]);
    expect(h.spans()[1].status.message).toBe(`PROMPT_INVALID: ${SECRET.error}`);
    // metric attributes never hold content, opt-in or not
    const m = await h.metrics();
    for (const metric of m.values()) for (const p of metric.dataPoints) expect(JSON.stringify(p.attributes)).not.toContain('SECRET');
  });

  it('records encoded image bytes as a base64 blob with their MIME type', async () => {
    await everything({ captureContent: true }, PNG);
    const [msg] = JSON.parse(h.spans()[0].attributes['gen_ai.input.messages'] as string) as { parts: unknown[] }[];
    expect(msg.parts[0]).toEqual({ type: 'blob', modality: 'image', mime_type: 'image/png', content: Buffer.from(PNG).toString('base64') });
  });

  it('rejects a variable value that is not a boolean, naming it', () => {
    expect(() => createHarness({ env: { [CAPTURE_CONTENT_ENV]: 'maybe' } })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG', message: expect.stringContaining(CAPTURE_CONTENT_ENV) }));
    h = createHarness({ env: { [CAPTURE_CONTENT_ENV]: '' } });
    expect(h.telemetry.captureContent).toBe(false);
  });
});
