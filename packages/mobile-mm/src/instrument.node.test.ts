/**
 * Telemetry of MobileMultiModalLLM calls, end to end on the wasm backend with
 * the bundled tiny model, read back through the OpenTelemetry SDK's in-memory
 * exporters: the metrics contract per task, the span on success and on a
 * typed error, no content unless opted in, per-kernel profiling of a real
 * call, and the memory gauges.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { metrics, trace } from '@opentelemetry/api';
import { SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAPTURE_CONTENT_ENV, METRIC_OPERATION_DURATION, METRIC_TENSOR_COUNT, METRIC_TIME_PER_OUTPUT_TOKEN, METRIC_TIME_TO_FIRST_TOKEN, METRIC_TOKEN_USAGE, observeMemory, profileCall } from '@mobile-mm/telemetry';
import { createHarness, histogram, pointsOf, type Harness } from '@mobile-mm/telemetry/test-utils';
import { TASK_PROMPTS } from '@mobile-mm/vision';
import { MobileMultiModalLLM, type CallResult } from './facade.js';
import { bundledModelUrl } from './model-dir.js';

const VARIANT = existsSync(fileURLToPath(bundledModelUrl('int2'))) ? 'int2' : 'fp32';
const MODEL = `tiny-${VARIANT}`;
const samples = fileURLToPath(new URL('../samples/', import.meta.url));
const SCENE = `${samples}scene-0.png`;
const TEXT = `${samples}text-1.png`;
const QUESTION = 'what color is the circle?';
const PROMPT = 'caption';

let h: Harness;
let mm: MobileMultiModalLLM;
const results: Record<string, CallResult> = {};

beforeAll(async () => {
  tf.env().set('PROD', true);
  h = createHarness();
  mm = await MobileMultiModalLLM.create({ backend: 'wasm', variant: VARIANT, env: {}, telemetry: h.telemetry });
  results.caption = await mm.caption(SCENE);
  results.ocr = await mm.ocr(TEXT);
  results.vqa = await mm.vqa(SCENE, QUESTION);
  const streamed: number[] = [];
  const stream = mm.generateStream(SCENE, PROMPT, { maxNewTokens: 12 });
  let step = await stream.next();
  while (!step.done) {
    streamed.push(step.value.token);
    step = await stream.next();
  }
  results.generate = step.value;
  expect(streamed).toEqual(step.value.tokens);
});
afterAll(async () => {
  mm?.dispose();
  await h?.shutdown();
});

const attrs = (task: string): Record<string, string> => ({
  'gen_ai.operation.name': 'generate_content',
  'gen_ai.provider.name': 'mobile_mm',
  'gen_ai.request.model': MODEL,
  'gen_ai.response.model': MODEL,
  'mobile_mm.task': task,
  'mobile_mm.backend': 'wasm',
  'mobile_mm.variant': VARIANT,
  'mobile_mm.profile': 'balanced',
});

describe('metrics contract through the facade (wasm)', () => {
  it.each(['caption', 'ocr', 'vqa', 'generate'])('%s: one data point per metric with the call attributes; TTFT ≤ duration; token counts equal the result', async (task) => {
    const m = await h.metrics();
    const r = results[task];
    expect(r.tokens.length).toBeGreaterThan(0);
    const duration = pointsOf(m.get(METRIC_OPERATION_DURATION), { 'mobile_mm.task': task });
    expect(duration.map((p) => p.attributes)).toEqual([attrs(task)]);
    expect(m.get(METRIC_OPERATION_DURATION)?.descriptor.unit).toBe('s');
    const d = histogram(duration[0]).sum;
    expect(d).toBeGreaterThan(0);
    expect(d).toBeGreaterThanOrEqual((r.timings.totalMs - 1) / 1000); // the span wraps the call
    const ttft = histogram(pointsOf(m.get(METRIC_TIME_TO_FIRST_TOKEN), { 'mobile_mm.task': task })[0]);
    expect(ttft.count).toBe(1);
    expect(ttft.sum).toBeGreaterThan(0);
    expect(ttft.sum).toBeLessThanOrEqual(d);
    const usage = m.get(METRIC_TOKEN_USAGE);
    expect(usage?.descriptor.unit).toBe('{token}');
    expect(histogram(pointsOf(usage, { 'mobile_mm.task': task, 'gen_ai.token.type': 'output' })[0])).toEqual({ sum: r.tokens.length, count: 1 });
    const prompt = task === 'caption' || task === 'ocr' ? TASK_PROMPTS[task] : task === 'vqa' ? QUESTION : PROMPT;
    expect(histogram(pointsOf(usage, { 'mobile_mm.task': task, 'gen_ai.token.type': 'input' })[0])).toEqual({ sum: mm.model.promptTokens(prompt).length, count: 1 });
    const tpot = pointsOf(m.get(METRIC_TIME_PER_OUTPUT_TOKEN), { 'mobile_mm.task': task });
    expect(tpot).toHaveLength(r.tokens.length >= 2 ? 1 : 0);
    const span = h.spans().find((s) => s.attributes['mobile_mm.task'] === task)!;
    expect(span.name).toBe(`generate_content ${MODEL}`);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(r.tokens.length);
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual([r.finishReason]);
    // OCR on a model with the CTC head reads the line in one pass; the rest decode greedily (profile balanced).
    expect(span.attributes['mobile_mm.decoding']).toBe(task === 'ocr' ? 'ctc' : 'greedy');
  });

  it('a typed error: span status ERROR with error.type, duration recorded with error.type', async () => {
    await expect(mm.vqa(SCENE, '   ')).rejects.toMatchObject({ code: 'PROMPT_EMPTY' });
    await expect(mm.caption(new Uint8Array([1, 2, 3]))).rejects.toMatchObject({ code: expect.stringMatching(/^IMAGE_/) });
    const failed = h.spans().filter((s) => s.status.code === SpanStatusCode.ERROR);
    expect(failed.map((s) => [s.name, s.attributes['error.type'], s.status.message])).toEqual([
      [`generate_content ${MODEL}`, 'PROMPT_EMPTY', 'PROMPT_EMPTY'],
      [`generate_content ${MODEL}`, failed[1].attributes['error.type'], failed[1].attributes['error.type']],
    ]);
    const m = await h.metrics();
    expect(pointsOf(m.get(METRIC_OPERATION_DURATION), { 'error.type': 'PROMPT_EMPTY' }).map((p) => p.attributes)).toEqual([{ ...attrs('vqa'), 'error.type': 'PROMPT_EMPTY' }]);
  });

  it('a stream left early ends its span as cancelled and leaks no tensor', async () => {
    const before = tf.memory().numTensors;
    for await (const _ of mm.generateStream(SCENE, PROMPT)) break;
    expect(tf.memory().numTensors).toBe(before);
    expect(h.spans().at(-1)?.attributes['mobile_mm.stream.cancelled']).toBe(true);
  });
});

describe('content', () => {
  const secrets = (r: Record<string, CallResult>): string[] => [QUESTION, SCENE, TEXT, 'samples/', ...Object.values(r).map((x) => x.text).filter((t) => t.length >= 3)];

  it('no prompt, image path, image bytes or answer in any span or metric by default', async () => {
    const text = await h.exportedText();
    expect(text).toContain(`generate_content ${MODEL}`);
    for (const s of secrets(results)) expect(text).not.toContain(s);
    expect(text).not.toContain('gen_ai.input.messages');
  });

  it('with the option on: the prompt, the image and the answer, as gen_ai.input/output.messages', async () => {
    const hc = createHarness({ captureContent: true });
    const m2 = await MobileMultiModalLLM.create({ backend: 'wasm', variant: VARIANT, env: {}, telemetry: hc.telemetry });
    try {
      const bytes = new Uint8Array(await readFile(SCENE));
      const r = await m2.vqa(bytes, QUESTION);
      const [span] = hc.spans();
      expect(JSON.parse(span.attributes['gen_ai.input.messages'] as string)).toEqual([
        { role: 'user', parts: [{ type: 'blob', modality: 'image', mime_type: 'image/png', content: Buffer.from(bytes).toString('base64') }, { type: 'text', content: QUESTION }] },
      ]);
      expect(JSON.parse(span.attributes['gen_ai.output.messages'] as string)).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: r.text }], finish_reason: r.finishReason }]);
    } finally {
      m2.dispose();
      await hc.shutdown();
    }
  });

  it(`by default on the global providers; ${CAPTURE_CONTENT_ENV}=true opts in`, async () => {
    const hg = createHarness();
    // The harness's providers, registered globally the way an application registers its SDK.
    const { meterProvider, tracerProvider } = hg.providers;
    metrics.setGlobalMeterProvider(meterProvider);
    trace.setGlobalTracerProvider(tracerProvider);
    const saved = process.env[CAPTURE_CONTENT_ENV];
    try {
      const plain = await MobileMultiModalLLM.create({ backend: 'wasm', variant: VARIANT, env: {} });
      await plain.vqa(SCENE, QUESTION);
      plain.dispose();
      process.env[CAPTURE_CONTENT_ENV] = 'true';
      const capturing = await MobileMultiModalLLM.create({ backend: 'wasm', variant: VARIANT, env: {} });
      await capturing.vqa(SCENE, QUESTION);
      capturing.dispose();
      const spans = hg.spans();
      expect(spans.map((s) => s.name)).toEqual([`generate_content ${MODEL}`, `generate_content ${MODEL}`]);
      expect(JSON.stringify(spans[0].attributes)).not.toContain(QUESTION);
      expect(spans[1].attributes['gen_ai.input.messages']).toContain(QUESTION);
      for (const p of (await hg.metrics()).get(METRIC_OPERATION_DURATION)!.dataPoints) expect(JSON.stringify(p.attributes)).not.toContain(QUESTION);
    } finally {
      if (saved === undefined) delete process.env[CAPTURE_CONTENT_ENV];
      else process.env[CAPTURE_CONTENT_ENV] = saved;
      metrics.disable();
      trace.disable();
      await hg.shutdown();
    }
  });

  it('telemetry: false records nothing; a wrong telemetry value is INVALID_CONFIG', async () => {
    await expect(MobileMultiModalLLM.create({ backend: 'wasm', telemetry: {} as never })).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    const off = await MobileMultiModalLLM.create({ backend: 'wasm', variant: VARIANT, env: {}, telemetry: false });
    expect(off.telemetry).toBeNull();
    const n = h.spans().length;
    await off.caption(SCENE);
    off.dispose();
    expect(h.spans()).toHaveLength(n);
  });
});

describe('profiling and memory', () => {
  it('profileCall returns the kernels of a real model call, by name, and records them', async () => {
    const before = tf.memory().numTensors;
    const { result, kernels, backend } = await profileCall(() => mm.caption(SCENE), { telemetry: h.telemetry });
    expect(result.text).toBe(results.caption.text);
    expect(backend).toBe('wasm');
    const names = kernels.map((k) => k.name);
    expect(names).toEqual(expect.arrayContaining(['Softmax', VARIANT === 'int2' ? 'Int2MatMul' : 'BatchMatMul']));
    for (const k of kernels) {
      expect(k.count).toBeGreaterThan(0);
      expect(Number.isFinite(k.totalMs)).toBe(true);
    }
    expect(kernels.reduce((s, k) => s + k.totalMs, 0)).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
    const recorded = pointsOf((await h.metrics()).get('mobile_mm.kernel.duration'), { 'mobile_mm.kernel.name': 'Softmax' });
    expect(recorded).toHaveLength(1);
    expect((recorded[0].value as { count: number }).count).toBe(kernels.find((k) => k.name === 'Softmax')!.count);
  });

  it('the memory gauges report the loaded model\'s tensors and the RSS', async () => {
    observeMemory(h.telemetry);
    const m = await h.metrics();
    const [count] = pointsOf(m.get(METRIC_TENSOR_COUNT));
    expect(count.attributes).toEqual({ 'mobile_mm.backend': 'wasm' });
    expect(count.value).toBe(tf.memory().numTensors);
    expect(count.value).toBeGreaterThan(10); // the weights
    const [bytes] = pointsOf(m.get('mobile_mm.tensor.memory.usage'));
    expect(bytes.value).toBe(tf.memory().numBytes);
    expect(pointsOf(m.get('process.memory.usage'))[0].value).toBeGreaterThan(0);
  });
});
