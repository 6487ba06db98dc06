/**
 * exportModel(): a checkpoint folder → an export folder (Node).
 *
 *   onnx          encoder_scene.onnx, encoder_text.onnx, decoder.onnx, config.json (+ `onnx`), tokenizer.json, README.md
 *   tfjs          model.json (tf.io weights manifest) + group1-shard*.bin, config.json, tokenizer.json
 *   safetensors   model.safetensors, config.json, tokenizer.json (our checkpoint)
 *
 * Every option is checked before anything is read or written, with a typed
 * MobileMMError naming the option and what is accepted. Files go to a
 * temporary sibling folder that is renamed into place at the end, so a
 * failure leaves no half-written export (and `--force` replaces an old one
 * only once the new one is complete).
 */
import { MobileMMError, importNodeBuiltin } from '@mobile-mm/core';
import { loadModel, type ModelQuantization, type VisionLanguageModel } from '@mobile-mm/vision';
import { exportOnnx } from './onnx/export-onnx.js';
import { modelCard } from './model-card.js';
import type { TargetBits } from './onnx/weights.js';
import { exportSafetensors } from './safetensors/export-safetensors.js';
import { exportTfjs, type TfjsBits } from './tfjs/export-tfjs.js';

export type ExportFormat = 'onnx' | 'tfjs' | 'safetensors';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['onnx', 'tfjs', 'safetensors'];

/** The bit widths each format can hold (32 = float). */
export const FORMAT_BITS: Readonly<Record<ExportFormat, readonly number[]>> = Object.freeze({
  onnx: [2, 4, 8, 32],
  tfjs: [8, 16, 32],
  safetensors: [2, 4, 8, 32],
});

const BITS_WHY: Readonly<Record<ExportFormat, string>> = Object.freeze({
  onnx: 'packed projections are MatMulNBits at 2, 4 or 8 bits; 32 is float',
  tfjs: 'tf.io quantizes per tensor to uint8 (8) or float16 (16); 32 is float; 2- and 4-bit group codes need --format onnx or safetensors',
  safetensors: 'packed projections at 2, 4 or 8 bits (@mobile-mm/int2); 32 is float',
});

export interface ExportOptions {
  /** A checkpoint folder (config.json, model.safetensors, tokenizer.json). */
  checkpoint: string;
  /** The export folder; must not exist or be empty unless `force`. */
  out: string;
  format: ExportFormat;
  /** Bit width of the projections (FORMAT_BITS); default: as the checkpoint holds them (tfjs: 32). */
  bits?: number;
  /** Float checkpoint → bits: 'rtn' (default) or 'mse'. */
  method?: 'rtn' | 'mse';
  /** ONNX MatMulNBits accuracy_level: 0 (default, float32 compute) or 4 (int8 activations, onnxruntime's fast kernels). */
  accuracyLevel?: number;
  /** ONNX: how packed projections run, 'matmulnbits' (default) or 'dequantize' (unpacked in the graph, folded to float32 at load). */
  quantOp?: 'matmulnbits' | 'dequantize';
  /** Replace a non-empty `out`. */
  force?: boolean;
}

export interface ExportResult {
  out: string;
  format: ExportFormat;
  /** The projections' storage: 'float' or the packed bit width. */
  projections: 'float' | number;
  files: string[];
  bytes: number;
}

function bad(option: string, message: string): MobileMMError {
  return new MobileMMError('INVALID_ARGUMENT', `--${option}: ${message}`, { option });
}

