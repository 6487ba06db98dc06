/**
 * The safetensors dtypes this package reads and writes, their sizes and the
 * JS arrays that hold their values.
 *
 *   dtype   bytes  values in JS                  tf tensor (entryToTensor)
 *   F64     8      Float64Array                  float32 (rounded)
 *   F32     4      Float32Array                  float32
 *   F16     2      Float32Array (decoded)        float32
 *   BF16    2      Float32Array (decoded)        float32
 *   I64     8      BigInt64Array                 int32 (range-checked)
 *   U64     8      BigUint64Array                int32 (range-checked)
 *   I32     4      Int32Array                    int32
 *   U32     4      Uint32Array                   int32 (range-checked)
 *   I16     2      Int16Array                    int32
 *   U16     2      Uint16Array                   int32
 *   I8      1      Int8Array                     int32
 *   U8      1      Uint8Array                    int32 (tfjs has no uint8)
 *   BOOL    1      Uint8Array (0 / 1)            bool
 *
 * Other dtypes of the format (F8_E4M3, F8_E5M2, F8_E8M0, F6_*, F4, C64) are
 * recognised and rejected with UNSUPPORTED; any other string is corruption.
 */

export const SAFETENSORS_DTYPES = [
  'F64',
  'F32',
  'F16',
  'BF16',
  'I64',
  'U64',
  'I32',
  'U32',
  'I16',
  'U16',
  'I8',
  'U8',
  'BOOL',
] as const;
export type SafetensorsDType = (typeof SAFETENSORS_DTYPES)[number];

/** Valid safetensors dtypes this package does not decode. */
export const UNSUPPORTED_SAFETENSORS_DTYPES: readonly string[] = [
  'F8_E4M3',
  'F8_E5M2',
  'F8_E8M0',
  'F6_E2M3',
  'F6_E3M2',
  'F4',
  'C64',
];

export const DTYPE_BYTES: Readonly<Record<SafetensorsDType, number>> = Object.freeze({
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  U64: 8,
  I32: 4,
  U32: 4,
  I16: 2,
  U16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
});

/** Values of one tensor as held in JS (see the table above). */
export type SafetensorsData =
  | Float64Array
  | Float32Array
  | BigInt64Array
  | BigUint64Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array;

/** Integer range of each integer dtype that is held as JS numbers. */
export const INT_RANGE: Readonly<Partial<Record<SafetensorsDType, readonly [number, number]>>> = Object.freeze({
  I32: [-2147483648, 2147483647],
  U32: [0, 4294967295],
  I16: [-32768, 32767],
  U16: [0, 65535],
  I8: [-128, 127],
  U8: [0, 255],
  BOOL: [0, 1],
});

export function isSafetensorsDType(s: unknown): s is SafetensorsDType {
  return typeof s === 'string' && (SAFETENSORS_DTYPES as readonly string[]).includes(s);
}

export function isFloatDType(d: SafetensorsDType): boolean {
  return d === 'F64' || d === 'F32' || d === 'F16' || d === 'BF16';
}

/** Product of a shape (1 for a scalar). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** True when this machine stores numbers little-endian (every mainstream CPU). */
export const LITTLE_ENDIAN_HOST: boolean = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
