/**
 * Per-kernel timing of one call, on demand, through tf.profile:
 *
 *   const { result, kernels } = await profileCall(() => mm.caption(img), { telemetry });
 *   // kernels: [{ name: 'Int2MatMul', totalMs: 4.1, count: 36 }, ...], slowest first
 *
 * Kernel times are the backend's own (tfjs's profiler: wall time around each
 * kernel on cpu and wasm, GPU timer queries on webgl). Profiling slows the
 * call and counts every kernel run meanwhile, so profile one call at a time.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ModelTelemetry } from './telemetry.js';

export interface KernelTiming {
  /** The kernel's registered name, e.g. "BatchMatMul" or "Int2MatMul". */
  name: string;
  /** Sum over its runs, milliseconds. */
  totalMs: number;
  /** Runs during the call. */
  count: number;
}

export interface ProfileResult<T> {
  result: T;
  /** One entry per kernel name, slowest total first. */
  kernels: KernelTiming[];
  /** Bytes and tensors the call left allocated (0 for a call that frees its tensors). */
  newBytes: number;
  newTensors: number;
  /** The most bytes held at once during the call. */
  peakBytes: number;
  /** The backend profiled. */
  backend: string;
}

export interface ProfileOptions {
  /** Also record each kernel run on mobile_mm.kernel.duration. */
  telemetry?: ModelTelemetry;
}

/** Runs `fn` under tf.profile and sums kernel time by kernel name. */
export async function profileCall<T>(fn: () => Promise<T> | T, options: ProfileOptions = {}): Promise<ProfileResult<T>> {
  let result!: T;
  const info = await tf.profile(async () => {
    result = await fn();
    return undefined; // the result is not a TensorContainer; kept aside
  });
  const backend = tf.getBackend();
  const byName = new Map<string, KernelTiming>();
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0; // {error} where the backend cannot time
    const t = byName.get(k.name) ?? { name: k.name, totalMs: 0, count: 0 };
    t.totalMs += ms;
    t.count++;
    byName.set(k.name, t);
    options.telemetry?.recordKernel(k.name, ms, backend);
  }
  const kernels = [...byName.values()].sort((a, b) => b.totalMs - a.totalMs);
  return { result, kernels, newBytes: info.newBytes, newTensors: info.newTensors, peakBytes: info.peakBytes, backend };
}
