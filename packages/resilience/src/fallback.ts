/**
 * Backend fallback: one client (e.g. a model instance) per tfjs backend,
 * tried in order (default webgpu → webgl → wasm → cpu, skipping backends this
 * environment lacks). Each backend has its own cockatiel circuit breaker, so
 * a backend that keeps failing is skipped at no cost while its breaker is
 * open, and gets one probe request back after the half-open delay.
 *
 * A request goes to the first backend that is usable; a retryable failure
 * (errors.ts isRetryable) sends it on to the next, a validation error ends
 * it. Clients are created lazily, the first time a backend is needed, after
 * a health probe (probe.ts). When the backend answering requests changes,
 * a `backendswitch` event fires (and `onBackendSwitch` is called) with the
 * reason, for metrics.
 *
 * WebGL context loss: requests running on webgl are raced against the loss
 * (they fail over to the next backend at once, never hang) and their signal
 * is aborted so the generation stops; the webgl client is dropped. After
 * `webglcontextrestored`, the next request rebuilds the webgl backend,
 * probes it, loads a fresh client and is served by webgl again.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MobileMMError, checkConfig, isMobileMMError, type BackendName } from '@mobile-mm/core';
import { availableBackends, BACKENDS } from '@mobile-mm/core/backend';
import type { CircuitBreakerPolicy } from 'cockatiel';
import { BACKENDS_EXHAUSTED, BACKEND_UNHEALTHY, CIRCUIT_OPEN, CONTEXT_LOST, isRetryable, toTypedError } from './errors.js';
import { createBreaker, type BreakerOptions } from './policies.js';
import { probeBackend, type ProbeResult } from './probe.js';
import { WebGLContextWatcher, rebuildWebGLBackend } from './context-loss.js';

export const DEFAULT_BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export type SwitchReason = 'failure' | 'circuit-open' | 'context-lost' | 'unhealthy' | 'recovered';

export interface BackendSwitch {
  from: BackendName;
  to: BackendName;
  reason: SwitchReason;
  /** The error code that moved the request off `from` (absent for 'recovered'). */
  code?: string;
  /** Date.now() when the switch was seen. */
  at: number;
}

/** The `backendswitch` event; `detail` holds the switch. */
export class BackendSwitchEvent extends Event {
  constructor(readonly detail: BackendSwitch) {
    super('backendswitch');
  }
}

/** A wrapper around each backend attempt: fault injection in tests, timing in telemetry. */
export type Interceptor = <T>(ctx: { backend: BackendName }, next: () => Promise<T>) => Promise<T>;

export interface FallbackOptions<C> {
  /**
   * Backends in the order they are tried; absent ones (availableBackends()) are skipped. Default webgpu, webgl,
   * wasm, cpu. `await detectWebgpu()` (@mobile-mm/core/backend) before constructing, so a browser with
   * navigator.gpu but no adapter has webgpu skipped rather than failing over from it.
   */
  order?: readonly BackendName[];
  /** Makes the client for a backend (a model instance on it). Called once per backend, lazily. */
  create: (backend: BackendName) => Promise<C>;
  dispose: (client: C, backend: BackendName) => void;
  /** One breaker per backend with these settings. */
  breaker?: BreakerOptions;
  /** Probe a backend before its client is created; default true. */
  probe?: boolean;
  onBackendSwitch?: (s: BackendSwitch) => void;
  interceptor?: Interceptor;
  /** Told about tensors a client creation left allocated (the leak guard holds them). */
  onClientCreated?: (backend: BackendName, held: { tensors: number; bytes: number }) => void;
}

export interface AttemptError {
  backend: BackendName;
  code: string;
  message: string;
}

export class BackendFallback<C> extends EventTarget {
  /** The backends present here, in the order they are tried. */
  readonly backends: readonly BackendName[];
  private readonly clients = new Map<BackendName, Promise<C>>();
  private readonly breakers = new Map<BackendName, CircuitBreakerPolicy>();
  private readonly inFlight = new Map<BackendName, Set<AbortController>>();
  private readonly watcher: WebGLContextWatcher;
  private current: BackendName;
  /** Backend switches seen so far. */
  switches = 0;
  private disposed = false;