/** Checks the options that need no file system; returns the normalized ones. */
export function checkExportOptions(o: ExportOptions): Required<Pick<ExportOptions, 'format' | 'method' | 'accuracyLevel' | 'force' | 'quantOp'>> & { bits: number | undefined } {
  if (!o || typeof o !== 'object') throw bad('checkpoint', 'options must be an object.');
  if (!EXPORT_FORMATS.includes(o.format)) throw bad('format', `${JSON.stringify(o.format)} is not a format; accepted: ${EXPORT_FORMATS.join(', ')}.`);
  if (typeof o.checkpoint !== 'string' || o.checkpoint === '') throw bad('checkpoint', 'a checkpoint folder is required.');
  if (typeof o.out !== 'string' || o.out === '') throw bad('out', 'an output folder is required.');
  if (o.bits !== undefined && !FORMAT_BITS[o.format].includes(o.bits)) {
    throw bad('bits', `${String(o.bits)} cannot be held by --format ${o.format}; accepted: ${FORMAT_BITS[o.format].join(', ')} (${BITS_WHY[o.format]}).`);
  }
  const method = o.method ?? 'rtn';
  if (method !== 'rtn' && method !== 'mse') throw bad('method', `${JSON.stringify(method)} unknown; accepted: rtn, mse.`);
  const accuracyLevel = o.accuracyLevel ?? 0;
  if (![0, 1, 2, 3, 4].includes(accuracyLevel)) throw bad('accuracy-level', `${String(accuracyLevel)} unknown; accepted: 0, 1, 2, 3, 4 (MatMulNBits accuracy_level).`);
  if (accuracyLevel !== 0 && o.format !== 'onnx') throw bad('accuracy-level', 'applies to --format onnx only.');
  const quantOp = o.quantOp ?? 'matmulnbits';
  if (quantOp !== 'matmulnbits' && quantOp !== 'dequantize') throw bad('quant-op', `${JSON.stringify(quantOp)} unknown; accepted: matmulnbits, dequantize.`);
  if (o.quantOp !== undefined && o.format !== 'onnx') throw bad('quant-op', 'applies to --format onnx only.');
  if (quantOp === 'dequantize' && accuracyLevel !== 0) throw bad('accuracy-level', 'applies to MatMulNBits; --quant-op dequantize computes in float32.');
  return { format: o.format, bits: o.bits, method, accuracyLevel, force: o.force ?? false, quantOp };
}

async function fsModules() {
  const fs = await importNodeBuiltin<typeof import('node:fs/promises')>('node:fs/promises');
  const path = await importNodeBuiltin<typeof import('node:path')>('node:path');
  return { fs, path };
}

/** The checkpoint folder must exist and hold a model; the output folder must be new, empty, or forced. */
async function checkFolders(o: ExportOptions, force: boolean): Promise<void> {
  const { fs, path } = await fsModules();
  const stat = await fs.stat(o.checkpoint).catch(() => null);
  if (!stat?.isDirectory()) {
    throw new MobileMMError('FILE_NOT_FOUND', `--checkpoint: ${o.checkpoint} is not a folder; give a checkpoint folder (config.json, model.safetensors, tokenizer.json).`, { option: 'checkpoint', path: o.checkpoint });
  }
  for (const file of ['config.json', 'model.safetensors', 'tokenizer.json']) {
    if (!(await fs.stat(path.join(o.checkpoint, file)).catch(() => null))?.isFile()) {
      throw new MobileMMError('FILE_NOT_FOUND', `--checkpoint: ${o.checkpoint} has no ${file}; a checkpoint folder holds config.json, model.safetensors and tokenizer.json.`, {
        option: 'checkpoint',
        path: path.join(o.checkpoint, file),
      });
    }
  }
  const out = await fs.stat(o.out).catch(() => null);
  if (out && !out.isDirectory()) throw bad('out', `${o.out} exists and is not a folder.`);
  if (out && (await fs.readdir(o.out)).length > 0 && !force) throw bad('out', `${o.out} exists and is not empty; pass --force to replace it, or choose another folder.`);
  if (path.resolve(o.out) === path.resolve(o.checkpoint)) throw bad('out', 'must not be the checkpoint folder.');
}

