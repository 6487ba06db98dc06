/**
 * The HTTP API (fastify 5) in front of a ReplicaPool.
 *
 *   POST /v1/chat/completions      OpenAI-compatible; stream: true → SSE ending `data: [DONE]`
 *   POST /v1/caption|ocr|vqa       the facade's CallResult as JSON
 *   GET  /v1/models                the served model
 *   GET  /health/live, /v2/health/live     200 while the process runs
 *   GET  /health/ready, /v2/health/ready   200 once every replica loaded and passed its probe; 503 before and while draining
 *   GET  /metrics                  Prometheus text (metrics.ts)
 *
 * Order of checks per request, each answered at once: draining (503) → auth
 * (401) → rate limit (429) → Content-Type (415) and Content-Length (413),
 * before the body is read → body fields (400) → queue room (503 +
 * Retry-After) → the deadline (504, the work aborted between tokens). Every
 * error is OpenAI's `{ "error": { message, type, code, param } }`.
 * One log line per request (method, route, status, task, timings, tokens,
 * replica, error code); never the prompt, the image or the answer.
 */
import { randomUUID } from 'node:crypto';
import { PassThrough, type Writable } from 'node:stream';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { isMobileMMError, loadMessages, localText, negotiateLanguage, type CallResult } from 'mobile-mm';
import { ApiKeys } from './auth.js';
import type { ServerConfig } from './config.js';
import { HttpError, errorBody, serverError, statusOf } from './errors.js';
import { parseChatRequest, parseTaskRequest, type ChatRequest } from './inputs.js';
import type { ServerMetrics } from './metrics.js';
import type { JobOutcome, ReplicaPool } from './pool.js';
import type { Job } from './protocol.js';
import { RateLimiter } from './rate-limit.js';

export interface AppOptions {
  config: ServerConfig;
  pool: ReplicaPool;
  metrics: ServerMetrics;
  /** Where the request log goes (default stdout); `false` for none. */
  logStream?: Writable | false;
}

export interface AppState {
  /** SIGTERM received: readiness 503; requests still accepted until `closing`. */
  draining: boolean;
  /** The listener is closing: new requests get 503 UNAVAILABLE. */
  closing: boolean;
}

/** What the request log line and the metrics need, gathered as the request goes. */
interface RequestInfo {
  start: number;
  task?: string;
  replica?: number;
  ttftMs?: number;
  tokens?: number;
  code?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    info: RequestInfo;
  }
}

const INFERENCE = new Set(['/v1/chat/completions', '/v1/caption', '/v1/ocr', '/v1/vqa']);
const OPEN = new Set(['/health/live', '/health/ready', '/v2/health/live', '/v2/health/ready', '/metrics']);

