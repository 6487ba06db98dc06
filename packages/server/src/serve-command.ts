/**
 * `mobile-mm serve [options]`: parses the flags, starts the server, drains on
 * SIGTERM/SIGINT and resolves with the exit code (0 after a drain; 2 for a
 * usage or configuration error; 1 when the model cannot load). mobile-mm's
 * CLI imports this module only for `serve`, so the library stays free of
 * fastify.
 */
import { parseArgs } from 'node:util';
import { isMobileMMError, type MobileMMOptions } from 'mobile-mm';
import { SERVER_ENV_VARS, type ServerOptions } from './config.js';
import { startServer } from './server.js';

export const SERVE_HELP = `mobile-mm serve: an HTTP server for the model (OpenAI-compatible chat completions, /v1/caption|ocr|vqa, health, metrics)

Usage: mobile-mm serve [options]

Options (each also read from its variable; flags win):
  --port N                 listen port (${SERVER_ENV_VARS.port}; default 8080)
  --host ADDR              listen address (${SERVER_ENV_VARS.host}; default 127.0.0.1; 0.0.0.0 in a container)
  --replicas N             worker threads, one model each (${SERVER_ENV_VARS.replicas}; default one per core)
  --max-concurrent N       requests running at once (${SERVER_ENV_VARS.maxConcurrent}; default = replicas)
  --max-queue N            requests waiting; beyond: 503 + Retry-After (${SERVER_ENV_VARS.maxQueue}; default 4 × max-concurrent)
  --request-timeout-ms N   deadline per request: 504, work aborted (${SERVER_ENV_VARS.requestTimeoutMs}; default 30000)
  --max-body-bytes N       largest body: 413 (${SERVER_ENV_VARS.bodyLimitBytes}; default 8388608)
  --dispatch S             least-loaded | round-robin | weighted (${SERVER_ENV_VARS.dispatch}; default least-loaded)
  --replica-weights W,W    weights for weighted dispatch (${SERVER_ENV_VARS.replicaWeights})
  --rate-limit-rps N       per-client requests/s, 0 = off (${SERVER_ENV_VARS.rateLimitRps}); --rate-limit-burst N (${SERVER_ENV_VARS.rateLimitBurst})
  --drain-timeout-ms N     after SIGTERM, time for requests to finish (${SERVER_ENV_VARS.drainTimeoutMs}; default 25000)
  --drain-delay-ms N       after SIGTERM, keep serving (readiness 503) this long first (${SERVER_ENV_VARS.drainDelayMs}; default 0)
  --backend, --variant, --profile, --model-dir   the model, as for the other commands (MOBILE_MM_BACKEND, …)
API keys: ${SERVER_ENV_VARS.apiKeys}=key1,key2 (environment only, so keys stay out of process lists).
`;

const INT_FLAGS: Record<string, keyof ServerOptions> = {
  port: 'port',
  replicas: 'replicas',
  'max-concurrent': 'maxConcurrent',
  'max-queue': 'maxQueue',
  'request-timeout-ms': 'requestTimeoutMs',
  'max-body-bytes': 'bodyLimitBytes',
  'rate-limit-rps': 'rateLimitRps',
  'rate-limit-burst': 'rateLimitBurst',
  'drain-timeout-ms': 'drainTimeoutMs',
  'drain-delay-ms': 'drainDelayMs',
};

class UsageError extends Error {}

function parse(argv: string[]): { server: ServerOptions; model: MobileMMOptions; help: boolean } {
  const strings = [...Object.keys(INT_FLAGS), 'host', 'dispatch', 'replica-weights', 'backend', 'variant', 'profile', 'model-dir'];
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: { ...Object.fromEntries(strings.map((s) => [s, { type: 'string' as const }])), help: { type: 'boolean', short: 'h' } },
  });
  if (positionals.length > 0) throw new UsageError(`serve takes no arguments, got ${JSON.stringify(positionals[0])}.`);
  const v = values as Record<string, string | undefined>;
  const server: ServerOptions = {};
  const s = server as Record<string, unknown>;
  for (const [flag, field] of Object.entries(INT_FLAGS)) {
    if (v[flag] === undefined) continue;
    if (!/^[0-9]+$/.test(v[flag]!)) throw new UsageError(`--${flag} takes a non-negative integer, got ${JSON.stringify(v[flag])}.`);
    s[field] = Number(v[flag]);
  }
  if (v.host !== undefined) server.host = v.host;
  if (v.dispatch !== undefined) server.dispatch = v.dispatch as ServerOptions['dispatch'];
  if (v['replica-weights'] !== undefined) server.replicaWeights = v['replica-weights'].split(',').map(Number);
  const model: Record<string, unknown> = {};
  for (const [flag, field] of [['backend', 'backend'], ['variant', 'variant'], ['profile', 'profile'], ['model-dir', 'modelDir']]) if (v[flag] !== undefined) model[field] = v[flag];
  return { server, model: model as MobileMMOptions, help: values.help === true };
}

/** Runs until SIGTERM/SIGINT; returns the exit code. */
export async function runServe(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    process.stderr.write(`error [USAGE]: ${(e as Error).message}\nrun \`mobile-mm serve --help\` for usage.\n`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(SERVE_HELP);
    return 0;
  }
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({ ...parsed.server, model: parsed.model });
  } catch (e) {
    const code = isMobileMMError(e) ? e.code : 'INTERNAL';
    process.stderr.write(`error [${code}]: ${(e as Error)?.message ?? String(e)}\n`);
    return code === 'INVALID_CONFIG' ? 2 : 1;
  }
  process.stderr.write(`mobile-mm serve: listening on ${server.url} (${server.config.replicas} replicas); POST ${server.url}/v1/chat/completions\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      process.stderr.write(`mobile-mm serve: ${signal}, draining (up to ${server.config.drainTimeoutMs} ms)\n`);
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await server.drain();
  return 0;
}
