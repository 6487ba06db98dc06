/**
 * startServer(): the replicas, the metrics and the HTTP API, listening; and
 * drain(), the SIGTERM path:
 *
 *   1. readiness turns 503 (load balancers stop sending), requests are still served for drainDelayMs
 *   2. the listener closes; a request still arriving gets 503 UNAVAILABLE
 *   3. running and queued requests get drainTimeoutMs to finish; what is left then is aborted
 *   4. the workers stop; the CLI exits 0
 */
import type { Writable } from 'node:stream';
import { loadAllMessages, resolveConfig, type MobileMMOptions } from 'mobile-mm';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppState } from './app.js';
import { resolveServerConfig, type ServerConfig, type ServerOptions } from './config.js';
import { ServerMetrics } from './metrics.js';
import { ReplicaPool } from './pool.js';

export interface StartOptions extends ServerOptions {
  /** MobileMultiModalLLM.create() options for every replica (backend, variant, profile, modelDir, …); MOBILE_MM_* fill the rest. */
  model?: Omit<MobileMMOptions, 'env'>;
  /** Request log destination (default stdout); false: none. */
  logStream?: Writable | false;
}

export interface RunningServer {
  /** http://host:port */
  url: string;
  config: ServerConfig;
  app: FastifyInstance;
  pool: ReplicaPool;
  state: AppState;
  /** The SIGTERM path; resolves once everything stopped. True when every request finished in time. */
  drain(): Promise<boolean>;
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const { model = {}, logStream, ...serverOptions } = options;
  const config = resolveServerConfig(serverOptions);
  await loadAllMessages(); // every response's error is written in its request's language (Accept-Language)
  resolveConfig({ ...model, ...(serverOptions.env ? { env: serverOptions.env } : {}) }); // INVALID_CONFIG here, before any worker starts
  const pool = new ReplicaPool({
    replicas: config.replicas,
    maxConcurrent: config.maxConcurrent,
    maxQueue: config.maxQueue,
    dispatch: config.dispatch,
    replicaWeights: config.replicaWeights,
    modelOptions: { ...model, ...(serverOptions.env ? { env: serverOptions.env } : {}) },
  });
  const metrics = new ServerMetrics(pool, config);
  const { app, state } = buildApp({ config, pool, metrics, ...(logStream !== undefined ? { logStream } : {}) });
  // Listen first, so /health/live answers while the replicas load (readiness stays 503 until they are up).
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  try {
    await pool.start();
  } catch (e) {
    await app.close();
    throw e;
  }
  app.log.info({ url, replicas: config.replicas, maxConcurrent: config.maxConcurrent, maxQueue: config.maxQueue, dispatch: config.dispatch, model: pool.model }, 'ready');

  let drained: Promise<boolean> | null = null;
  const drain = (): Promise<boolean> =>
    (drained ??= (async () => {
      state.draining = true;
      app.log.info({ inFlight: pool.inFlight, queued: pool.queueDepth, drainDelayMs: config.drainDelayMs, drainTimeoutMs: config.drainTimeoutMs }, 'draining');
      if (config.drainDelayMs > 0) await new Promise((r) => setTimeout(r, config.drainDelayMs));
      state.closing = true;
      const closed = app.close();
      const finished = await pool.idle(config.drainTimeoutMs);
      if (!finished) app.log.warn({ aborted: pool.inFlight + pool.queueDepth }, 'drain timeout: aborting the requests left');
      await pool.close();
      // The last responses are written now; connections a client keeps alive would hold close() for keepAliveTimeout (72 s).
      await Promise.race([closed, new Promise((r) => setTimeout(r, 500))]);
      app.server.closeAllConnections();
      await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))]);
      app.log.info({ finished }, 'stopped');
      return finished;
    })());
  return { url, config, app, pool, state, drain };
}
