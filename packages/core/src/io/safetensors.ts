/**
 * The safetensors file format (https://github.com/huggingface/safetensors),
 * read and written in plain JS, identical in Node and the browser.
 *
 *   bytes 0..8        N: u64, little-endian — length of the JSON header
 *   bytes 8..8+N      UTF-8 JSON header, starting with '{'; on write padded
 *                     with spaces so that N is a multiple of 8:
 *                       { "__metadata__": {"key": "value", ...},       (optional)
 *                         "name": {"dtype": "F32", "shape": [2, 3],
 *                                  "data_offsets": [begin, end]}, ... }
 *   bytes 8+N..       the byte buffer. Each tensor occupies [begin, end) of it,
 *                     row-major, little-endian; the tensors tile the buffer
 *                     exactly: no gap, no overlap, nothing after the last.
 *
 * Writing orders tensors by element size (8-byte types first), then name, so
 * each tensor starts at a multiple of its element size: parsing such a file
 * gives typed-array views into the input bytes instead of copies.
 *
 * Malformed input fails with SAFETENSORS_CORRUPT and a message saying what is
 * wrong; a valid dtype this package cannot decode (F8_*, F4, ...) fails with
 * UNSUPPORTED.
 */
import { MobileMMError, type MobileMMErrorCode } from '../errors.js';
import {
  DTYPE_BYTES,
  INT_RANGE,
  LITTLE_ENDIAN_HOST,
  SAFETENSORS_DTYPES,
  UNSUPPORTED_SAFETENSORS_DTYPES,
  isSafetensorsDType,
  shapeSize,
  type SafetensorsDType,
  type SafetensorsData,
} from './dtypes.js';
import { bfloat16ToFloat32, float16ToFloat32, float32ToBfloat16, float32ToFloat16 } from './float16.js';

/** A tensor to write. `data` holds values (never raw bits), row-major. */
export interface SafetensorsEntry {
  dtype: SafetensorsDType;
  shape: readonly number[];
  /** Numbers; for I64/U64 also bigints or a BigInt64Array/BigUint64Array. */
  data: ArrayLike<number> | ArrayLike<bigint>;
}

/** A tensor read from a file. */
export interface SafetensorsTensor {
  dtype: SafetensorsDType;
  shape: number[];
  /**
   * Values (see dtypes.ts for the array type of each dtype). A view into the
   * parsed bytes when alignment allows and `copy` was not asked for, so it
   * aliases the input: F16/BF16 are always decoded into a new Float32Array.
   */
  data: SafetensorsData;
  /** The tensor's raw little-endian bytes inside the input (always a view). */
  bytes: Uint8Array;
}

export interface ParsedSafetensors {
  /** In file order (ascending data offset). */
  tensors: Map<string, SafetensorsTensor>;
  metadata: Record<string, string>;
  /** N, the JSON header's length in bytes. */
  headerLength: number;
}

export type SafetensorsEntries = ReadonlyMap<string, SafetensorsEntry> | Readonly<Record<string, SafetensorsEntry>>;

export interface ParseSafetensorsOptions {
  /** Copy every tensor's data into its own buffer instead of viewing the input. Default false. */
  copy?: boolean;
}

/** Largest header accepted, as in the reference Rust implementation. */
export const MAX_HEADER_LENGTH = 100_000_000;
const METADATA_KEY = '__metadata__';

function corrupt(message: string, details?: Record<string, unknown>): MobileMMError {
  return new MobileMMError('SAFETENSORS_CORRUPT', `safetensors: ${message}`, details);
}

function entriesOf<T>(m: ReadonlyMap<string, T> | Readonly<Record<string, T>>): [string, T][] {
  return m instanceof Map ? [...m.entries()] : Object.entries(m as Record<string, T>);
}

// ---------------------------------------------------------------- write

/**
 * Builds a safetensors file. Entries are validated first (INVALID_DTYPE,
 * INVALID_SHAPE or INVALID_ARGUMENT naming the tensor).
 */
