#!/usr/bin/env node
/**
 * The `mobile-mm` command (Node):
 *
 *   mobile-mm caption IMAGE            mobile-mm vqa IMAGE "QUESTION"
 *   mobile-mm ocr IMAGE                mobile-mm demo
 *   mobile-mm serve [options]          mobile-mm plan --rps R --p95-ms L
 *
 * stdout gets the answer (or one JSON object with --json); stderr gets notes
 * and errors, each error as `error [CODE]: message`. Exit codes:
 *
 *   0  ok
 *   1  any other failure (model not found, backend unavailable, internal)
 *   2  usage or configuration error (bad command, flag or MOBILE_MM_* value)
 *   3  input error (image unreadable, corrupt, too large; bad prompt)
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { LANGUAGES, MobileMMError, isMobileMMError, localText, msg, useMessageLanguage, type LocalText } from '@mobile-mm/core';
import { ModelTelemetry, observeMemory } from '@mobile-mm/telemetry';
import type { PrometheusMetrics } from '@mobile-mm/telemetry/prometheus';
import { BACKEND_OPTIONS, DEFAULT_MAX_PROMPT_CHARS, ENV_VARS, PROFILES, VARIANTS, systemLocale, type MobileMMOptions } from './config.js';
import { runDemo } from './demo.js';
import { MobileMultiModalLLM, type CallResult } from './facade.js';
import { DEFAULT_MAX_PIXELS } from '@mobile-mm/vision';

const EXIT = { ok: 0, failure: 1, usage: 2, input: 3 } as const;

/** The help text in the CLI's language. */
function help(): string {
  return msg('cli.help', {
    backends: BACKEND_OPTIONS.join(', '),
    backendEnv: ENV_VARS.backend,
    variantEnv: ENV_VARS.variant,
    profileEnv: ENV_VARS.profile,
    modelDirEnv: ENV_VARS.modelDir,
    maxImagePixelsEnv: ENV_VARS.maxImagePixels,
    maxImagePixels: DEFAULT_MAX_PIXELS,
    maxPromptCharsEnv: ENV_VARS.maxPromptChars,
    maxPromptChars: DEFAULT_MAX_PROMPT_CHARS,
    localeEnv: ENV_VARS.locale,
  });
}

/**
 * The CLI's language, before anything is parsed (a usage error is written in
 * it too): --locale, then MOBILE_MM_LOCALE, then the system's (config.ts's
 * order). A tag that is none of the six gives English (the facade adds a
 * note saying so).
 */
function cliLocale(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): string {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--locale' && argv[i + 1] !== undefined) return argv[i + 1];
    if (argv[i].startsWith('--locale=')) return argv[i].slice('--locale='.length);
  }
  return env[ENV_VARS.locale]?.trim() || systemLocale(env, true) || 'en';
}

/** A bad command line: its message is a catalogue key, written in the CLI's language. */
class UsageError extends Error {
  constructor(readonly text: LocalText) {
    super(msg(text.key, text.values));
  }
}

/** The exit code for an error. */
function exitCodeOf(e: unknown): number {
  if (e instanceof UsageError) return EXIT.usage;
  if (!isMobileMMError(e)) return EXIT.failure;
  if (e.code === 'INVALID_CONFIG') return EXIT.usage;
  if (/^(IMAGE_|PROMPT_)/.test(e.code) || e.code === 'FILE_NOT_FOUND') return EXIT.input;
  return EXIT.failure;
}

function count(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]+$/.test(value)) throw new UsageError(localText('cli.flagInteger', { flag, value: JSON.stringify(value) }));
  return Number(value);
}

function oneOf<T extends string>(flag: string, value: string | undefined, accepted: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!accepted.includes(value as T)) throw new UsageError(localText('cli.flagOneOf', { flag, accepted: accepted.join(', '), value: JSON.stringify(value) }));
  return value as T;
}

