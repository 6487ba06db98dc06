/**
 * `mobile-mm serve [options]`: parses the flags, starts the server, drains on
 * SIGTERM/SIGINT and resolves with the exit code (0 after a drain; 2 for a
 * usage or configuration error; 1 when the model cannot load). mobile-mm's
 * CLI imports this module only for `serve`, so the library stays free of
 * fastify.
 */
import { parseArgs } from 'node:util';
import { isMobileMMError, msg, type Language, type MobileMMOptions } from 'mobile-mm';
import { SERVER_ENV_VARS, type ServerOptions } from './config.js';
import { startServer } from './server.js';

/** `mobile-mm serve --help` in the CLI's language (the catalogue key 'serve.help'). */
export function serveHelp(lang?: Language): string {
  const v = SERVER_ENV_VARS;
  const values = {
    portEnv: v.port,
    hostEnv: v.host,
    replicasEnv: v.replicas,
    maxConcurrentEnv: v.maxConcurrent,
    maxQueueEnv: v.maxQueue,
    requestTimeoutEnv: v.requestTimeoutMs,
    bodyLimitEnv: v.bodyLimitBytes,
    dispatchEnv: v.dispatch,
    replicaWeightsEnv: v.replicaWeights,
    rateLimitRpsEnv: v.rateLimitRps,
    rateLimitBurstEnv: v.rateLimitBurst,
    drainTimeoutEnv: v.drainTimeoutMs,
    drainDelayEnv: v.drainDelayMs,
    apiKeysEnv: v.apiKeys,
  };
  return lang === undefined ? msg('serve.help', values) : msg('serve.help', values, lang);
}

/** The help in English (kept for callers of 0.2). */
export const SERVE_HELP = serveHelp('en');

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
    process.stderr.write(`${msg('cli.error', { code: 'USAGE', message: msg('cli.badOption', { detail: (e as Error).message }) })}\n`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(serveHelp());
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
