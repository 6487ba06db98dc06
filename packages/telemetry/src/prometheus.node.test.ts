/**
 * The Prometheus text view, the memory gauges and profileCall, on real tfjs
 * (cpu backend) and the SDK's Prometheus exporter.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { setupBackend } from '@mobile-mm/core/backend';
import { createHarness, pointsOf } from './test-utils/index.js';
import { observeMemory, residentSetBytes } from './memory.js';
import { profileCall } from './profile.js';
import { PrometheusMetrics } from './prometheus.js';
import * as sc from './semconv.js';
import { ModelTelemetry } from './telemetry.js';

beforeAll(async () => {
  tf.env().set('PROD', true); // no tfjs-node banner
  await setupBackend('cpu');
});

const prom = new PrometheusMetrics();
afterAll(() => prom.shutdown());

it('prints the GenAI metrics and the memory gauges as Prometheus text', async () => {
  const telemetry = new ModelTelemetry({ meterProvider: prom.meterProvider, env: {} });
  observeMemory(telemetry);
  const call = telemetry.startCall({ task: 'ocr', model: 'tiny-fp32', backend: 'cpu', variant: 'fp32', profile: 'balanced' });
  call.token();
  call.token();
  call.end({ text: 'AB', outputTokens: 2, inputTokens: 3, finishReason: 'stop' });
  const text = await prom.text();
  expect(text).toContain('# TYPE gen_ai_client_operation_duration histogram');
  expect(text).toContain('# UNIT gen_ai_client_operation_duration s');
  expect(text).toContain('# TYPE gen_ai_client_token_usage histogram');
  expect(text).toContain('# TYPE gen_ai_server_time_to_first_token histogram');
  expect(text).toContain('# TYPE gen_ai_server_time_per_output_token histogram');
  expect(text).toMatch(/gen_ai_client_token_usage_sum\{[^}]*gen_ai_request_model="tiny-fp32"[^}]*gen_ai_token_type="output"[^}]*\} 2\n/);
  expect(text).toMatch(/gen_ai_client_operation_duration_count\{gen_ai_operation_name="generate_content",gen_ai_provider_name="mobile_mm",[^}]*mobile_mm_task="ocr",mobile_mm_backend="cpu",mobile_mm_variant="fp32",mobile_mm_profile="balanced"[^}]*\} 1\n/);
  const tensors = Number(/mobile_mm_tensor_count\{mobile_mm_backend="cpu"[^}]*\} (\d+)/.exec(text)?.[1]);
  expect(tensors).toBe(tf.memory().numTensors);
  expect(Number(/process_memory_usage\{[^}]*\} (\d+)/.exec(text)?.[1])).toBeGreaterThan(10_000_000);
});

it('memory gauges follow tf.memory() and report RSS', async () => {
  const h = createHarness();
  observeMemory(h.telemetry);
  observeMemory(h.telemetry); // once only
  const before = tf.memory();
  const held = tf.randomNormal([256, 256]); // 256 KiB
  const m = await h.metrics();
  const bytes = pointsOf(m.get(sc.METRIC_TENSOR_MEMORY));
  const count = pointsOf(m.get(sc.METRIC_TENSOR_COUNT));
  expect(m.get(sc.METRIC_TENSOR_MEMORY)?.descriptor.unit).toBe('By');
  expect(bytes.map((p) => [p.attributes, p.value])).toEqual([[{ 'mobile_mm.backend': 'cpu' }, before.numBytes + 256 * 256 * 4]]);
  expect(count.map((p) => p.value)).toEqual([before.numTensors + 1]);
  const rss = pointsOf(m.get(sc.METRIC_PROCESS_MEMORY));
  expect(rss).toHaveLength(1);
  expect(rss[0].value).toBeGreaterThan(10_000_000);
  expect(residentSetBytes()).toBeGreaterThan(10_000_000);
  held.dispose();
  await h.shutdown();
});

it('profileCall sums kernel time by kernel name and records each run', async () => {
  const h = createHarness();
  const a = tf.randomNormal([64, 64]);
  const before = tf.memory().numTensors;
  const { result, kernels, newTensors, backend } = await profileCall(
    () => tf.tidy(() => tf.sum(tf.relu(tf.matMul(tf.relu(tf.matMul(a, a)), a))).arraySync() as number),
    { telemetry: h.telemetry },
  );
  a.dispose();
  expect(typeof result).toBe('number');
  expect(backend).toBe('cpu');
  expect(newTensors).toBe(0);
  expect(tf.memory().numTensors).toBe(before - 1);
  const byName = Object.fromEntries(kernels.map((k) => [k.name, k]));
  expect(byName.BatchMatMul.count).toBe(2);
  expect(byName.Relu.count).toBe(2);
  expect(byName.Sum.count).toBe(1);
  for (const k of kernels) expect(k.totalMs).toBeGreaterThanOrEqual(0);
  expect(kernels.map((k) => k.totalMs)).toEqual([...kernels.map((k) => k.totalMs)].sort((x, y) => y - x));
  const recorded = pointsOf((await h.metrics()).get(sc.METRIC_KERNEL_DURATION), { 'mobile_mm.kernel.name': 'BatchMatMul' });
  expect(recorded.map((p) => [p.attributes, (p.value as { count: number }).count])).toEqual([[{ 'mobile_mm.kernel.name': 'BatchMatMul', 'mobile_mm.backend': 'cpu' }, 2]]);
  await h.shutdown();
});
