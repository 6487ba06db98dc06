/**
 * A tensor-leak guard around requests: tf.memory().numTensors and numBytes
 * before and after.
 *
 * tfjs counts tensors per process, not per request, so with requests in
 * flight at once a per-request difference means nothing. The guard therefore
 * measures windows: the baseline is taken when the first request starts on
 * an idle guard, and compared when the last one in flight finishes. With one
 * request at a time a window is exactly one request; under load it covers
 * the requests that overlapped. Tensors that are meant to stay (a model
 * instance created during the window, a feature-cache entry) are declared
 * with `hold(tensors, bytes)` and excluded; owners that keep a varying number
 * of tensors between requests (a feature cache) are reported by `retained()`,
 * read at both ends of the window (when it gives no byte count, the window's
 * byte check is skipped and only tensors are compared).
 *
 * A leak is reported through `onLeak` and counted in `leaks`; in 'throw'
 * mode the request that closes the window also fails with TENSOR_LEAK (for
 * tests and development: the result is lost, the leak is found).
 */
import * as tf from '@tensorflow/tfjs-core';
import { MobileMMError } from '@mobile-mm/core';
import { TENSOR_LEAK } from './errors.js';

export interface LeakReport {
  /** Tensors and bytes left over the window's baseline (after `hold`s). */
  tensors: number;
  bytes: number;
  /** Requests the window covered. */
  requests: number;
  before: { numTensors: number; numBytes: number };
  after: { numTensors: number; numBytes: number };
}

export interface LeakGuardOptions {
  /** 'report' (default): call onLeak and count; 'throw': also fail the request with TENSOR_LEAK; 'off': measure nothing. */
  mode?: 'report' | 'throw' | 'off';
  onLeak?: (report: LeakReport) => void;
  /** Tensors (and bytes, when known) that long-lived owners hold now, e.g. cache entries. */
  retained?: () => { tensors: number; bytes?: number };
}

export class LeakGuard {
  private inFlight = 0;
  private requests = 0;
  private before = { numTensors: 0, numBytes: 0 };
  private held = { tensors: 0, bytes: 0 };
  private retainedBefore = { tensors: 0, bytes: 0 as number | undefined };
  /** Windows that ended with more tensors or bytes than they started with. */
  leaks = 0;
  lastReport: LeakReport | null = null;

  constructor(private readonly options: LeakGuardOptions = {}) {}

  get mode(): 'report' | 'throw' | 'off' {
    return this.options.mode ?? 'report';
  }

  /** Declares tensors created in this window that are meant to outlive it. */
  hold(tensors: number, bytes: number): void {
    this.held.tensors += tensors;
    this.held.bytes += bytes;
  }

  /** Runs `fn` inside the guard. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.mode === 'off') return fn();
    if (this.inFlight++ === 0) {
      const m = tf.memory();
      this.before = { numTensors: m.numTensors, numBytes: m.numBytes };
      this.held = { tensors: 0, bytes: 0 };
      this.requests = 0;
      const r = this.options.retained?.() ?? { tensors: 0, bytes: 0 };
      this.retainedBefore = { tensors: r.tensors, bytes: r.bytes };
    }
    this.requests++;
    let report: LeakReport | null = null;
    try {
      return await fn();
    } finally {
      if (--this.inFlight === 0) report = this.check();
      // A throw in finally replaces the request's own outcome: only in 'throw' mode, only on a leak.
      if (report && this.mode === 'throw') {
        throw new MobileMMError(TENSOR_LEAK, `requests left ${report.tensors} tensors (${report.bytes} bytes) behind over ${report.requests} request(s).`, { ...report });
      }
    }
  }

  private check(): LeakReport | null {
    const m = tf.memory();
    const r = this.options.retained?.() ?? { tensors: 0, bytes: 0 };
    const tensors = m.numTensors - this.before.numTensors - this.held.tensors - (r.tensors - this.retainedBefore.tensors);
    const bytesKnown = r.bytes !== undefined && this.retainedBefore.bytes !== undefined;
    const bytes = bytesKnown ? m.numBytes - this.before.numBytes - this.held.bytes - (r.bytes! - this.retainedBefore.bytes!) : 0;
    if (tensors <= 0 && bytes <= 0) return null;
    const report: LeakReport = {
      tensors,
      bytes,
      requests: this.requests,
      before: this.before,
      after: { numTensors: m.numTensors, numBytes: m.numBytes },
    };
    this.leaks++;
    this.lastReport = report;
    this.options.onLeak?.(report);
    return report;
  }
}

/** Tensors and bytes `fn` leaves allocated (for `hold`): a model load, a cache fill. */
export async function measureHeld<T>(fn: () => Promise<T>): Promise<{ value: T; tensors: number; bytes: number }> {
  const a = tf.memory();
  const value = await fn();
  const b = tf.memory();
  return { value, tensors: b.numTensors - a.numTensors, bytes: b.numBytes - a.numBytes };
}