export function serializeSafetensors(entries: SafetensorsEntries, metadata?: Record<string, string>): Uint8Array {
  const list = entriesOf(entries).map(([name, entry]) => ({ name, entry, data: encodeEntry(name, entry) }));
  // 8-byte types first, then by name: every tensor starts aligned to its element size.
  list.sort(
    (a, b) =>
      DTYPE_BYTES[b.entry.dtype] - DTYPE_BYTES[a.entry.dtype] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );

  // The header is assembled by hand so that names such as "__proto__" or "12"
  // keep their place and spelling (a JS object would not).
  const parts: string[] = [];
  if (metadata !== undefined) {
    if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
      throw new MobileMMError('INVALID_ARGUMENT', 'serializeSafetensors: metadata must be an object of strings.');
    }
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') {
        throw new MobileMMError(
          'INVALID_ARGUMENT',
          `serializeSafetensors: metadata["${k}"] must be a string, got ${typeof v} (safetensors metadata is string → string).`,
          { key: k },
        );
      }
    }
    parts.push(`${JSON.stringify(METADATA_KEY)}:${JSON.stringify(metadata)}`);
  }
  let offset = 0;
  for (const { name, entry, data } of list) {
    const info = { dtype: entry.dtype, shape: [...entry.shape], data_offsets: [offset, offset + data.length] };
    parts.push(`${JSON.stringify(name)}:${JSON.stringify(info)}`);
    offset += data.length;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;

  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength, true); // u64 LE: low word, high word (0)
  view.setUint32(4, 0, true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength); // pad with spaces
  let at = 8 + headerLength;
  for (const { data } of list) {
    out.set(data, at);
    at += data.length;
  }
  return out;
}

function badEntry(name: string, message: string, code: MobileMMErrorCode = 'INVALID_ARGUMENT'): MobileMMError {
  return new MobileMMError(code, `serializeSafetensors: tensor "${name}": ${message}`, { tensor: name });
}

/** The little-endian bytes of one entry's values. */
function encodeEntry(name: string, entry: SafetensorsEntry): Uint8Array {
  if (name === '' || name === METADATA_KEY) throw badEntry(name, 'this name is not allowed.');
  if (typeof entry !== 'object' || entry === null) throw badEntry(name, 'entry must be {dtype, shape, data}.');
  const { dtype, shape, data } = entry;
  if (!isSafetensorsDType(dtype)) {
    throw badEntry(name, `unknown dtype ${JSON.stringify(dtype)}; accepted: ${SAFETENSORS_DTYPES.join(', ')}.`, 'INVALID_DTYPE');
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw badEntry(name, `shape ${JSON.stringify(shape)} must be an array of non-negative integers.`, 'INVALID_SHAPE');
  }
  const n = shapeSize(shape);
  if (data === null || typeof data !== 'object' || typeof data.length !== 'number') {
    throw badEntry(name, 'data must be an array or typed array.');
  }
  if (data.length !== n) {
    throw badEntry(name, `shape [${shape.join(', ')}] holds ${n} values but data has ${data.length}.`, 'INVALID_SHAPE');
  }
  return toLittleEndianBytes(storageArray(name, dtype, data, n));
}

/** The array whose in-memory elements are exactly the stored elements. */
function storageArray(
  name: string,
  dtype: SafetensorsDType,
  data: ArrayLike<number> | ArrayLike<bigint>,
  n: number,
): SafetensorsData {
  const isTyped = ArrayBuffer.isView(data);
  const nums = data as ArrayLike<number>;
  if (dtype === 'I64' || dtype === 'U64') {
    if (dtype === 'I64' && data instanceof BigInt64Array) return data;
    if (dtype === 'U64' && data instanceof BigUint64Array) return data;
    const out = dtype === 'I64' ? new BigInt64Array(n) : new BigUint64Array(n);
    const lo = dtype === 'I64' ? -(1n << 63n) : 0n;
    const hi = dtype === 'I64' ? (1n << 63n) - 1n : (1n << 64n) - 1n;
    for (let i = 0; i < n; i++) {
      const v = data[i];
      if (typeof v === 'number' && !Number.isSafeInteger(v)) {
        throw badEntry(name, `value ${v} at index ${i} is not a safe integer (pass bigints for larger ${dtype} values).`);
      }
      if (typeof v !== 'number' && typeof v !== 'bigint') throw badEntry(name, `value at index ${i} is not a number.`);
      const b = BigInt(v);
      if (b < lo || b > hi) throw badEntry(name, `value ${b} at index ${i} is outside the ${dtype} range.`);
      out[i] = b;
    }
    return out;
  }
  if (!isTyped) {
    for (let i = 0; i < n; i++) {
      if (typeof nums[i] !== 'number') {
        throw badEntry(name, `value at index ${i} is a ${typeof nums[i]}, not a number (dtype ${dtype}).`);
      }
    }
  }
  switch (dtype) {
    case 'F64':
      return data instanceof Float64Array ? data : Float64Array.from(nums);
    case 'F32':
      return data instanceof Float32Array ? data : Float32Array.from(nums);
    case 'F16':
      return float32ToFloat16(nums);
    case 'BF16':
      return float32ToBfloat16(nums);
    default: {
      const [lo, hi] = INT_RANGE[dtype]!;
      const Ctor = INT_CTORS[dtype];
      if (data instanceof Ctor) return data;
      for (let i = 0; i < n; i++) {
        const v = nums[i];
        if (!Number.isInteger(v) || v < lo || v > hi) {
          throw badEntry(name, `value ${v} at index ${i} is not an integer in [${lo}, ${hi}] (dtype ${dtype}).`);
        }
      }
      return Ctor.from(nums);
    }
  }
}

