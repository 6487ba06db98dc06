/**
 * The server's Prometheus metrics (prom-client, one registry per server),
 * served at GET /metrics. Names follow Prometheus conventions (base units,
 * `_total` counters); latencies are histograms so p50/p95/p99 can be had
 * with histogram_quantile().
 *
 *   mobile_mm_requests_total{route,task,status}           requests answered
 *   mobile_mm_request_duration_seconds{route,task}        whole request, queueing included
 *   mobile_mm_queue_wait_seconds{task}                    time in the queue before a replica took it
 *   mobile_mm_time_to_first_token_seconds{task}           request start → first token
 *   mobile_mm_time_per_output_token_seconds{task}         (last − first token) / (tokens − 1)
 *   mobile_mm_output_tokens_total{task}                   rate() of it is tokens/s
 *   mobile_mm_tokens_per_second                           output tokens over the last 10 s / 10
 *   mobile_mm_queue_depth                                 requests waiting
 *   mobile_mm_requests_in_flight                          requests running on replicas
 *   mobile_mm_max_concurrent_requests, mobile_mm_max_queue   the configured capacity
 *   mobile_mm_replicas{state}                             starting / ready / dead
 *   mobile_mm_replica_restarts_total                      replicas replaced after a crash
 *   mobile_mm_aborted_calls_total                         calls stopped between tokens (deadline, client gone)
 *   mobile_mm_replica_tensors{replica}, mobile_mm_replica_heap_bytes{replica}   per replica, read at scrape time
 *   mobile_mm_rejections_total{reason}                    queue_full, rate_limited, body_too_large, …
 *   process_*, nodejs_*                                   prom-client's defaults (RSS: process_resident_memory_bytes)
 */
import client from 'prom-client';
import type { ReplicaPool } from './pool.js';
import type { ReplicaStats } from './protocol.js';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const TOKEN_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25];

export class ServerMetrics {
  readonly registry = new client.Registry();
  readonly requests = new client.Counter({ name: 'mobile_mm_requests_total', help: 'Requests answered, by route, task and HTTP status.', labelNames: ['route', 'task', 'status'], registers: [this.registry] });
  readonly duration = new client.Histogram({ name: 'mobile_mm_request_duration_seconds', help: 'Whole request, queueing included.', labelNames: ['route', 'task'], buckets: LATENCY_BUCKETS, registers: [this.registry] });
  readonly queueWait = new client.Histogram({ name: 'mobile_mm_queue_wait_seconds', help: 'Time a request waited for a replica.', labelNames: ['task'], buckets: LATENCY_BUCKETS, registers: [this.registry] });
  readonly ttft = new client.Histogram({ name: 'mobile_mm_time_to_first_token_seconds', help: 'Request start to the first generated token.', labelNames: ['task'], buckets: LATENCY_BUCKETS, registers: [this.registry] });
  readonly tpot = new client.Histogram({ name: 'mobile_mm_time_per_output_token_seconds', help: 'Time per output token after the first.', labelNames: ['task'], buckets: TOKEN_BUCKETS, registers: [this.registry] });
  readonly tokens = new client.Counter({ name: 'mobile_mm_output_tokens_total', help: 'Output tokens generated.', labelNames: ['task'], registers: [this.registry] });
  readonly rejections = new client.Counter({ name: 'mobile_mm_rejections_total', help: 'Requests refused, by reason.', labelNames: ['reason'], registers: [this.registry] });
  private readonly window: { t: number; n: number }[] = [];

  constructor(pool: ReplicaPool, limits: { maxConcurrent: number; maxQueue: number }) {
    const r = [this.registry];
    client.collectDefaultMetrics({ register: this.registry });
    new client.Gauge({ name: 'mobile_mm_queue_depth', help: 'Requests waiting for a replica.', registers: r, collect() { this.set(pool.queueDepth); } });
    new client.Gauge({ name: 'mobile_mm_requests_in_flight', help: 'Requests running on replicas.', registers: r, collect() { this.set(pool.inFlight); } });
    new client.Gauge({ name: 'mobile_mm_max_concurrent_requests', help: 'Configured max-concurrent.', registers: r }).set(limits.maxConcurrent);
    new client.Gauge({ name: 'mobile_mm_max_queue', help: 'Configured max-queue.', registers: r }).set(limits.maxQueue);
    new client.Gauge({
      name: 'mobile_mm_replicas',
      help: 'Replicas by state.',
      labelNames: ['state'],
      registers: r,
      collect() {
        const states = pool.states();
        for (const s of ['starting', 'ready', 'dead']) this.set({ state: s }, states.filter((x) => x === s).length);
      },
    });
    new client.Counter({ name: 'mobile_mm_replica_restarts_total', help: 'Replicas replaced after a crash.', registers: r, collect() { this.reset(); this.inc(pool.restarts); } });
    new client.Counter({ name: 'mobile_mm_aborted_calls_total', help: 'Calls stopped between tokens because their request was aborted (deadline, client gone).', registers: r, collect() { this.reset(); this.inc(pool.abortedCalls); } });
    const tokensPerSecond = (): number => this.tokensPerSecond();
    new client.Gauge({ name: 'mobile_mm_tokens_per_second', help: 'Output tokens per second over the last 10 s.', registers: r, collect() { this.set(tokensPerSecond()); } });
    // Per-replica figures need a round trip to each worker: once per scrape, shared by both gauges
    // (prom-client collects all metrics of a scrape at once).
    let cached: { at: number; stats: ReturnType<ReplicaPool['stats']> } | null = null;
    const stats = (): ReturnType<ReplicaPool['stats']> => {
      if (cached === null || Date.now() - cached.at > 250) cached = { at: Date.now(), stats: pool.stats() };
      return cached.stats;
    };
    const perReplica = (name: string, help: string, value: (s: ReplicaStats) => number): void => {
      new client.Gauge({
        name,
        help,
        labelNames: ['replica'],
        registers: r,
        async collect() {
          const all = await stats();
          this.reset();
          all.forEach((s, i) => {
            if (s !== null) this.set({ replica: String(i) }, value(s));
          });
        },
      });
    };
    perReplica('mobile_mm_replica_tensors', 'tfjs tensors alive in a replica.', (s) => s.numTensors);
    perReplica('mobile_mm_replica_heap_bytes', "A replica's V8 heap plus its ArrayBuffers (the wasm heap among them).", (s) => s.heapUsed + s.arrayBuffers);
  }

  rejected(reason: string): void {
    this.rejections.inc({ reason });
  }

  addTokens(task: string, n: number): void {
    if (n <= 0) return;
    this.tokens.inc({ task }, n);
    const t = Date.now();
    this.window.push({ t, n });
    this.trim(t);
  }

  tokensPerSecond(): number {
    const t = Date.now();
    this.trim(t);
    return this.window.reduce((a, w) => a + w.n, 0) / 10;
  }

  private trim(t: number): void {
    while (this.window.length > 0 && this.window[0].t < t - 10_000) this.window.shift();
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
