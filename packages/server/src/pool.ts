/**
 * The replicas and the queue in front of them.
 *
 *   submit(job) ─▶ admitted?  running < maxConcurrent and a replica ready ─▶ dispatch (dispatch.ts)
 *                             else queue.length < maxQueue                ─▶ wait in FIFO order
 *                             else                                        ─▶ QUEUE_FULL at once (503)
 *
 * Each replica is a worker thread with its own MobileMultiModalLLM
 * (replica-worker.ts). A replica that dies (an uncaught error, OOM, or
 * kill()) fails its in-flight requests with REPLICA_CRASHED and is replaced
 * in the same slot; the replacement takes work once it has loaded and
 * passed its probe call. A request's AbortSignal (deadline, client gone)
 * takes it off the queue, or sets its abort flag, which the worker reads
 * between tokens; its slot stays busy until the worker has stopped.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MobileMMError, localText, type CallResult, type MobileMMErrorCode } from 'mobile-mm';
import type { DispatchStrategy } from './config.js';
import { newDispatchState, pickReplica, type DispatchState } from './dispatch.js';
import { serverError } from './errors.js';
import type { FromWorker, Job, ModelInfo, ReplicaInit, ReplicaStats, TokenTimes, ToWorker } from './protocol.js';

export interface PoolOptions {
  replicas: number;
  maxConcurrent: number;
  maxQueue: number;
  dispatch: DispatchStrategy;
  replicaWeights: number[];
  /** MobileMultiModalLLM.create() options for every replica. */
  modelOptions: Record<string, unknown>;
}

export interface JobHandlers {
  signal?: AbortSignal;
  onToken?: (text: string, index: number) => void;
  /** Called when the request leaves the queue for a replica. */
  onStart?: (replica: number) => void;
}

export interface JobOutcome {
  result: CallResult;
  promptTokens: number;
  replica: number;
  /** First and last token, from the start of the call in the replica. */
  tokenTimes: TokenTimes;
}

export type ReplicaState = 'starting' | 'ready' | 'dead';

interface Pending {
  id: number;
  job: Job;
  handlers: JobHandlers;
  abort: SharedArrayBuffer;
  resolve: (o: JobOutcome) => void;
  reject: (e: unknown) => void;
  onAbort?: () => void;
  replica: number;
}

/** How the worker file is started: the built .js, or (tests, tsx) the .ts source through tsx's loader. */
function spawnWorker(init: ReplicaInit): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./replica-worker.js', here), { workerData: init });
  const tsxDir = path.dirname(createRequire(here).resolve('tsx/package.json'));
  const tsx = pathToFileURL(path.join(tsxDir, 'dist/esm/api/index.mjs')).href; // the ESM entry (the CJS one cannot register ESM hooks here)
  const entry = new URL('./replica-worker.ts', here).href;
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true, workerData: init, execArgv: ['--conditions=source'] });
}

class Replica {
  state: ReplicaState = 'starting';
  /** It reached 'ready' once (a replica that dies while starting is retried by the pool's backoff instead). */
  wasReady = false;
  readonly inFlight = new Map<number, Pending>();
  model: ModelInfo | null = null;
  private statsWaiters: ((s: ReplicaStats | null) => void)[] = [];
  readonly worker: Worker;
  /** Resolves when ready; rejects with the worker's error when create() or the probe fails. */
  readonly started: Promise<void>;

  constructor(
    readonly index: number,
    init: ReplicaInit,
    private readonly onMessage: (r: Replica, m: FromWorker) => void,
    private readonly onExit: (r: Replica, reason: string) => void,
  ) {
    this.worker = spawnWorker(init);
    let settle!: { resolve: () => void; reject: (e: unknown) => void };
    this.started = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    this.started.catch(() => {}); // observed by the pool when it cares
    this.worker.on('message', (m: FromWorker) => {
      if (m.type === 'ready') {
        this.state = 'ready';
        this.wasReady = true;
        this.model = m.model;
        settle.resolve();
      } else if (m.type === 'fatal') {
        settle.reject(new MobileMMError(m.error.code as MobileMMErrorCode, m.error.text ?? m.error.message, m.error.details));
        void this.worker.terminate();
      } else if (m.type === 'stats') {
        for (const w of this.statsWaiters.splice(0)) w(m.stats);
      } else this.onMessage(this, m);
    });
    let reason = 'exited';
    this.worker.on('error', (e) => {
      reason = `crashed: ${e.message}`;
      settle.reject(new MobileMMError('REPLICA_CRASHED', `replica ${index} ${reason}`));
    });
    this.worker.on('exit', (code) => {
      if (reason === 'exited') reason = `exited with code ${code}`;
      this.state = 'dead';
      settle.reject(new MobileMMError('REPLICA_CRASHED', `replica ${index} ${reason} while starting`));
      for (const w of this.statsWaiters.splice(0)) w(null);
      this.onExit(this, reason);
    });
  }

