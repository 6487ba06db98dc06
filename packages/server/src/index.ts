/**
 * @mobile-mm/server: mobile-mm over HTTP. Worker-thread replicas of
 * MobileMultiModalLLM behind a bounded queue, an OpenAI-compatible API,
 * health and Prometheus metrics.
 *
 *   import { startServer } from '@mobile-mm/server';
 *   const s = await startServer({ port: 8080, replicas: 2 });
 *   // … SIGTERM: await s.drain();
 */
export { startServer, type StartOptions, type RunningServer } from './server.js';
export { runServe, SERVE_HELP, serveHelp } from './serve-command.js';
export { resolveServerConfig, SERVER_ENV_VARS, DISPATCH_STRATEGIES, type ServerOptions, type ServerConfig, type ServerField, type DispatchStrategy } from './config.js';
export { ReplicaPool, type PoolOptions, type JobHandlers, type JobOutcome, type ReplicaState } from './pool.js';
export { pickReplica, newDispatchState, type ReplicaLoad, type DispatchState } from './dispatch.js';
export { buildApp, type AppOptions, type AppState } from './app.js';
export { ServerMetrics } from './metrics.js';
export { HttpError, SERVER_ERRORS, errorBody, serverError, type OpenAIError, type ServerErrorCode } from './errors.js';
export { parseChatRequest, parseTaskRequest, decodeDataUrl, taskOf, type ChatRequest } from './inputs.js';
export { RateLimiter } from './rate-limit.js';
export { ApiKeys } from './auth.js';
export type { Job, JobTask, ModelInfo, ReplicaStats } from './protocol.js';
export { plan, planHelp, runPlan, PLAN_HELP, PlanError, MAX_UTILIZATION, type Plan, type PlanInput, type PlanTask, type ServeResultsLike } from './plan.js';
