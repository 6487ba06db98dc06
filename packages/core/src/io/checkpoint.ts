/**
 * Checkpoints: a folder (or URL prefix) holding
 *   model.safetensors   the weights
 *   config.json         the model config (any JSON value)
 *
 *   await saveCheckpoint('out/tiny', { tensors: model.namedWeights(), config });   // Node
 *   const ckpt = await loadCheckpoint('out/tiny', { expected: weightSpec(config) });
 *   const ckpt = await loadCheckpoint('https://host/models/tiny/');             // anywhere
 *   const ckpt = await loadCheckpoint({ weights: fileInput.files[0], config }); // Blob / bytes
 */
import * as tf from '@tensorflow/tfjs-core';
import { MobileMMError } from '../errors.js';
import { joinLocation, readBytes, readText, writeBytes, type ByteSource } from './files.js';
import {
  parseSafetensors,
  serializeSafetensors,
  type ParsedSafetensors,
  type ParseSafetensorsOptions,
  type SafetensorsEntries,
  type SafetensorsEntry,
  type SafetensorsTensor,
} from './safetensors.js';
import { tensorToEntry } from './tensors.js';
import { checkWeights, type CheckWeightsOptions, type WeightSpec } from './weight-spec.js';

export const CHECKPOINT_WEIGHTS_FILE = 'model.safetensors';
export const CHECKPOINT_CONFIG_FILE = 'config.json';

export interface LoadSafetensorsOptions extends ParseSafetensorsOptions, CheckWeightsOptions {
  /** When given, names/shapes/dtypes are checked (see weight-spec.ts). */
  expected?: WeightSpec;
}

/** Reads and parses one safetensors file, optionally checking it against a spec. */
export async function loadSafetensors(
  source: ByteSource,
  options: LoadSafetensorsOptions = {},
): Promise<ParsedSafetensors> {
  const parsed = parseSafetensors(await readBytes(source), options);
  if (options.expected) checkWeights(parsed.tensors, options.expected, options);
  return parsed;
}

/** Writes one safetensors file (Node only). Returns the path written. */
export async function saveSafetensors(
  path: string | URL,
  entries: SafetensorsEntries,
  metadata?: Record<string, string>,
): Promise<string> {
  return writeBytes(path, serializeSafetensors(entries, metadata));
}

export interface CheckpointData {
  /** tf tensors (values are downloaded; not disposed) or ready entries. */
  tensors: ReadonlyMap<string, tf.Tensor | SafetensorsEntry> | Readonly<Record<string, tf.Tensor | SafetensorsEntry>>;
  /** Written to config.json; must survive JSON.stringify. Default {}. */
  config?: unknown;
  /** safetensors `__metadata__` (string → string). */
  metadata?: Record<string, string>;
  /** dtype for float32 tf tensors. Default 'F32'. */
  floatDType?: 'F32' | 'F16' | 'BF16';
}

/** The two files of a checkpoint, as bytes and text (works in the browser). */
export async function encodeCheckpoint(data: CheckpointData): Promise<{ weights: Uint8Array; config: string }> {
  const list =
    data.tensors instanceof Map ? [...data.tensors.entries()] : Object.entries(data.tensors as Record<string, unknown>);
  const entries = new Map<string, SafetensorsEntry>();
  for (const [name, t] of list as [string, tf.Tensor | SafetensorsEntry][]) {
    if (t instanceof tf.Tensor) {
      entries.set(name, await tensorToEntry(t, t.dtype === 'float32' ? (data.floatDType ?? 'F32') : undefined));
    } else {
      entries.set(name, t);
    }
  }
  let config: string;
  try {
    config = `${JSON.stringify(data.config ?? {}, null, 2)}\n`;
  } catch (e) {
    throw new MobileMMError('INVALID_CONFIG', `config.(root): cannot be written as JSON (${(e as Error).message}).`, {
      field: '(root)',
    });
  }
  if (config === 'undefined\n') {
    throw new MobileMMError('INVALID_CONFIG', 'config.(root): cannot be written as JSON.', { field: '(root)' });
  }
  return { weights: serializeSafetensors(entries, data.metadata), config };
}