  post(m: ToWorker): void {
    this.worker.postMessage(m);
  }

  stats(timeoutMs = 2000): Promise<ReplicaStats | null> {
    if (this.state !== 'ready') return Promise.resolve(null);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(null), timeoutMs);
      this.statsWaiters.push((s) => (clearTimeout(t), resolve(s)));
      this.post({ type: 'stats' });
    });
  }
}

export class ReplicaPool {
  private readonly replicas: Replica[] = [];
  private readonly queue: Pending[] = [];
  private readonly dispatchState: DispatchState;
  private nextId = 1;
  private running = 0;
  private closed = false;
  /** Replicas replaced after a crash, over the pool's life. */
  restarts = 0;
  /** Calls a replica stopped early because their request was aborted (deadline, client gone, drain). */
  abortedCalls = 0;
  /** Called whenever queue depth, in-flight count or replica states change (metrics). */
  onChange: () => void = () => {};

  constructor(readonly options: PoolOptions) {
    this.dispatchState = newDispatchState(options.replicas);
  }

  /** Starts every replica; resolves when all are ready, rejects with the first one's error (then closes). */
  async start(): Promise<void> {
    for (let i = 0; i < this.options.replicas; i++) this.replicas[i] = this.spawn(i);
    try {
      await Promise.all(this.replicas.map((r) => r.started));
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  get model(): ModelInfo | null {
    return this.replicas.find((r) => r.model !== null)?.model ?? null;
  }

  get allReady(): boolean {
    return this.replicas.length > 0 && this.replicas.every((r) => r.state === 'ready');
  }

  get queueDepth(): number {
    return this.queue.length;
  }

  get inFlight(): number {
    return this.running;
  }

  states(): ReplicaState[] {
    return this.replicas.map((r) => r.state);
  }

  replicaInFlight(): number[] {
    return this.replicas.map((r) => r.inFlight.size);
  }

  stats(): Promise<(ReplicaStats | null)[]> {
    return Promise.all(this.replicas.map((r) => r.stats()));
  }

  /** Runs a job on a replica; rejects with QUEUE_FULL at once when there is no room, or with the signal's reason. */
  submit(job: Job, handlers: JobHandlers = {}): Promise<JobOutcome> {
    if (this.closed) return Promise.reject(serverError('UNAVAILABLE', localText('server.shuttingDown'), null, 1));
    if (handlers.signal?.aborted) return Promise.reject(handlers.signal.reason);
    return new Promise<JobOutcome>((resolve, reject) => {
      const p: Pending = { id: this.nextId++, job, handlers, abort: new SharedArrayBuffer(4), resolve, reject, replica: -1 };
      if (this.tryDispatch(p)) return;
      if (this.queue.length >= this.options.maxQueue) {
        reject(
          serverError(
            'QUEUE_FULL',
            localText('server.queueFull', { running: this.running, maxConcurrent: this.options.maxConcurrent, queued: this.queue.length, maxQueue: this.options.maxQueue }),
            null,
            1,
          ),
        );
        return;
      }
      this.queue.push(p);
      this.watchAbort(p);
      this.onChange();
    });
  }

  /** Kills replica `index` as a crash would (benchmarks, tests); it is replaced. */
  kill(index: number): Promise<number> {
    return this.replicas[index].worker.terminate();
  }

  /** Waits until nothing runs or waits, or `timeoutMs` passed; true when idle. */
  async idle(timeoutMs: number): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    while (this.running > 0 || this.queue.length > 0) {
      if (Date.now() >= end) return false;
      await new Promise((r) => setTimeout(r, 20));
    }
    return true;
  }

  /** Aborts everything, stops the workers. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(serverError('UNAVAILABLE', 'the server shut down before the request ran.', null, 1));
    for (const r of this.replicas) {
      for (const id of [...r.inFlight.keys()]) this.finish(r, id)?.reject(serverError('UNAVAILABLE', 'the server shut down before the request finished (drain timeout).', null, 1));
    }
    await Promise.all(this.replicas.map((r) => r.worker.terminate()));
  }

  private spawn(index: number): Replica {
    const r = new Replica(index, { index, modelOptions: this.options.modelOptions }, (rep, m) => this.message(rep, m), (rep, reason) => this.exited(rep, reason));
    r.started.then(
      () => {
        this.onChange();
        this.pump();
      },
      () => {},
    );
    return r;
  }

  private tryDispatch(p: Pending): boolean {
    if (this.running >= this.options.maxConcurrent) return false;
    const loads = this.replicas.map((r, i) => ({ ready: r.state === 'ready', inFlight: r.inFlight.size, weight: this.options.replicaWeights[i] ?? 1 }));
    const i = pickReplica(this.options.dispatch, loads, this.dispatchState);
    if (i < 0) return false;
    const r = this.replicas[i];
    p.replica = i;
    r.inFlight.set(p.id, p);
    this.running++;
    this.watchAbort(p);
    p.handlers.onStart?.(i);
    r.post({ type: 'run', id: p.id, job: p.job, abort: p.abort });
    this.onChange();
    return true;
  }

  private watchAbort(p: Pending): void {
    const signal = p.handlers.signal;
    if (signal === undefined || p.onAbort !== undefined) return;
    p.onAbort = () => {
      const q = this.queue.indexOf(p);
      if (q >= 0) {
        this.queue.splice(q, 1);
        this.onChange();
      } else Atomics.store(new Int32Array(p.abort), 0, 1); // running: the worker stops at its next token
      p.reject(signal.reason);
    };
    signal.addEventListener('abort', p.onAbort, { once: true });
  }

  private finish(r: Replica, id: number): Pending | undefined {
    const p = r.inFlight.get(id);
    if (p === undefined) return undefined;
    r.inFlight.delete(id);
    this.running--;
    if (p.onAbort) p.handlers.signal?.removeEventListener('abort', p.onAbort);
    this.pump();
    this.onChange();
    return p;
  }

  private message(r: Replica, m: FromWorker): void {
    if (m.type === 'token') r.inFlight.get(m.id)?.handlers.onToken?.(m.text, m.index);
    else if (m.type === 'done') {
      const p = this.finish(r, m.id);
      if (p !== undefined && m.result.finishReason === 'abort' && Atomics.load(new Int32Array(p.abort), 0) !== 0) this.abortedCalls++;
      p?.resolve({ result: m.result, promptTokens: m.promptTokens, replica: r.index, tokenTimes: m.tokenTimes });
    }
    else if (m.type === 'error') this.finish(r, m.id)?.reject(new MobileMMError(m.error.code as MobileMMErrorCode, m.error.text ?? m.error.message, m.error.details));
  }

  private exited(r: Replica, reason: string): void {
    for (const id of [...r.inFlight.keys()]) {
      this.finish(r, id)?.reject(serverError('REPLICA_CRASHED', `the replica running this request ${reason}; it is being replaced. Retry.`, null, 1));
    }
    this.onChange();
    if (this.closed || this.replicas[r.index] !== r || !r.wasReady) return;
    // Replace it; a replacement that fails to start is retried with a growing delay.
    const attempt = (delayMs: number): void => {
      setTimeout(() => {
        if (this.closed) return;
        this.restarts++;
        const next = this.spawn(r.index);
        this.replicas[r.index] = next;
        next.started.catch(() => {
          if (!this.closed && this.replicas[r.index] === next) attempt(Math.min(30_000, delayMs * 2 + 100));
        });
      }, delayMs);
    };
    attempt(0);
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const p = this.queue[0];
      if (!this.tryDispatch(p)) return;
      this.queue.shift();
    }
  }
}