const FASTIFY_CODES: Record<string, () => HttpError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => serverError('BODY_TOO_LARGE', localText('server.bodyTooLarge'), 'body'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => serverError('UNSUPPORTED_MEDIA_TYPE', localText('server.contentType'), 'Content-Type'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => serverError('INVALID_JSON', localText('server.emptyBody'), 'body'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => serverError('INVALID_REQUEST', localText('server.contentLength'), 'Content-Length'),
};

export function buildApp(o: AppOptions): { app: FastifyInstance; state: AppState } {
  const { config, pool, metrics } = o;
  const state: AppState = { draining: false, closing: false };
  const keys = new ApiKeys(config.apiKeys);
  const limiter = config.rateLimitRps > 0 ? new RateLimiter(config.rateLimitRps, config.rateLimitBurst) : null;
  const app = Fastify({
    bodyLimit: config.bodyLimitBytes,
    logController: new LogController({ disableRequestLogging: true }), // our own line per request, in onResponse
    return503OnClosing: false,
    genReqId: () => randomUUID(),
    logger: o.logStream === false ? false : { level: 'info', ...(o.logStream ? { stream: o.logStream } : {}) },
  });
  const modelIds = (): string[] => {
    const name = pool.model?.name;
    return name ? [name, 'mobile-mm'] : ['mobile-mm'];
  };

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch (e) {
      done(serverError('INVALID_JSON', localText('server.invalidJson', { detail: (e as Error).message }), 'body'), undefined);
    }
  });
  app.addContentTypeParser(['image/png', 'image/jpeg'], { parseAs: 'buffer' }, (_req, body, done) => done(null, new Uint8Array(body as Buffer)));

  app.decorateRequest('info', null as unknown as RequestInfo);
  app.addHook('onRequest', async (req, reply) => {
    req.info = { start: performance.now() };
    if (state.draining) reply.header('connection', 'close'); // no keep-alive connection outlives the drain
    const route = req.routeOptions.url ?? '';
    if (OPEN.has(route)) return;
    if (state.closing) throw serverError('UNAVAILABLE', localText('server.shuttingDown'), null, 1);
    if (keys.enabled && keys.check(req.headers.authorization) < 0) throw serverError('UNAUTHORIZED', localText('server.unauthorized'), 'Authorization');
    if (limiter !== null && INFERENCE.has(route)) {
      const wait = limiter.take(clientOf(req, keys));
      if (wait > 0) throw serverError('RATE_LIMITED', localText('server.rateLimited', { rps: config.rateLimitRps, burst: config.rateLimitBurst, wait }), null, wait);
    }
  });
  app.addHook('onResponse', async (req, reply) => {
    const i = req.info;
    if (i === null) return;
    const ms = performance.now() - i.start;
    const route = req.routeOptions.url ?? 'unmatched';
    const task = i.task ?? 'none';
    metrics.requests.inc({ route, task, status: String(reply.statusCode) });
    if (INFERENCE.has(route)) metrics.duration.observe({ route, task }, ms / 1000);
    req.log.info(
      { method: req.method, route, status: reply.statusCode, task: i.task, ms: Math.round(ms * 10) / 10, ttftMs: i.ttftMs, tokens: i.tokens, replica: i.replica, code: i.code },
      'request',
    );
  });

  app.setErrorHandler(async (err: unknown, req, reply) => sendError(req, reply, err));
  app.setNotFoundHandler(async (req, reply) => sendError(req, reply, serverError('NOT_FOUND', localText('server.noRoute', { method: req.method, path: req.url.split('?')[0] }))));

  async function sendError(req: FastifyRequest, reply: FastifyReply, err: unknown): Promise<FastifyReply> {
    const fst = (err as { code?: string })?.code;
    const e = fst !== undefined && FASTIFY_CODES[fst] ? FASTIFY_CODES[fst]() : !isMobileMMError(err) && (err as { statusCode?: number })?.statusCode === 400 ? serverError('INVALID_REQUEST', (err as Error).message) : err;
    const status = statusOf(e);
    const lang = negotiateLanguage(req.headers['accept-language']);
    await loadMessages(lang); // once per language (startServer loads all six up front)
    const body = errorBody(e, lang);
    reply.header('content-language', lang);
    if (req.info) req.info.code = body.error.code;
    metrics.rejected(body.error.code.toLowerCase());
    if (e instanceof HttpError && e.retryAfterS !== undefined) reply.header('retry-after', String(e.retryAfterS));
    if (status === 413 || fst === 'FST_ERR_CTP_BODY_TOO_LARGE') reply.header('connection', 'close'); // the rest of the body is not read
    if (status >= 500 && !(e instanceof HttpError)) req.log.error({ code: body.error.code }, 'request failed');
    return reply.code(status).send(body);
  }

  /** A deadline for the request (from its arrival) and its abort on client disconnect. */
  function lifetime(req: FastifyRequest, reply: FastifyReply): AbortController {
    const ac = new AbortController();
    const left = config.requestTimeoutMs - (performance.now() - req.info.start);
    const timer = setTimeout(() => ac.abort(serverError('DEADLINE_EXCEEDED', localText('server.deadline', { ms: config.requestTimeoutMs }))), Math.max(0, left));
    const gone = (): void => {
      if (!reply.raw.writableFinished) ac.abort(serverError('CLIENT_CLOSED', 'the client closed the connection before the answer.'));
    };
    reply.raw.once('close', gone);
    ac.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
    reply.raw.once('finish', () => clearTimeout(timer));
    return ac;
  }

  async function runJob(req: FastifyRequest, reply: FastifyReply, job: Job, onToken?: (text: string, index: number) => void): Promise<JobOutcome> {
    const info = req.info;
    info.task = job.task;
    const ac = lifetime(req, reply);
    let first = -1;
    let last = -1;
    const queuedAt = performance.now();
    let startedAt = queuedAt;
    const out = await pool.submit(job, {
      signal: ac.signal,
      onStart: (r) => {
        info.replica = r;
        startedAt = performance.now();
        metrics.queueWait.observe({ task: job.task }, (startedAt - queuedAt) / 1000);
      },
      onToken: (text, index) => {
        const t = performance.now();
        if (first < 0) {
          first = t;
          info.ttftMs = Math.round((t - info.start) * 10) / 10;
          metrics.ttft.observe({ task: job.task }, (t - info.start) / 1000);
        }
        last = t;
        onToken?.(text, index);
      },
    });
    const n = out.result.tokens.length;
    info.tokens = n;
    metrics.addTokens(job.task, n);
    const t = out.tokenTimes;
    if (first < 0 && t.firstMs !== null && t.lastMs !== null) {
      // Not streamed: the replica's token times, placed after the queue wait.
      first = startedAt + t.firstMs;
      last = startedAt + t.lastMs;
      info.ttftMs = Math.round((first - info.start) * 10) / 10;
      metrics.ttft.observe({ task: job.task }, (first - info.start) / 1000);
    }
    if (first >= 0 && n >= 2) metrics.tpot.observe({ task: job.task }, (last - first) / 1000 / (n - 1));
    ac.abort(); // clears the deadline
    return out;
  }

  app.get('/health/live', async () => ({ status: 'live' }));
  app.get('/v2/health/live', async () => ({ live: true }));
  const readiness = (): { ready: boolean; status: string; replicas: string[] } => {
    const ready = pool.allReady && !state.draining;
    return { ready, status: state.draining ? 'draining' : ready ? 'ready' : 'starting', replicas: pool.states() };
  };
  app.get('/health/ready', async (_req, reply) => {
    const r = readiness();
    return reply.code(r.ready ? 200 : 503).send({ status: r.status, replicas: r.replicas });
  });
  app.get('/v2/health/ready', async (_req, reply) => {
    const r = readiness();
    return reply.code(r.ready ? 200 : 503).send({ ready: r.ready });
  });
  app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.text()));
  app.get('/v1/models', async () => ({
    object: 'list',
    data: modelIds().map((id) => ({ id, object: 'model', created: 0, owned_by: 'mobile-mm', ...(pool.model ? { mobile_mm: pool.model } : {}) })),
  }));

  for (const task of ['caption', 'ocr', 'vqa'] as const) {
    app.post(`/v1/${task}`, async (req, reply) => {
      const job = parseTaskRequest(task, req.body, req.query as Record<string, unknown>);
      const out = await runJob(req, reply, job);
      reply.header('x-mobile-mm-replica', String(out.replica));
      return out.result;
    });
  }

  app.post('/v1/chat/completions', async (req, reply) => {
    const chat = parseChatRequest(req.body, modelIds());
    const id = `chatcmpl-${randomUUID()}`;
    const created = Math.floor(Date.now() / 1000);
    if (!chat.stream) {
      const out = await runJob(req, reply, chat.job);
      return completion(id, created, chat, out);
    }
    return streamCompletion(req, reply, chat, id, created);
  });

  /**
   * SSE: the HTTP status waits for the first token, so a request refused
   * before it runs (queue full, deadline in the queue, bad image) still gets
   * its real status; an error after that is sent as a `data: {"error": …}`
   * frame, then `data: [DONE]`.
   */
  async function streamCompletion(req: FastifyRequest, reply: FastifyReply, chat: ChatRequest, id: string, created: number): Promise<FastifyReply> {
    const sse = new PassThrough();
    const frame = (o: unknown): void => void sse.write(`data: ${JSON.stringify(o)}\n\n`);
    const chunk = (delta: Record<string, unknown>, finish: string | null): Record<string, unknown> => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model: chat.model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    });
    let opened: (() => void) | null = null;
    const firstToken = new Promise<void>((r) => (opened = r));
    let text = '';
    const job = runJob(req, reply, chat.job, (t) => {
      if (text === '') {
        frame(chunk({ role: 'assistant', content: '' }, null));
        opened?.();
      }
      const piece = text === '' ? t.trimStart() : t;
      text += piece;
      if (piece !== '') frame(chunk({ content: piece }, null));
    });
    const firstEvent = await Promise.race([firstToken.then(() => null), job.then((out) => out)]); // rejects → the error handler's status
    if (firstEvent !== null && text === '') frame(chunk({ role: 'assistant', content: '' }, null)); // no token streamed (e.g. an empty answer)
    job.then(
      (out) => {
        frame(chunk({}, finishReason(out.result)));
        if (chat.includeUsage) frame({ id, object: 'chat.completion.chunk', created, model: chat.model, choices: [], usage: usage(out) });
        sse.end('data: [DONE]\n\n');
      },
      (e: unknown) => {
        const body = errorBody(e, negotiateLanguage(req.headers['accept-language']));
        req.info.code = body.error.code;
        metrics.rejected(body.error.code.toLowerCase());
        frame(body);
        sse.end('data: [DONE]\n\n');
      },
    );
    return reply.header('content-type', 'text/event-stream; charset=utf-8').header('cache-control', 'no-cache').header('x-accel-buffering', 'no').send(sse);
  }

  return { app, state };
}

function clientOf(req: FastifyRequest, keys: ApiKeys): string {
  const k = keys.enabled ? keys.check(req.headers.authorization) : -1;
  return k >= 0 ? `key:${k}` : `ip:${req.ip}`;
}

const finishReason = (r: CallResult): string => (r.finishReason === 'length' ? 'length' : 'stop');

function usage(out: JobOutcome): { prompt_tokens: number; completion_tokens: number; total_tokens: number } {
  const completion = out.result.tokens.length;
  return { prompt_tokens: out.promptTokens, completion_tokens: completion, total_tokens: out.promptTokens + completion };
}

function completion(id: string, created: number, chat: ChatRequest, out: JobOutcome): Record<string, unknown> {
  const r = out.result;
  return {
    id,
    object: 'chat.completion',
    created,
    model: chat.model,
    choices: [{ index: 0, message: { role: 'assistant', content: r.text, refusal: null }, logprobs: null, finish_reason: finishReason(r) }],
    usage: usage(out),
    mobile_mm: { task: r.task, finishReason: r.finishReason, timings: r.timings, backend: r.backend, variant: r.variant, profile: r.profile, replica: out.replica },
  };
}
