/**
 * `mobile-mm export` (the mobile-mm CLI hands its arguments here):
 *
 *   mobile-mm export --format onnx|tfjs|safetensors --checkpoint DIR --out DIR
 *                    [--bits 2|4|8|16|32] [--method rtn|mse] [--accuracy-level 0|4] [--quant-op matmulnbits|dequantize]
 *                    [--force] [--json]
 *
 * stdout: one line per file (or one JSON object with --json); errors on
 * stderr as `error [CODE]: message`. Exit codes as the mobile-mm CLI's:
 * 0 ok, 1 other failure, 2 usage or bad option (INVALID_ARGUMENT, INVALID_CONFIG),
 * 3 input not found (FILE_NOT_FOUND).
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { MobileMMError, isMobileMMError, msg, type Language } from '@mobile-mm/core';
import { setupBackend } from '@mobile-mm/core/backend';
import { EXPORT_FORMATS, FORMAT_BITS, exportModel, type ExportFormat } from './export.js';

/** `mobile-mm export --help` in the CLI's language (catalogue key 'export.help'). */
export function exportHelp(lang?: Language): string {
  const values = { bits: EXPORT_FORMATS.map((f) => `${f} ${FORMAT_BITS[f].join('|')}`).join('; ') };
  return lang === undefined ? msg('export.help', values) : msg('export.help', values, lang);
}

/** The help in English. */
export const EXPORT_HELP = exportHelp('en');

class UsageError extends Error {}

function exitCode(code: string): number {
  if (code === 'USAGE' || code === 'INVALID_ARGUMENT' || code === 'INVALID_CONFIG') return 2;
  if (code === 'FILE_NOT_FOUND') return 3;
  return 1;
}

function int(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^[0-9]+$/.test(v)) throw new MobileMMError('INVALID_ARGUMENT', `--${flag}: expected an integer, got ${JSON.stringify(v)}.`, { option: flag });
  return Number(v);
}

/** Runs the command; returns the exit code. `out`/`err` default to the process streams. */
export async function runExportCommand(argv: string[], io: { out?: (s: string) => void; err?: (s: string) => void } = {}): Promise<number> {
  const out = io.out ?? ((s: string) => process.stdout.write(s));
  const err = io.err ?? ((s: string) => process.stderr.write(s));
  const json = argv.includes('--json');
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string' },
        checkpoint: { type: 'string' },
        out: { type: 'string' },
        bits: { type: 'string' },
        method: { type: 'string' },
        'accuracy-level': { type: 'string' },
        'quant-op': { type: 'string' },
        force: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      out(exportHelp());
      return 0;
    }
    if (positionals.length > 0) throw new UsageError(`export takes no positional arguments; got ${positionals.map((p) => JSON.stringify(p)).join(' ')} (see --help).`);
    for (const f of ['format', 'checkpoint', 'out'] as const) {
      if (values[f] === undefined) throw new MobileMMError('INVALID_ARGUMENT', `--${f} is required (see mobile-mm export --help).`, { option: f });
    }
    tf.env().set('PROD', true); // silences tfjs's "install tfjs-node" banner on stderr
    await setupBackend('cpu');
    const r = await exportModel({
      format: values.format as ExportFormat,
      checkpoint: values.checkpoint!,
      out: values.out!,
      bits: int('bits', values.bits),
      method: values.method as 'rtn' | 'mse' | undefined,
      accuracyLevel: int('accuracy-level', values['accuracy-level']),
      quantOp: values['quant-op'] as 'matmulnbits' | 'dequantize' | undefined,
      force: values.force ?? false,
    });
    if (json) out(`${JSON.stringify(r)}\n`);
    else {
      out(`exported ${r.format} (${r.projections === 'float' ? 'float projections' : `${r.projections}-bit projections`}) to ${r.out}: ${(r.bytes / 1024).toFixed(0)} KiB\n`);
      for (const f of r.files) out(`  ${f}\n`);
    }
    return 0;
  } catch (e) {
    const code = e instanceof UsageError || (e as { code?: string })?.code?.startsWith?.('ERR_PARSE_ARGS') ? 'USAGE' : isMobileMMError(e) ? e.code : 'INTERNAL';
    const message = (e as Error)?.message ?? String(e);
    err(`error [${code}]: ${message}\n`);
    if (json) out(`${JSON.stringify({ error: { code, message } })}\n`);
    return exitCode(code);
  }
}
