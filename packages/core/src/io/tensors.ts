/**
 * safetensors entries ↔ tf tensors.
 *
 * tfjs has float32, int32 and bool only: float dtypes load as float32, integer
 * dtypes as int32 (U8 included; values outside int32 fail with INVALID_DTYPE),
 * BOOL as bool. On save, float32 tensors are written as F32 (or F16 / BF16 on
 * request), int32 as I32 (or a narrower integer dtype, range-checked), bool as BOOL.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MobileMMError } from '../errors.js';
import { isFloatDType, shapeSize, type SafetensorsDType } from './dtypes.js';
import {
  serializeSafetensors,
  type SafetensorsEntries,
  type SafetensorsEntry,
  type SafetensorsTensor,
} from './safetensors.js';

type Named<T> = ReadonlyMap<string, T> | Readonly<Record<string, T>>;

function entriesOf<T>(m: Named<T>): [string, T][] {
  return m instanceof Map ? [...m.entries()] : Object.entries(m as Record<string, T>);
}

/** A tf tensor holding the values of a parsed (or to-be-written) entry. */
export function entryToTensor(entry: SafetensorsTensor | SafetensorsEntry, name = '(tensor)'): tf.Tensor {
  const shape = [...entry.shape];
  const n = shapeSize(shape);
  const data = entry.data;
  if (isFloatDType(entry.dtype)) {
    const values = data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
    return tf.tensor(values, shape, 'float32');
  }
  if (entry.dtype === 'BOOL') {
    return tf.tensor(data instanceof Uint8Array ? data : Uint8Array.from(data as ArrayLike<number>), shape, 'bool');
  }
  if (data instanceof Int32Array) return tf.tensor(data, shape, 'int32');
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = Number(data[i]);
    if (!(v >= -2147483648 && v <= 2147483647) || !Number.isInteger(v)) {
      throw new MobileMMError(
        'INVALID_DTYPE',
        `tensor "${name}": ${entry.dtype} value ${String(data[i])} at index ${i} does not fit in int32 ` +
          '(tfjs has no 64-bit or unsigned 32-bit integers).',
        { tensor: name, dtype: entry.dtype, index: i },
      );
    }
    out[i] = v;
  }
  return tf.tensor(out, shape, 'int32');
}

/**
 * tf tensors for every entry (or those in `names`). Disposes what it created
 * if one conversion fails.
 */
export function entriesToTensors(
  entries: Named<SafetensorsTensor | SafetensorsEntry>,
  names?: readonly string[],
): Map<string, tf.Tensor> {
  const all = new Map(entriesOf(entries));
  const out = new Map<string, tf.Tensor>();
  try {
    for (const name of names ?? [...all.keys()]) {
      const entry = all.get(name);
      if (entry === undefined) {
        throw new MobileMMError('WEIGHTS_MISSING', `tensor "${name}" is not among the ${all.size} entries.`, {
          tensor: name,
        });
      }
      out.set(name, entryToTensor(entry, name));
    }
  } catch (e) {
    tf.dispose([...out.values()]);
    throw e;
  }
  return out;
}

/** The dtype a tensor is written as when none is asked for. */
function defaultDType(t: tf.Tensor, floatDType: SafetensorsDType): SafetensorsDType {
  switch (t.dtype) {
    case 'float32':
      return floatDType;
    case 'int32':
      return 'I32';
    case 'bool':
      return 'BOOL';
    default:
      throw new MobileMMError('INVALID_DTYPE', `tensors of dtype ${t.dtype} cannot be written; accepted: float32, int32, bool.`);
  }
}

/** Downloads `t` into an entry of `dtype` (default F32 / I32 / BOOL by tensor dtype). */
export async function tensorToEntry(t: tf.Tensor, dtype?: SafetensorsDType): Promise<SafetensorsEntry> {
  const target = dtype ?? defaultDType(t, 'F32');
  return { dtype: target, shape: [...t.shape], data: (await t.data()) as Float32Array | Int32Array | Uint8Array };
}

export interface TensorsToSafetensorsOptions {
  /** dtype per tensor name, overriding the defaults. */
  dtypes?: Readonly<Record<string, SafetensorsDType>>;
  /** dtype for float32 tensors without an entry in `dtypes`. Default 'F32'. */
  floatDType?: 'F32' | 'F16' | 'BF16';
  metadata?: Record<string, string>;
}

/** Entries for a set of tf tensors (values downloaded; tensors are not disposed). */
export async function tensorsToEntries(
  tensors: Named<tf.Tensor>,
  options: Omit<TensorsToSafetensorsOptions, 'metadata'> = {},
): Promise<Map<string, SafetensorsEntry>> {
  const out = new Map<string, SafetensorsEntry>();
  for (const [name, t] of entriesOf(tensors)) {
    if (!(t instanceof tf.Tensor)) {
      throw new MobileMMError('INVALID_ARGUMENT', `tensor "${name}" is not a tf.Tensor.`, { tensor: name });
    }
    const dtype = options.dtypes?.[name] ?? defaultDType(t, options.floatDType ?? 'F32');
    out.set(name, await tensorToEntry(t, dtype));
  }
  return out;
}

/** A safetensors file holding `tensors`. */
export async function tensorsToSafetensors(
  tensors: Named<tf.Tensor>,
  options: TensorsToSafetensorsOptions = {},
): Promise<Uint8Array> {
  const entries: SafetensorsEntries = await tensorsToEntries(tensors, options);
  return serializeSafetensors(entries, options.metadata);
}
