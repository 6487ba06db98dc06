/**
 * Save / load QuantizedTensors as safetensors bytes.
 *
 * For each weight `name` the file holds three tensors in canonical layout
 * (format.ts):
 *   {name}.codes   U8        [N, Kp·b/8]
 *   {name}.scales  F16|F32   [N, Kp/G]
 *   {name}.mins    F16|F32   [N, Kp/G]
 * and string entries in `__metadata__`:
 *   format = "mobile-mm-qgroup", format_version = "1",
 *   {name}.bits, {name}.group_size, {name}.in_dim (K), {name}.out_dim (N),
 *   {name}.scale_dtype ("float16" | "float32").
 *
 * The container is @mobile-mm/core's safetensors codec (serializeSafetensors /
 * parseSafetensors), which checks the header and that every tensor's byte
 * count matches its dtype and shape (SAFETENSORS_CORRUPT naming the tensor).
 * On top, loading checks the format, every metadata field, and each tensor's
 * dtype and shape against the metadata, and throws MobileMMError naming the
 * offending tensor: WEIGHTS_MISSING (a tensor or field absent),
 * WEIGHTS_MISMATCH (wrong dtype, shape or metadata value), UNSUPPORTED (other
 * format or version).
 */
import { MobileMMError, parseSafetensors, serializeSafetensors, type SafetensorsEntry, type SafetensorsTensor } from '@mobile-mm/core';
import type { Bits, PackedLayout } from './kernel-names.js';
import { canonicalCodeBytes, FORMAT_NAME, FORMAT_VERSION, numGroups, type ScaleDtype } from './format.js';
import {
  backendLayout,
  checkQuantizedMeta,
  QuantizedTensor,
  type CanonicalQuantizedTensor,
} from './quantized-tensor.js';

type FileDtype = 'U8' | 'F16' | 'F32';

/**
 * The safetensors entries and `__metadata__` fields of `weights` (name →
 * QuantizedTensor), for a file that also holds other tensors (a model
 * checkpoint with float norms and embeddings next to the packed kernels).
 */
export async function quantizedEntries(
  weights: Record<string, QuantizedTensor>,
): Promise<{ entries: Record<string, SafetensorsEntry>; metadata: Record<string, string> }> {
  const metadata: Record<string, string> = { format: FORMAT_NAME, format_version: String(FORMAT_VERSION) };
  const entries: Record<string, SafetensorsEntry> = {};
  for (const [name, q] of Object.entries(weights)) {
    const c = await q.toCanonical();
    const floatDtype: FileDtype = c.scaleDtype === 'float16' ? 'F16' : 'F32'; // values are exact in it
    const groupShape = [c.outDim, numGroups(c.inDim, c.groupSize)];
    entries[`${name}.codes`] = { dtype: 'U8', shape: [c.outDim, c.codes.length / c.outDim], data: c.codes };
    entries[`${name}.scales`] = { dtype: floatDtype, shape: groupShape, data: c.scales };
    entries[`${name}.mins`] = { dtype: floatDtype, shape: groupShape, data: c.mins };
    metadata[`${name}.bits`] = String(c.bits);
    metadata[`${name}.group_size`] = String(c.groupSize);
    metadata[`${name}.in_dim`] = String(c.inDim);
    metadata[`${name}.out_dim`] = String(c.outDim);
    metadata[`${name}.scale_dtype`] = c.scaleDtype;
  }
  return { entries, metadata };
}

/** Encodes `weights` (name → QuantizedTensor) as a safetensors file. */
export async function saveQuantized(
  weights: Record<string, QuantizedTensor>,
  extraMetadata: Record<string, string> = {},
): Promise<Uint8Array> {
  const { entries, metadata } = await quantizedEntries(weights);
  return serializeSafetensors(entries, { ...extraMetadata, ...metadata });
}

/** Names of the quantized weights in a parsed file: every `{name}.codes` tensor. */
export function quantizedNames(tensors: ReadonlyMap<string, unknown>): string[] {
  return [...tensors.keys()].filter((k) => k.endsWith('.codes')).map((k) => k.slice(0, -'.codes'.length));
}

/**
 * Decodes a file written by saveQuantized into QuantizedTensors uploaded to the
 * current backend in its layout (or `layout`).
 */
