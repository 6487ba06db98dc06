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
import { LANGUAGES, MobileMMError, isMobileMMError } from '@mobile-mm/core';
import { ModelTelemetry, observeMemory } from '@mobile-mm/telemetry';
import type { PrometheusMetrics } from '@mobile-mm/telemetry/prometheus';
import { BACKEND_OPTIONS, ENV_VARS, PROFILES, VARIANTS, type MobileMMOptions } from './config.js';
import { runDemo } from './demo.js';
import { MobileMultiModalLLM, type CallResult } from './facade.js';

const EXIT = { ok: 0, failure: 1, usage: 2, input: 3 } as const;

const HELP = `mobile-mm: captioning, OCR and visual question answering with a small on-device model

Usage:
  mobile-mm caption IMAGE [options]        describe a scene
  mobile-mm ocr IMAGE [options]            read a text line
  mobile-mm vqa IMAGE "QUESTION" [options] answer a question about a scene
  mobile-mm demo [options]                 all three tasks on the bundled samples
  mobile-mm serve [options]                HTTP server: OpenAI-compatible API, health, metrics (see serve --help)
  mobile-mm plan --rps R --p95-ms L        replicas, CPU and autoscaling targets from the serve benchmark
  mobile-mm export --format onnx|tfjs|safetensors --checkpoint DIR --out DIR
                                           write a checkpoint for other runtimes (mobile-mm export --help)

IMAGE is a PNG or JPEG file. The model knows SynthScenes v1 images: 64×64
scenes of coloured shapes and 32×128 text lines (see the package README).

Options:
  --backend NAME                     tfjs backend: ${BACKEND_OPTIONS.join(', ')} (${ENV_VARS.backend}; default auto: wasm in Node)
  --variant int2|fp32                model variant (${ENV_VARS.variant}; default int2 when bundled, else fp32)
  --profile fast|balanced|accuracy   speed/quality profile (${ENV_VARS.profile}; default balanced)
  --model-dir DIR                    checkpoint folder (${ENV_VARS.modelDir}; default the bundled model)
  --max-image-pixels N               largest width·height accepted (${ENV_VARS.maxImagePixels}; default 4194304)
  --max-prompt-chars N               longest question (${ENV_VARS.maxPromptChars}; default 256)
  --locale TAG                       your language, e.g. ja or fr-CA (${ENV_VARS.locale}, then LC_ALL/LANG; default en)
  --lang en|es|fr|de|ja|zh           answer language of this call (default: the locale's, where the model speaks it)
  --json                             print one JSON object on stdout
  --metrics                          then print the calls' OpenTelemetry metrics as Prometheus text (stdout; stderr with --json)
  -h, --help                         this text
  --version                          the package version

Exit codes: 0 ok · 1 other failure · 2 usage or configuration error · 3 input error (image or prompt)
`;

class UsageError extends Error {}

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
  if (!/^[0-9]+$/.test(value)) throw new UsageError(`--${flag} takes a positive integer, got ${JSON.stringify(value)}.`);
  return Number(value);
}

function oneOf<T extends string>(flag: string, value: string | undefined, accepted: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!accepted.includes(value as T)) throw new UsageError(`--${flag} takes one of ${accepted.join(', ')}, got ${JSON.stringify(value)}.`);
  return value as T;
}

async function version(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function printResult(r: CallResult, extra: Record<string, unknown>, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ ...extra, ...r })}\n`);
    return;
  }
  process.stdout.write(`${r.text}\n`);
  if (r.outOfVocabulary.length > 0) {
    process.stderr.write(`note: the model does not know ${r.outOfVocabulary.map((w) => JSON.stringify(w)).join(', ')}; the answer is a guess.\n`);
  }
  process.stderr.write(`(${r.task} · ${r.backend} · ${r.variant} · ${r.profile} · ${r.timings.totalMs.toFixed(1)} ms)\n`);
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
    process.stderr.write(
      built
        ? `error [NOT_INSTALLED]: \`mobile-mm ${command}\` needs the package @mobile-mm/server: npm install @mobile-mm/server\n`
        : 'error [NOT_BUILT]: @mobile-mm/server is not built yet; run `npm run build` at the repository root first.\n',
    );
    return EXIT.failure;
  }
  return command === 'serve' ? server.runServe(args) : server.runPlan(args);
}

async function main(argv: string[]): Promise<number> {
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
      process.stdout.write(HELP);
      return EXIT.ok;
    }
    if (values.version) {
      process.stdout.write(`${await version()}\n`);
      return EXIT.ok;
    }
    const [command, ...rest] = positionals;
    const arity: Record<string, number> = { caption: 1, ocr: 1, vqa: 2, demo: 0 };
    if (command === undefined) throw new UsageError('no command; use caption, ocr, vqa or demo (see --help).');
    if (!(command in arity)) throw new UsageError(`unknown command ${JSON.stringify(command)}; use caption, ocr, vqa or demo (see --help).`);
    if (rest.length !== arity[command]) {
      const want = { caption: 'IMAGE', ocr: 'IMAGE', vqa: 'IMAGE "QUESTION"', demo: 'no arguments' }[command];
      const hint = command === 'vqa' ? ' (quote a question with spaces)' : '';
      throw new UsageError(`${command} takes ${want}; got ${rest.length} argument${rest.length === 1 ? '' : 's'}${hint}.`);
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
      if (!json) for (const note of mm.health().notes) if (command !== 'demo') process.stderr.write(`note: ${note}\n`);
      if (command === 'demo') {
        const report = await runDemo(mm, json ? undefined : (line) => process.stdout.write(`${line}\n`));
        if (json) process.stdout.write(`${JSON.stringify(report)}\n`);
        await printMetrics();
        return EXIT.ok;
      }
      const [image, question] = rest;
      const call = lang ? { lang } : {};
      const r = command === 'caption' ? await mm.caption(image, call) : command === 'ocr' ? await mm.ocr(image, call) : await mm.vqa(image, question, call);
      if (!json && lang) for (const note of r.notes) process.stderr.write(`note: ${note}\n`);
      printResult(r, { image, ...(question !== undefined ? { question } : {}), notes: mm.health().notes }, json);
      await printMetrics();
      return EXIT.ok;
    } finally {
      mm.dispose();
    }
  } catch (e) {
    const code = e instanceof UsageError || (e as { code?: string })?.code?.startsWith?.('ERR_PARSE_ARGS') ? 'USAGE' : isMobileMMError(e) ? e.code : 'INTERNAL';
    const message = (e as Error)?.message ?? String(e);
    process.stderr.write(`error [${code}]: ${message}\n`);
    if (code === 'USAGE') process.stderr.write('run `mobile-mm --help` for usage.\n');
    if (json) process.stdout.write(`${JSON.stringify({ error: { code, message, ...(e instanceof MobileMMError && e.details ? { details: safeDetails(e.details) } : {}) } })}\n`);
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
