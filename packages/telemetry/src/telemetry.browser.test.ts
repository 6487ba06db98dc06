/**
 * The main entry point in headless Chromium: no Node globals (Buffer,
 * process), so content is base64-encoded with btoa and there is no RSS gauge.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { setupBackend } from '@mobile-mm/core/backend';
import { createHarness, histogram, pointsOf } from '@mobile-mm/telemetry/test-utils';
import { METRIC_OPERATION_DURATION, METRIC_PROCESS_MEMORY, METRIC_TENSOR_COUNT, ModelTelemetry, observeMemory, profileCall } from '@mobile-mm/telemetry';

const h = createHarness({ captureContent: true });
beforeAll(async () => {
  await setupBackend('cpu');
});
afterAll(() => h.shutdown());

it('runs without Node globals: spans, metrics, base64 content, tensor gauges without RSS', async () => {
  expect(typeof (globalThis as { Buffer?: unknown }).Buffer).toBe('undefined');
  expect(h.telemetry).toBeInstanceOf(ModelTelemetry);
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0x00]);
  const call = h.telemetry.startCall({ task: 'caption', model: 'tiny-int2', backend: 'cpu', variant: 'int2', profile: 'fast', image: png });
  call.token();
  call.end({ text: 'a red circle', outputTokens: 3, inputTokens: 3, finishReason: 'stop' });
  observeMemory(h.telemetry);
  const m = await h.metrics();
  expect(histogram(pointsOf(m.get(METRIC_OPERATION_DURATION))[0]).count).toBe(1);
  expect(pointsOf(m.get(METRIC_TENSOR_COUNT))[0].value).toBe(tf.memory().numTensors);
  expect(m.has(METRIC_PROCESS_MEMORY)).toBe(false);
  const [msg] = JSON.parse(h.spans()[0].attributes['gen_ai.input.messages'] as string) as { parts: { content: string; mime_type: string }[] }[];
  expect(msg.parts[0].mime_type).toBe('image/png');
  expect(msg.parts[0].content).toBe(btoa(String.fromCharCode(...png)));
});

it('profileCall names the kernels', async () => {
  const a = tf.randomNormal([32, 32]);
  const { kernels } = await profileCall(() => tf.tidy(() => tf.matMul(a, a).dataSync()));
  a.dispose();
  expect(kernels.map((k) => k.name)).toContain('BatchMatMul');
});