export function loadQuantized(bytes: Uint8Array, options: { layout?: PackedLayout } = {}): Record<string, QuantizedTensor> {
  const { tensors, metadata } = parseSafetensors(bytes);
  return quantizedFromEntries(tensors, metadata, options);
}

/**
 * The QuantizedTensors held in parsed safetensors `tensors` + `metadata`
 * (every `{name}.codes` entry, or only `options.names`), uploaded to the
 * current backend in its layout (or `layout`) straight from the codes: no
 * float copy of a weight is made.
 */
export function quantizedFromEntries(
  tensors: ReadonlyMap<string, SafetensorsTensor>,
  metadata: Record<string, string>,
  options: { layout?: PackedLayout; names?: string[] } = {},
): Record<string, QuantizedTensor> {
  if (metadata.format !== FORMAT_NAME) {
    throw new MobileMMError(
      'UNSUPPORTED',
      `loadQuantized: __metadata__.format is ${JSON.stringify(metadata.format)}; accepted: "${FORMAT_NAME}".`,
    );
  }
  if (metadata.format_version !== String(FORMAT_VERSION)) {
    throw new MobileMMError(
      'UNSUPPORTED',
      `loadQuantized: format_version ${JSON.stringify(metadata.format_version)}; accepted: "${FORMAT_VERSION}".`,
    );
  }
  const names = options.names ?? quantizedNames(tensors);
  const out: Record<string, QuantizedTensor> = {};
  const layout = options.layout ?? backendLayout();
  try {
    for (const name of names) out[name] = QuantizedTensor.fromCanonical(readCanonical(name), layout);
  } catch (e) {
    for (const q of Object.values(out)) q.dispose();
    throw e;
  }
  return out;

  function field(name: string, key: string): string {
    const v = metadata[`${name}.${key}`];
    if (typeof v !== 'string') {
      throw new MobileMMError('WEIGHTS_MISSING', `loadQuantized: "${name}": __metadata__ has no "${name}.${key}".`, {
        tensor: name,
      });
    }
    return v;
  }

  function tensorData(key: string, dtype: FileDtype, shape: number[]) {
    const t = tensors.get(key);
    if (t === undefined) {
      throw new MobileMMError('WEIGHTS_MISSING', `loadQuantized: tensor "${key}" is missing.`, { tensor: key });
    }
    if (t.dtype !== dtype) {
      throw new MobileMMError('WEIGHTS_MISMATCH', `loadQuantized: "${key}" is ${t.dtype}; expected ${dtype}.`, {
        tensor: key,
      });
    }
    if (t.shape.join(',') !== shape.join(',')) {
      throw new MobileMMError(
        'WEIGHTS_MISMATCH',
        `loadQuantized: "${key}" has shape [${t.shape}]; the metadata implies [${shape}].`,
        { tensor: key, shape: t.shape, expected: shape },
      );
    }
    return t.data; // U8 → Uint8Array; F16 (decoded) and F32 → Float32Array
  }

  function readCanonical(name: string): CanonicalQuantizedTensor {
    const meta = {
      bits: Number(field(name, 'bits')) as Bits,
      groupSize: Number(field(name, 'group_size')),
      inDim: Number(field(name, 'in_dim')),
      outDim: Number(field(name, 'out_dim')),
      scaleDtype: field(name, 'scale_dtype') as ScaleDtype,
    };
    try {
      checkQuantizedMeta(meta, `loadQuantized: "${name}"`);
    } catch (e) {
      const err = e as MobileMMError;
      throw new MobileMMError('WEIGHTS_MISMATCH', err.message, { tensor: name, ...err.details });
    }
    const floatDtype: FileDtype = meta.scaleDtype === 'float16' ? 'F16' : 'F32';
    const groupShape = [meta.outDim, numGroups(meta.inDim, meta.groupSize)];
    const rowBytes = canonicalCodeBytes(meta.inDim, meta.outDim, meta.bits, meta.groupSize) / meta.outDim;
    return {
      ...meta,
      codes: tensorData(`${name}.codes`, 'U8', [meta.outDim, rowBytes]) as Uint8Array,
      scales: tensorData(`${name}.scales`, floatDtype, groupShape) as Float32Array,
      mins: tensorData(`${name}.mins`, floatDtype, groupShape) as Float32Array,
    };
  }
}