async function version(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function note(message: string): void {
  process.stderr.write(`${msg('cli.note', { message })}\n`);
}

function printResult(r: CallResult, extra: Record<string, unknown>, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ ...extra, ...r })}\n`);
    return;
  }
  process.stdout.write(`${r.text}\n`);
  if (r.outOfVocabulary.length > 0) {
    note(msg('cli.outOfVocabulary', { words: r.outOfVocabulary.map((w) => JSON.stringify(w)).join(', ') }));
  }
  process.stderr.write(`${msg('cli.summary', { task: r.task, backend: r.backend, variant: r.variant, profile: r.profile, ms: r.timings.totalMs })}\n`);
}

/**
 * `serve` and `plan` live in @mobile-mm/server (an optional peer dependency),
 * imported only for them: the server depends on this package, so a static
 * import would make a dependency cycle, and the library stays free of fastify.
 */
async function serverCommand(command: 'serve' | 'plan', args: string[]): Promise<number> {
  const name = '@mobile-mm/server';
  let server: { runServe(args: string[]): Promise<number>; runPlan(args: string[]): Promise<number> };
  try {
    server = await import(name);
  } catch (e) {
    if ((e as { code?: string })?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
    const built = !String((e as Error).message).includes('server/dist');
    const [code, message] = built ? ['NOT_INSTALLED', msg('cli.notInstalled', { command })] : ['NOT_BUILT', msg('cli.notBuilt')];
    process.stderr.write(`${msg('cli.error', { code, message })}\n`);
    return EXIT.failure;
  }
  return command === 'serve' ? server.runServe(args) : server.runPlan(args);
}

async function main(argv: string[]): Promise<number> {
  await useMessageLanguage(cliLocale(argv, process.env));
  if (argv[0] === 'serve' || argv[0] === 'plan') return serverCommand(argv[0], argv.slice(1));
  // `export` has its own options and help (@mobile-mm/export).
  if (argv[0] === 'export') return (await import('@mobile-mm/export/cli')).runExportCommand(argv.slice(1));
  let json = argv.includes('--json');
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        backend: { type: 'string' },
        variant: { type: 'string' },
        profile: { type: 'string' },
        'model-dir': { type: 'string' },
        'max-image-pixels': { type: 'string' },
        'max-prompt-chars': { type: 'string' },
        locale: { type: 'string' },
        lang: { type: 'string' },
        json: { type: 'boolean' },
        metrics: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    });
    json = values.json ?? false;
    if (values.help || positionals[0] === 'help') {
      process.stdout.write(help());
      return EXIT.ok;
    }
    if (values.version) {
      process.stdout.write(`${await version()}\n`);
      return EXIT.ok;
    }
    const [command, ...rest] = positionals;
    const arity: Record<string, number> = { caption: 1, ocr: 1, vqa: 2, demo: 0 };
    if (command === undefined) throw new UsageError(localText('cli.noCommand'));
    if (!(command in arity)) throw new UsageError(localText('cli.unknownCommand', { command: JSON.stringify(command) }));
    if (rest.length !== arity[command]) {
      const want = { caption: 'IMAGE', ocr: 'IMAGE', vqa: 'IMAGE "QUESTION"', demo: localText('cli.arityNone') }[command]!;
      throw new UsageError(localText('cli.arity', { command, want, n: rest.length, quoteHint: command === 'vqa' ? 'yes' : 'no' }));
    }

    const options: MobileMMOptions = {};
    const backend = oneOf('backend', values.backend, BACKEND_OPTIONS);
    const variant = oneOf('variant', values.variant, VARIANTS);
    const profile = oneOf('profile', values.profile, PROFILES);
    const maxImagePixels = count('max-image-pixels', values['max-image-pixels']);
    const maxPromptChars = count('max-prompt-chars', values['max-prompt-chars']);
    if (backend) options.backend = backend;
    if (variant) options.variant = variant;
    if (profile) options.profile = profile;
    if (values['model-dir'] !== undefined) options.modelDir = values['model-dir'];
    if (maxImagePixels !== undefined) options.maxImagePixels = maxImagePixels;
    if (maxPromptChars !== undefined) options.maxPromptChars = maxPromptChars;
    if (values.locale !== undefined) options.locale = values.locale;
    const lang = oneOf('lang', values.lang, LANGUAGES);

    tf.env().set('PROD', true); // silences tfjs's "install tfjs-node" banner on stderr
    const metrics = values.metrics ? await prometheusTelemetry() : null;
    const mm = await MobileMultiModalLLM.create(metrics ? { ...options, telemetry: metrics.telemetry } : options);
    const printMetrics = async (): Promise<void> => {
      if (metrics) (json ? process.stderr : process.stdout).write(await metrics.prometheus.text());
    };
    try {
      if (!json && command !== 'demo') for (const n of mm.health().notes) note(n);
      if (command === 'demo') {
        const report = await runDemo(mm, json ? undefined : (line) => process.stdout.write(`${line}\n`));
        if (json) process.stdout.write(`${JSON.stringify(report)}\n`);
        await printMetrics();
        return EXIT.ok;
      }
      const [image, question] = rest;
      const call = lang ? { lang } : {};
      const r = command === 'caption' ? await mm.caption(image, call) : command === 'ocr' ? await mm.ocr(image, call) : await mm.vqa(image, question, call);
      if (!json && lang) for (const n of r.notes) note(n);
      printResult(r, { image, ...(question !== undefined ? { question } : {}), notes: mm.health().notes }, json);
      await printMetrics();
      return EXIT.ok;
    } finally {
      mm.dispose();
    }
  } catch (e) {
    const parseError = (e as { code?: string })?.code?.startsWith?.('ERR_PARSE_ARGS') === true;
    const code = e instanceof UsageError || parseError ? 'USAGE' : isMobileMMError(e) ? e.code : 'INTERNAL';
    // node:util's parseArgs speaks English: its sentence goes inside ours.
    const message = parseError ? msg('cli.badOption', { detail: (e as Error).message }) : ((e as Error)?.message ?? String(e));
    process.stderr.write(`${msg('cli.error', { code, message })}\n`);
    if (code === 'USAGE') process.stderr.write(`${msg('cli.seeHelp')}\n`);
    const english = e instanceof MobileMMError ? e.messageEn : e instanceof UsageError ? msg(e.text.key, e.text.values, 'en') : undefined;
    const extra = { ...(english !== undefined && english !== message ? { messageEn: english } : {}), ...(e instanceof MobileMMError && e.details ? { details: safeDetails(e.details) } : {}) };
    if (json) process.stdout.write(`${JSON.stringify({ error: { code, message, ...extra } })}\n`);
    return code === 'USAGE' ? EXIT.usage : exitCodeOf(e);
  }
}

/** --metrics: telemetry into a Prometheus text view (loaded only when asked for), memory gauges included. */
async function prometheusTelemetry(): Promise<{ telemetry: ModelTelemetry; prometheus: PrometheusMetrics }> {
  const { PrometheusMetrics } = await import('@mobile-mm/telemetry/prometheus');
  const prometheus = new PrometheusMetrics();
  const telemetry = new ModelTelemetry({ meterProvider: prometheus.meterProvider });
  observeMemory(telemetry);
  return { telemetry, prometheus };
}

/** Details without values JSON cannot hold (errors, tensors). */
function safeDetails(d: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d)) if (v === null || ['string', 'number', 'boolean'].includes(typeof v) || Array.isArray(v)) out[k] = v;
  return out;
}

process.exitCode = await main(process.argv.slice(2));
