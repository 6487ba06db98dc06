/**
 * Configuration of the server: options (the CLI's flags), then MOBILE_MM_*
 * environment variables, then defaults. One function, resolveServerConfig(),
 * validates everything and fails with INVALID_CONFIG naming the field, where
 * the value came from and what is accepted, as mobile-mm's resolveConfig()
 * does for the model's own settings (backend, variant, profile, … are read
 * by each replica's MobileMultiModalLLM.create()).
 *
 *   field              env variable                        default
 *   port               MOBILE_MM_PORT                      8080
 *   host               MOBILE_MM_HOST                      127.0.0.1
 *   replicas           MOBILE_MM_REPLICAS                  one per core (os.availableParallelism())
 *   maxConcurrent      MOBILE_MM_MAX_CONCURRENT_REQUESTS   = replicas (one running call per replica)
 *   maxQueue           MOBILE_MM_MAX_QUEUE                 4 × maxConcurrent
 *   requestTimeoutMs   MOBILE_MM_REQUEST_TIMEOUT_MS        30,000
 *   bodyLimitBytes     MOBILE_MM_MAX_BODY_BYTES            8 MiB
 *   dispatch           MOBILE_MM_DISPATCH                  least-loaded
 *   replicaWeights     MOBILE_MM_REPLICA_WEIGHTS           all 1 (weighted dispatch only)
 *   apiKeys            MOBILE_MM_API_KEYS                  none (no auth)
 *   rateLimitRps       MOBILE_MM_RATE_LIMIT_RPS            0 (off)
 *   rateLimitBurst     MOBILE_MM_RATE_LIMIT_BURST          2 × rateLimitRps (at least 1)
 *   drainTimeoutMs     MOBILE_MM_DRAIN_TIMEOUT_MS          25,000
 *   drainDelayMs       MOBILE_MM_DRAIN_DELAY_MS            0
 */
import os from 'node:os';
import { MobileMMError, SECURITY_LIMITS, localText, resolveSecurityMode } from 'mobile-mm';

export type DispatchStrategy = 'least-loaded' | 'round-robin' | 'weighted';
export const DISPATCH_STRATEGIES: readonly DispatchStrategy[] = ['least-loaded', 'round-robin', 'weighted'];

export interface ServerOptions {
  /** TCP port; 0 picks a free one (tests). */
  port?: number;
  /** Address to listen on. 127.0.0.1 by default: a container sets 0.0.0.0 on purpose. */
  host?: string;
  /** Worker threads, each with its own model instance. tfjs-wasm runs on one core per thread. */
  replicas?: number;
  /** Requests running at once over all replicas; more wait in the queue. */
  maxConcurrent?: number;
  /** Requests waiting for a replica; beyond it a request is refused at once (503 + Retry-After). 0 = no queue. */
  maxQueue?: number;
  /** Deadline of a request, queueing included: then 504 and the work is aborted between tokens. */
  requestTimeoutMs?: number;
  /** Largest request body; larger ones get 413 from the Content-Length alone, before the body is read. */
  bodyLimitBytes?: number;
  /** How a request picks its replica. */
  dispatch?: DispatchStrategy;
  /** One weight per replica for 'weighted' dispatch (a replica on a faster core gets more). */
  replicaWeights?: number[];
  /** Bearer tokens accepted; empty = no authentication. Compared in constant time. */
  apiKeys?: string[];
  /** Requests per second per client (API key, else address) refilled into its bucket; 0 = no limit. */
  rateLimitRps?: number;
  /** Bucket size: requests a client may send at once. */
  rateLimitBurst?: number;
  /** After SIGTERM: how long running and queued requests get to finish before they are aborted. */
  drainTimeoutMs?: number;
  /** After SIGTERM: how long to keep accepting requests (readiness already 503) so load balancers notice first. */
  drainDelayMs?: number;
  /** Where MOBILE_MM_* are read; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

export type ServerField = Exclude<keyof ServerOptions, 'env'>;
export type ServerConfig = Required<Omit<ServerOptions, 'env'>> & { sources: Record<ServerField, 'option' | 'env' | 'default'> };

export const SERVER_ENV_VARS: Readonly<Record<ServerField, string>> = Object.freeze({
  port: 'MOBILE_MM_PORT',
  host: 'MOBILE_MM_HOST',
  replicas: 'MOBILE_MM_REPLICAS',
  maxConcurrent: 'MOBILE_MM_MAX_CONCURRENT_REQUESTS',
  maxQueue: 'MOBILE_MM_MAX_QUEUE',
  requestTimeoutMs: 'MOBILE_MM_REQUEST_TIMEOUT_MS',
  bodyLimitBytes: 'MOBILE_MM_MAX_BODY_BYTES',
  dispatch: 'MOBILE_MM_DISPATCH',
  replicaWeights: 'MOBILE_MM_REPLICA_WEIGHTS',
  apiKeys: 'MOBILE_MM_API_KEYS',
  rateLimitRps: 'MOBILE_MM_RATE_LIMIT_RPS',
  rateLimitBurst: 'MOBILE_MM_RATE_LIMIT_BURST',
  drainTimeoutMs: 'MOBILE_MM_DRAIN_TIMEOUT_MS',
  drainDelayMs: 'MOBILE_MM_DRAIN_DELAY_MS',
});

const KEYS = [...Object.keys(SERVER_ENV_VARS), 'env'];
/** Upper bounds that keep a typo (an extra zero or three) from disabling a limit. */
const LIMITS = { replicas: 256, concurrent: 4096, queue: 100_000, ms: 3_600_000, body: 256 * 1024 * 1024, rps: 1_000_000 };

function invalid(field: ServerField, source: string, message: string, value: unknown, accepted: unknown): MobileMMError {
  const from = source === 'env' ? ` (from ${SERVER_ENV_VARS[field]})` : '';
  return new MobileMMError('INVALID_CONFIG', `config.${field}${from}: ${message}`, { field, value, accepted, source });
}

/** Options, then the environment, then defaults; validated. */
export function resolveServerConfig(options: ServerOptions = {}): ServerConfig {
  if (options === null || typeof options !== 'object') {
    throw new MobileMMError('INVALID_CONFIG', 'config: server options must be an object.', { field: '' });
  }
  for (const key of Object.keys(options)) {
    if (!KEYS.includes(key)) {
      throw new MobileMMError('INVALID_CONFIG', `config.${key}: unknown server option; accepted: ${KEYS.join(', ')}.`, { field: key, source: 'option' });
    }
  }
  const env = options.env ?? process.env;
  const sources = {} as ServerConfig['sources'];
  const raw = (field: ServerField): unknown => {
    const o = options[field];
    if (o !== undefined) return ((sources[field] = 'option'), o);
    const e = env[SERVER_ENV_VARS[field]];
    if (typeof e === 'string' && e.trim() !== '') return ((sources[field] = 'env'), e.trim());
    sources[field] = 'default';
    return undefined;
  };
  const int = (field: ServerField, min: number, max: number, fallback: number): number => {
    const v = raw(field);
    if (v === undefined) return fallback;
    const n = sources[field] === 'env' ? (typeof v === 'string' && /^[0-9]+$/.test(v) ? Number(v) : NaN) : typeof v === 'number' ? v : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw invalid(field, sources[field], `${JSON.stringify(v)} is not accepted; accepted: an integer from ${min} to ${max}.`, v, `integer ${min}..${max}`);
    }
    return n;
  };
  const list = (field: ServerField): string[] | undefined => {
    const v = raw(field);
    if (v === undefined) return undefined;
    if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (Array.isArray(v)) return v as string[];
    throw invalid(field, sources[field], `${JSON.stringify(v)} is not accepted; accepted: a list (comma-separated in the environment).`, v, 'list');
  };