  constructor(private readonly options: FallbackOptions<C>) {
    super();
    const order = options.order ?? DEFAULT_BACKEND_ORDER;
    checkConfig(Array.isArray(order) && order.length > 0, 'backends', 'must be a non-empty array of backend names.');
    for (const b of order) checkConfig(BACKENDS.includes(b), 'backends', `${JSON.stringify(b)} is not a backend; accepted: ${BACKENDS.join(', ')}.`);
    checkConfig(new Set(order).size === order.length, 'backends', `lists a backend twice: ${order.join(', ')}.`);
    const present = availableBackends();
    this.backends = order.filter((b) => present.includes(b));
    if (this.backends.length === 0) {
      throw new MobileMMError('BACKEND_UNAVAILABLE', `none of the backends ${order.join(', ')} is available here (available: ${present.join(', ')}).`, { order, present });
    }
    this.current = this.backends[0];
    this.watcher = new WebGLContextWatcher({ onLost: () => this.onContextLost(), onRestored: () => this.breakers.delete('webgl') });
  }

  /** The backend that answered the last request (the first in order before any). */
  get active(): BackendName {
    return this.current;
  }

  /** 'ok', 'lost' or 'restored' (webgl comes back on the next request). */
  get webglContext(): 'ok' | 'lost' | 'restored' {
    return this.watcher.state;
  }

  breakerOf(backend: BackendName): CircuitBreakerPolicy {
    let b = this.breakers.get(backend);
    if (!b) {
      b = createBreaker(this.options.breaker);
      this.breakers.set(backend, b);
    }
    return b;
  }

  /** The client of a backend if it was created (for health and tests). */
  async clientIf(backend: BackendName): Promise<C | undefined> {
    return this.clients.get(backend)?.catch(() => undefined);
  }

  /**
   * Creates the client of the first backend (in order) that starts, so a
   * missing model or bad setup fails at creation, not on the first request.
   * Validation errors (MODEL_NOT_FOUND, INVALID_CONFIG, ...) are thrown at
   * once; if no backend starts, BACKENDS_EXHAUSTED.
   */
  async warmUp(): Promise<BackendName> {
    const errors: AttemptError[] = [];
    for (const backend of this.backends) {
      try {
        await this.clientOf(backend);
        if (backend !== this.current) this.served(backend, errors);
        return backend;
      } catch (e) {
        if (!isRetryable(e)) throw e;
        errors.push({ backend, code: isMobileMMError(e) ? e.code : 'INTERNAL', message: (e as Error)?.message ?? String(e) });
      }
    }
    throw new MobileMMError(BACKENDS_EXHAUSTED, `no backend could start: ${errors.map((a) => `${a.backend}: [${a.code}] ${a.message}`).join('; ')}`, { attempts: errors });
  }

  /** Runs `attempt` on the first usable backend, failing over on retryable errors. */
  async run<T>(attempt: (client: C, backend: BackendName, signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.disposed) throw new MobileMMError('DISPOSED', 'the backend fallback was disposed.');
    const errors: AttemptError[] = [];
    for (const backend of this.backends) {
      if (backend === 'webgl' && this.watcher.state === 'lost') {
        errors.push({ backend, code: CONTEXT_LOST, message: 'the WebGL context is lost; waiting for webglcontextrestored.' });
        continue;
      }
      try {
        const value = await this.breakerOf(backend).execute(() => this.attemptOn(backend, attempt, signal));
        this.served(backend, errors);
        return value;
      } catch (e) {
        const typed = toTypedError(e, backend);
        if (!isRetryable(typed) || signal?.aborted) throw typed;
        errors.push({ backend, code: isMobileMMError(typed) ? typed.code : 'INTERNAL', message: (typed as Error)?.message ?? String(typed) });
      }
    }
    throw new MobileMMError(BACKENDS_EXHAUSTED, `every backend failed: ${errors.map((a) => `${a.backend}: [${a.code}] ${a.message}`).join('; ')}`, { attempts: errors });
  }

