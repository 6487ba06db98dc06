/**
 * Memory gauges, read when the metrics are collected:
 *
 *   mobile_mm.tensor.memory.usage  By        tf.memory().numBytes   (mobile_mm.backend)
 *   mobile_mm.tensor.count         {tensor}  tf.memory().numTensors (mobile_mm.backend)
 *   process.memory.usage           By        resident set size, Node only
 *
 * Nothing is reported for tfjs before a backend is set up (reading
 * tf.memory() would start one).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ObservableResult } from '@opentelemetry/api';
import * as sc from './semconv.js';
import type { ModelTelemetry } from './telemetry.js';

/** The process's RSS in bytes, or null outside Node. */
export function residentSetBytes(): number | null {
  const p = (globalThis as { process?: { memoryUsage?: { rss?: () => number } & (() => { rss: number }) } }).process;
  const mu = p?.memoryUsage;
  if (typeof mu !== 'function') return null;
  return typeof mu.rss === 'function' ? mu.rss() : mu().rss;
}

/** The active tfjs backend's name, or null when none has been set up. */
function activeBackend(): string | null {
  const name = (tf.engine() as { backendName?: string | null }).backendName;
  return typeof name === 'string' && name !== '' ? name : null;
}

/** Registers the memory gauges on the telemetry's meter (once per ModelTelemetry; later calls do nothing). */
export function observeMemory(telemetry: ModelTelemetry): void {
  if (!telemetry.claimMemoryGauges()) return;
  const m = telemetry.meter;
  const bytes = m.createObservableGauge(sc.METRIC_TENSOR_MEMORY, { unit: 'By', description: 'Bytes held by tfjs tensors (tf.memory().numBytes).' });
  const count = m.createObservableGauge(sc.METRIC_TENSOR_COUNT, { unit: '{tensor}', description: 'Live tfjs tensors (tf.memory().numTensors).' });
  bytes.addCallback((r: ObservableResult) => {
    const backend = activeBackend();
    if (backend !== null) r.observe(tf.memory().numBytes, { [sc.ATTR_BACKEND]: backend });
  });
  count.addCallback((r: ObservableResult) => {
    const backend = activeBackend();
    if (backend !== null) r.observe(tf.memory().numTensors, { [sc.ATTR_BACKEND]: backend });
  });
  if (residentSetBytes() !== null) {
    const rss = m.createObservableGauge(sc.METRIC_PROCESS_MEMORY, { unit: 'By', description: 'The amount of physical memory in use (RSS).' });
    rss.addCallback((r: ObservableResult) => {
      const v = residentSetBytes();
      if (v !== null) r.observe(v);
    });
  }
}