  const port = int('port', 0, 65535, 8080);
  const hostRaw = raw('host');
  if (hostRaw !== undefined && (typeof hostRaw !== 'string' || !/^[0-9A-Za-z.:\-[\]]+$/.test(hostRaw))) {
    throw invalid('host', sources.host, `${JSON.stringify(hostRaw)} is not accepted; accepted: an address or host name such as 127.0.0.1, 0.0.0.0 or ::.`, hostRaw, 'address');
  }
  const host = (hostRaw as string | undefined) ?? '127.0.0.1';
  const replicas = int('replicas', 1, LIMITS.replicas, Math.max(1, os.availableParallelism()));
  const maxConcurrent = int('maxConcurrent', 1, LIMITS.concurrent, replicas);
  const maxQueue = int('maxQueue', 0, LIMITS.queue, 4 * maxConcurrent);
  const requestTimeoutMs = int('requestTimeoutMs', 1, LIMITS.ms, 30_000);
  const bodyLimitBytes = int('bodyLimitBytes', 1024, LIMITS.body, 8 * 1024 * 1024);
  const dispatchRaw = raw('dispatch');
  if (dispatchRaw !== undefined && !DISPATCH_STRATEGIES.includes(dispatchRaw as DispatchStrategy)) {
    throw invalid('dispatch', sources.dispatch, `${JSON.stringify(dispatchRaw)} is not accepted; accepted: ${DISPATCH_STRATEGIES.join(', ')}.`, dispatchRaw, DISPATCH_STRATEGIES);
  }
  const dispatch = (dispatchRaw as DispatchStrategy | undefined) ?? 'least-loaded';
  const weightsRaw = list('replicaWeights');
  const replicaWeights = weightsRaw === undefined ? Array.from({ length: replicas }, () => 1) : weightsRaw.map(Number);
  if (replicaWeights.length !== replicas || replicaWeights.some((w) => !Number.isFinite(w) || w <= 0 || w > 1000)) {
    throw invalid('replicaWeights', sources.replicaWeights, `${JSON.stringify(weightsRaw)} is not accepted; accepted: ${replicas} positive numbers up to 1000, one per replica.`, weightsRaw, `${replicas} numbers in (0, 1000]`);
  }
  const apiKeys = list('apiKeys') ?? [];
  if (apiKeys.some((k) => typeof k !== 'string' || k.length < 8 || /\s/.test(k))) {
    throw invalid('apiKeys', sources.apiKeys, 'a key is not accepted; accepted: keys of at least 8 characters without spaces (the value is not shown).', '<hidden>', 'strings of ≥ 8 non-space characters');
  }
  if (apiKeys.length === 0 && SECURITY_LIMITS[resolveSecurityMode(undefined, env)].apiKeyRequired) {
    throw new MobileMMError('INVALID_CONFIG', localText('server.strictNeedsKey'), { field: 'apiKeys', securityMode: 'strict' });
  }
  const rateLimitRps = int('rateLimitRps', 0, LIMITS.rps, 0);
  const rateLimitBurst = int('rateLimitBurst', 1, LIMITS.rps, Math.max(1, 2 * rateLimitRps));
  const drainTimeoutMs = int('drainTimeoutMs', 0, LIMITS.ms, 25_000);
  const drainDelayMs = int('drainDelayMs', 0, LIMITS.ms, 0);
  return {
    port,
    host,
    replicas,
    maxConcurrent,
    maxQueue,
    requestTimeoutMs,
    bodyLimitBytes,
    dispatch,
    replicaWeights,
    apiKeys,
    rateLimitRps,
    rateLimitBurst,
    drainTimeoutMs,
    drainDelayMs,
    sources,
  };
}