/** What the projections become: 'keep', float (32), or a bit width; a float model is quantized here when asked. */
async function resolveBits(model: VisionLanguageModel, quantization: ModelQuantization | null, o: ReturnType<typeof checkExportOptions>): Promise<{ target: TargetBits; quantization: ModelQuantization | null }> {
  const bits = o.bits ?? (o.format === 'tfjs' ? 32 : undefined);
  if (bits === undefined) return { target: 'keep', quantization };
  if (o.format === 'tfjs') return { target: 32, quantization };
  if (bits === 32) return { target: 32, quantization: null };
  if (quantization === null) {
    const { quantizeModel } = await import('@mobile-mm/vision/quantize');
    const q = quantizeModel(model, { bits: bits as 2 | 4 | 8, method: o.method });
    return { target: 'keep', quantization: q };
  }
  if (bits < quantization.bits) {
    throw bad('bits', `the checkpoint is packed at ${quantization.bits} bits; narrower codes need the float checkpoint (accepted here: ${FORMAT_BITS[o.format].filter((b) => b >= quantization.bits).join(', ')}).`);
  }
  return { target: bits as TargetBits, quantization: { ...quantization, bits: bits as 2 | 4 | 8 } };
}

export async function exportModel(options: ExportOptions): Promise<ExportResult> {
  const o = checkExportOptions(options);
  await checkFolders(options, o.force);
  const { fs, path } = await fsModules();
  const out = path.resolve(options.out);
  const tmp = `${out}.tmp-${process.pid}-${Date.now().toString(36)}`;
  await fs.mkdir(tmp, { recursive: true });
  let model: VisionLanguageModel | null = null;
  try {
    const loaded = await loadModel(options.checkpoint);
    model = loaded.model;
    const config = loaded.config;
    const { target, quantization } = await resolveBits(model, loaded.quantization, o);
    const files = new Map<string, Uint8Array | string>();
    const exportInfo = { format: o.format, from: options.checkpoint, bits: o.bits ?? null, tool: '@mobile-mm/export 0.1.0' };
    const baseConfig: Record<string, unknown> = { ...config, model: model.config, export: exportInfo };
    if (quantization) baseConfig.quantization = quantization;
    else delete baseConfig.quantization;
    const tokenizer = `${JSON.stringify(model.tokenizer.toJSON(), null, 2)}\n`;
    let projections: 'float' | number = 'float';
    if (o.format === 'onnx') {
      const ex = await exportOnnx(model, { bits: target, accuracyLevel: o.accuracyLevel as 0 | 4, op: o.quantOp });
      for (const [name, bytes] of ex.files) files.set(name, bytes);
      if (ex.config.projections.kind !== 'float') projections = ex.config.projections.bits;
      const full: Record<string, unknown> = { ...baseConfig, onnx: ex.config };
      if (projections === 'float') delete full.quantization;
      files.set('config.json', `${JSON.stringify(full, null, 2)}\n`);
      files.set('tokenizer.json', tokenizer);
      files.set('README.md', modelCard(full, ex.config, ex.nodeCounts));
    } else if (o.format === 'tfjs') {
      const bits = (o.bits ?? 32) as TfjsBits;
      const tfjsConfig = { ...baseConfig };
      delete tfjsConfig.quantization;
      for (const [name, bytes] of await exportTfjs(model, bits, tfjsConfig)) files.set(name, bytes);
      files.set('config.json', `${JSON.stringify(tfjsConfig, null, 2)}\n`);
      files.set('tokenizer.json', tokenizer);
      projections = bits === 32 ? 'float' : bits;
    } else {
      const extra = { ...baseConfig };
      delete extra.model;
      delete extra.quantization;
      await exportSafetensors(model, tmp, target, quantization, extra);
      const written = JSON.parse(await fs.readFile(path.join(tmp, 'config.json'), 'utf8')) as { quantization?: ModelQuantization };
      projections = written.quantization ? written.quantization.bits : 'float';
    }
    for (const [name, data] of files) await fs.writeFile(path.join(tmp, name), data);
    // Into place: an old folder (empty, or --force) goes only once the new one is complete.
    if (await fs.stat(out).catch(() => null)) await fs.rm(out, { recursive: true, force: true });
    await fs.rename(tmp, out);
    const names = (await fs.readdir(out)).sort();
    let bytes = 0;
    for (const n of names) bytes += (await fs.stat(path.join(out, n))).size;
    return { out, format: o.format, projections, files: names, bytes };
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw e;
  } finally {
    model?.dispose();
  }
}