type IntCtor =
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int8ArrayConstructor
  | Uint8ArrayConstructor;
const INT_CTORS: Record<'I32' | 'U32' | 'I16' | 'U16' | 'I8' | 'U8' | 'BOOL', IntCtor> = {
  I32: Int32Array,
  U32: Uint32Array,
  I16: Int16Array,
  U16: Uint16Array,
  I8: Int8Array,
  U8: Uint8Array,
  BOOL: Uint8Array,
};

function toLittleEndianBytes(a: SafetensorsData): Uint8Array {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  return LITTLE_ENDIAN_HOST ? bytes : swapBytes(bytes.slice(), a.BYTES_PER_ELEMENT);
}

/** Reverses the byte order of each `size`-byte element, in place. */
function swapBytes(bytes: Uint8Array, size: number): Uint8Array {
  if (size > 1) {
    for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
  }
  return bytes;
}

// ---------------------------------------------------------------- read

/** Parses a safetensors file; see the module comment for what is checked. */
export function parseSafetensors(
  input: ArrayBuffer | ArrayBufferView,
  options: ParseSafetensorsOptions = {},
): ParsedSafetensors {
  const bytes = ArrayBuffer.isView(input)
    ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength)
    : input instanceof ArrayBuffer
      ? new Uint8Array(input)
      : null;
  if (bytes === null) {
    throw new MobileMMError('INVALID_ARGUMENT', 'parseSafetensors: input must be an ArrayBuffer or a Uint8Array.');
  }
  if (bytes.length < 8) {
    throw corrupt(`file is ${bytes.length} bytes, too short for the 8-byte header length.`, { size: bytes.length });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = view.getUint32(0, true);
  const hi = view.getUint32(4, true);
  const headerLength = hi * 2 ** 32 + lo;
  if (headerLength > MAX_HEADER_LENGTH) {
    throw corrupt(`header length ${headerLength} exceeds the ${MAX_HEADER_LENGTH}-byte limit.`, { headerLength });
  }
  if (headerLength > bytes.length - 8) {
    throw corrupt(
      `header length ${headerLength} is larger than the ${bytes.length - 8} bytes after the length field ` +
        '(truncated file?).',
      { headerLength, size: bytes.length },
    );
  }
  if (headerLength < 2 || bytes[8] !== 0x7b /* '{' */) {
    throw corrupt('the header must be a JSON object starting with "{".', { headerLength });
  }
  let header: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
    header = JSON.parse(text);
  } catch (e) {
    throw corrupt(`the header is not valid UTF-8 JSON (${(e as Error).message}).`, { headerLength });
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw corrupt('the header must be a JSON object.');
  }

  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const infos: { name: string; dtype: SafetensorsDType; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === METADATA_KEY) {
      if (raw === null) continue;
      if (typeof raw !== 'object' || Array.isArray(raw)) throw corrupt('"__metadata__" must be an object of strings.');
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== 'string') throw corrupt(`"__metadata__"["${k}"] must be a string, got ${JSON.stringify(v)}.`);
        metadata[k] = v;
      }
      continue;
    }
    infos.push({ name, ...readInfo(name, raw, dataLength) });
  }

  // The tensors must tile [0, dataLength) exactly.
  infos.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expectedBegin = 0;
  let previous = '';
  for (const t of infos) {
    if (t.begin < expectedBegin) {
      throw corrupt(
        `tensor "${t.name}" data_offsets [${t.begin}, ${t.end}] overlap tensor "${previous}" (which ends at ${expectedBegin}).`,
        { tensor: t.name },
      );
    }
    if (t.begin > expectedBegin) {
      throw corrupt(
        `tensor "${t.name}" starts at ${t.begin} but the previous tensor ends at ${expectedBegin}: ` +
          `${t.begin - expectedBegin} bytes unaccounted for.`,
        { tensor: t.name },
      );
    }
    expectedBegin = t.end;
    previous = t.name;
  }
  if (expectedBegin !== dataLength) {
    throw corrupt(`the tensors cover ${expectedBegin} bytes of data but the file holds ${dataLength} after the header.`, {
      covered: expectedBegin,
      dataLength,
    });
  }

  const tensors = new Map<string, SafetensorsTensor>();
  for (const t of infos) {
    const raw = bytes.subarray(dataStart + t.begin, dataStart + t.end);
    tensors.set(t.name, {
      dtype: t.dtype,
      shape: t.shape,
      data: decodeBytes(t.dtype, raw, options.copy ?? false),
      bytes: raw,
    });
  }
  return { tensors, metadata, headerLength };
}

