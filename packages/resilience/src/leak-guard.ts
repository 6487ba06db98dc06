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
 * The window is shared by every guard in the process (tf.memory() is
 * process-wide): two clients' requests that overlap are one window.
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

/**
 * The open window. tf.memory() is one per process, so every guard shares
 * it: a window opens when any guarded request starts on an idle process and
 * closes when the last guarded request of any guard ends; each guard that
 * took part gets the report.
 */
interface Window {
  inFlight: number;
  requests: number;
  before: { numTensors: number; numBytes: number };
  held: { tensors: number; bytes: number };
  /** Each participating guard, with what its owners retained when it joined. */
  participants: Map<LeakGuard, { tensors: number; bytes: number | undefined }>;
}

const shared: Window = { inFlight: 0, requests: 0, before: { numTensors: 0, numBytes: 0 }, held: { tensors: 0, bytes: 0 }, participants: new Map() };

export class LeakGuard {
  /** Windows that ended with more tensors or bytes than they started with. */
  leaks = 0;
  lastReport: LeakReport | null = null;

  constructor(private readonly options: LeakGuardOptions = {}) {}

  get mode(): 'report' | 'throw' | 'off' {
    return this.options.mode ?? 'report';
  }

  /** Declares tensors created in this window that are meant to outlive it. */
  hold(tensors: number, bytes: number): void {
    shared.held.tensors += tensors;
    shared.held.bytes += bytes;
  }

  /** Runs `fn` inside the guard. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.mode === 'off') return fn();
    if (shared.inFlight++ === 0) {
      const m = tf.memory();
      shared.before = { numTensors: m.numTensors, numBytes: m.numBytes };
      shared.held = { tensors: 0, bytes: 0 };
      shared.requests = 0;
      shared.participants = new Map();
    }
    if (!shared.participants.has(this)) {
      const r = this.options.retained?.() ?? { tensors: 0, bytes: 0 };
      shared.participants.set(this, { tensors: r.tensors, bytes: r.bytes });
    }
    shared.requests++;
    let report: LeakReport | null = null;
    try {
      return await fn();
    } finally {
      if (--shared.inFlight === 0) report = close();
      // A throw in finally replaces the request's own outcome: only in 'throw' mode, only on a leak.
      if (report && this.mode === 'throw') {
        throw new MobileMMError(TENSOR_LEAK, `requests left ${report.tensors} tensors (${report.bytes} bytes) behind over ${report.requests} request(s).`, { ...report });
      }
    }
  }

  /** @internal */
  retainedNow(): { tensors: number; bytes?: number } {
    return this.options.retained?.() ?? { tensors: 0, bytes: 0 };
  }

  /** @internal */
  reportLeak(report: LeakReport): void {
    this.leaks++;
    this.lastReport = report;
    this.options.onLeak?.(report);
  }
}

function close(): LeakReport | null {
  const m = tf.memory();
  let retainedTensors = 0;
  let retainedBytes: number | undefined = 0;
  for (const [guard, before] of shared.participants) {
    const now = guard.retainedNow();
    retainedTensors += now.tensors - before.tensors;
    retainedBytes = retainedBytes === undefined || now.bytes === undefined || before.bytes === undefined ? undefined : retainedBytes + now.bytes - before.bytes;
  }
  const tensors = m.numTensors - shared.before.numTensors - shared.held.tensors - retainedTensors;
  const bytes = retainedBytes === undefined ? 0 : m.numBytes - shared.before.numBytes - shared.held.bytes - retainedBytes;
  if (tensors <= 0 && bytes <= 0) return null;
  const report: LeakReport = { tensors, bytes, requests: shared.requests, before: shared.before, after: { numTensors: m.numTensors, numBytes: m.numBytes } };
  for (const guard of shared.participants.keys()) guard.reportLeak(report);
  return report;
}

/** Tensors and bytes `fn` leaves allocated (for `hold`): a model load, a cache fill. */
export async function measureHeld<T>(fn: () => Promise<T>): Promise<{ value: T; tensors: number; bytes: number }> {
  const a = tf.memory();
  const value = await fn();
  const b = tf.memory();
  return { value, tensors: b.numTensors - a.numTensors, bytes: b.numBytes - a.numBytes };
}