/** Writes `dir`/model.safetensors and `dir`/config.json (Node only). */
export async function saveCheckpoint(
  dir: string | URL,
  data: CheckpointData,
): Promise<{ weightsPath: string; configPath: string }> {
  const { weights, config } = await encodeCheckpoint(data);
  const weightsPath = await writeBytes(await joinLocation(dir, CHECKPOINT_WEIGHTS_FILE), weights);
  const configPath = await writeBytes(await joinLocation(dir, CHECKPOINT_CONFIG_FILE), config);
  return { weightsPath, configPath };
}

/** A folder / URL prefix, or the two parts given directly. */
export type CheckpointSource =
  | string
  | URL
  | {
      weights: ByteSource;
      /** config.json as bytes / location, or the parsed value itself. */
      config?: ByteSource | Record<string, unknown> | null;
    };

export interface LoadCheckpointOptions extends LoadSafetensorsOptions {
  /** Fail with FILE_NOT_FOUND when config.json is absent. Default true; false gives config null. */
  requireConfig?: boolean;
}

export interface LoadedCheckpoint {
  tensors: Map<string, SafetensorsTensor>;
  metadata: Record<string, string>;
  config: unknown;
}

function isByteSourceObject(v: unknown): v is ArrayBuffer | ArrayBufferView | Blob | URL {
  return (
    v instanceof ArrayBuffer ||
    ArrayBuffer.isView(v) ||
    v instanceof URL ||
    (typeof Blob !== 'undefined' && v instanceof Blob)
  );
}

async function readConfig(source: ByteSource, requireConfig: boolean, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readText(source);
  } catch (e) {
    if (!requireConfig && e instanceof MobileMMError && e.code === 'FILE_NOT_FOUND') return null;
    throw e;
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new MobileMMError('INVALID_CONFIG', `config.(json): ${what} is not valid JSON (${(e as Error).message}).`, {
      field: '(json)',
      file: what,
    });
  }
}

/** Loads weights and config; checks them against `options.expected` if given. */
export async function loadCheckpoint(
  source: CheckpointSource,
  options: LoadCheckpointOptions = {},
): Promise<LoadedCheckpoint> {
  const requireConfig = options.requireConfig ?? true;
  let weightsSource: ByteSource;
  let configPromise: Promise<unknown>;
  if (typeof source === 'string' || source instanceof URL) {
    weightsSource = await joinLocation(source, CHECKPOINT_WEIGHTS_FILE);
    const configAt = await joinLocation(source, CHECKPOINT_CONFIG_FILE);
    configPromise = readConfig(configAt, requireConfig, configAt);
  } else if (typeof source === 'object' && source !== null && 'weights' in source) {
    weightsSource = source.weights;
    const c = source.config;
    if (c === undefined || c === null) {
      configPromise = requireConfig
        ? Promise.reject(
            new MobileMMError('FILE_NOT_FOUND', 'loadCheckpoint: no config given (pass config, or requireConfig: false).', {
              file: CHECKPOINT_CONFIG_FILE,
            }),
          )
        : Promise.resolve(null);
    } else if (typeof c === 'string' || isByteSourceObject(c)) {
      configPromise = readConfig(c, requireConfig, typeof c === 'string' ? c : CHECKPOINT_CONFIG_FILE);
    } else {
      configPromise = Promise.resolve(c);
    }
  } else {
    throw new MobileMMError(
      'INVALID_ARGUMENT',
      'loadCheckpoint: source must be a folder path, a URL, or {weights, config}.',
    );
  }
  configPromise.catch(() => undefined); // reported below, after the weights
  const parsed = await loadSafetensors(weightsSource, options);
  const config = await configPromise;
  return { tensors: parsed.tensors, metadata: parsed.metadata, config };
}