  private async attemptOn<T>(backend: BackendName, attempt: (client: C, backend: BackendName, signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const client = await this.clientOf(backend);
    const ctrl = new AbortController();
    const forward = (): void => ctrl.abort(signal?.reason);
    if (signal?.aborted) forward();
    else signal?.addEventListener('abort', forward, { once: true });
    let set = this.inFlight.get(backend);
    if (!set) this.inFlight.set(backend, (set = new Set()));
    set.add(ctrl);
    try {
      const call = (): Promise<T> => attempt(client, backend, ctrl.signal);
      const p = this.options.interceptor ? this.options.interceptor({ backend }, call) : call();
      return await (backend === 'webgl' ? Promise.race([p, this.watcher.lost]) : p);
    } finally {
      set.delete(ctrl);
      signal?.removeEventListener('abort', forward);
    }
  }

  private clientOf(backend: BackendName): Promise<C> {
    let p = this.clients.get(backend);
    if (p) return p;
    p = (async () => {
      if (backend === 'webgl' && this.watcher.state === 'restored') rebuildWebGLBackend();
      if (this.options.probe !== false) {
        const r = await probeBackend(backend);
        if (!r.ok) throw new MobileMMError(BACKEND_UNHEALTHY, `${backend}: health probe failed (${r.reason}).`, { backend, reason: r.reason });
      }
      const before = tf.memory();
      const client = await this.options.create(backend);
      const after = tf.memory();
      this.options.onClientCreated?.(backend, { tensors: after.numTensors - before.numTensors, bytes: after.numBytes - before.numBytes });
      if (backend === 'webgl') this.watcher.attach();
      return client;
    })();
    this.clients.set(backend, p);
    p.catch(() => {
      if (this.clients.get(backend) === p) this.clients.delete(backend); // created again on the next request
    });
    return p;
  }

  private onContextLost(): void {
    for (const ctrl of this.inFlight.get('webgl') ?? []) ctrl.abort(new MobileMMError(CONTEXT_LOST, 'webgl: the WebGL context was lost.'));
    const p = this.clients.get('webgl');
    this.clients.delete('webgl');
    // Its tensors lived in the lost context; dispose what the engine still counts.
    p?.then((c) => safely(() => this.options.dispose(c, 'webgl'))).catch(() => undefined);
  }

  private served(backend: BackendName, errors: AttemptError[]): void {
    if (backend === this.current) return;
    const from = this.current;
    const fromError = [...errors].reverse().find((a) => a.backend === from);
    let reason: SwitchReason = 'recovered';
    if (this.backends.indexOf(backend) > this.backends.indexOf(from)) {
      const code = fromError?.code;
      reason = code === CONTEXT_LOST ? 'context-lost' : code === CIRCUIT_OPEN ? 'circuit-open' : code === BACKEND_UNHEALTHY ? 'unhealthy' : 'failure';
    }
    const s: BackendSwitch = { from, to: backend, reason, at: Date.now(), ...(reason !== 'recovered' && fromError ? { code: fromError.code } : {}) };
    this.current = backend;
    this.switches++;
    this.options.onBackendSwitch?.(s);
    this.dispatchEvent(new BackendSwitchEvent(s));
  }

  /** Probes every backend in order (the current tfjs backend is restored afterwards). */
  async probeAll(): Promise<ProbeResult[]> {
    const prev = tf.getBackend();
    const out: ProbeResult[] = [];
    for (const b of this.backends) {
      if (b === 'webgl' && this.watcher.state === 'lost') out.push({ backend: b, ok: false, reason: 'WebGL context is lost', ms: 0 });
      else out.push(await probeBackend(b));
    }
    if (prev && tf.getBackend() !== prev) await tf.setBackend(prev).catch(() => false);
    return out;
  }

  /** Disposes every client created; idempotent. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.watcher.detach();
    const all = [...this.clients].map(([backend, p]) => p.then((c) => safely(() => this.options.dispose(c, backend))).catch(() => undefined));
    this.clients.clear();
    await Promise.all(all);
  }
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // disposing tensors of a lost WebGL context may throw; they are gone anyway
  }
}