function readInfo(
  name: string,
  raw: unknown,
  dataLength: number,
): { dtype: SafetensorsDType; shape: number[]; begin: number; end: number } {
  const where = `tensor "${name}"`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw corrupt(`${where}: entry must be an object {dtype, shape, data_offsets}.`, { tensor: name });
  }
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (!isSafetensorsDType(dtype)) {
    if (typeof dtype === 'string' && UNSUPPORTED_SAFETENSORS_DTYPES.includes(dtype)) {
      throw new MobileMMError(
        'UNSUPPORTED',
        `safetensors: ${where} has dtype ${dtype}, which this reader does not decode; ` +
          `supported: ${SAFETENSORS_DTYPES.join(', ')}.`,
        { tensor: name, dtype },
      );
    }
    throw corrupt(`${where}: unknown dtype ${JSON.stringify(dtype)}; supported: ${SAFETENSORS_DTYPES.join(', ')}.`, {
      tensor: name,
    });
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw corrupt(`${where}: shape ${JSON.stringify(shape)} must be an array of non-negative integers.`, { tensor: name });
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
    offsets[0] > offsets[1]
  ) {
    throw corrupt(`${where}: data_offsets ${JSON.stringify(offsets)} must be [begin, end] integers with 0 ≤ begin ≤ end.`, {
      tensor: name,
    });
  }
  const [begin, end] = offsets as [number, number];
  if (end > dataLength) {
    throw corrupt(
      `${where}: data_offsets [${begin}, ${end}] run past the end of the data (${dataLength} bytes after the header).`,
      { tensor: name },
    );
  }
  const expected = shapeSize(shape) * DTYPE_BYTES[dtype];
  if (end - begin !== expected) {
    throw corrupt(
      `${where}: shape [${shape.join(', ')}] of ${dtype} needs ${expected} bytes but data_offsets give ${end - begin}.`,
      { tensor: name, expectedBytes: expected, actualBytes: end - begin },
    );
  }
  return { dtype, shape: [...shape] as number[], begin, end };
}

type ViewCtor = {
  new (length: number): SafetensorsData;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): SafetensorsData;
  readonly BYTES_PER_ELEMENT: number;
};

const VIEW_CTORS: Record<SafetensorsDType, ViewCtor> = {
  F64: Float64Array,
  F32: Float32Array,
  F16: Uint16Array,
  BF16: Uint16Array,
  I64: BigInt64Array,
  U64: BigUint64Array,
  I32: Int32Array,
  U32: Uint32Array,
  I16: Int16Array,
  U16: Uint16Array,
  I8: Int8Array,
  U8: Uint8Array,
  BOOL: Uint8Array,
};

/** Stored little-endian bytes → the value array for `dtype`. */
function decodeBytes(dtype: SafetensorsDType, raw: Uint8Array, copy: boolean): SafetensorsData {
  const Ctor = VIEW_CTORS[dtype];
  const size = Ctor.BYTES_PER_ELEMENT;
  const n = raw.length / size;
  let elements: SafetensorsData;
  if (LITTLE_ENDIAN_HOST && !copy && raw.byteOffset % size === 0) {
    elements = new Ctor(raw.buffer, raw.byteOffset, n); // zero-copy view
  } else {
    elements = new Ctor(n);
    const dst = new Uint8Array(elements.buffer);
    dst.set(raw);
    if (!LITTLE_ENDIAN_HOST) swapBytes(dst, size);
  }
  if (dtype === 'F16') return float16ToFloat32(elements as Uint16Array);
  if (dtype === 'BF16') return bfloat16ToFloat32(elements as Uint16Array);
  return elements;
}
