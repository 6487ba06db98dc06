/**
 * Checking loaded weights against what a model expects: names, shapes, dtypes.
 *
 *   checkWeights(parsed.tensors, { 'embed.weight': { shape: [71, 64], dtype: 'F32' } });
 *
 * All problems are collected and reported in one error, whose code is that of
 * the first kind found in this order:
 *   WEIGHTS_MISSING   an expected tensor is absent
 *   WEIGHTS_MISMATCH  a tensor has another shape or dtype (expected vs actual),
 *                     or the file holds tensors the spec does not name
 *                     (unless allowUnexpected is set)
 * `details` lists every problem: {tensor, missing, mismatched, unexpected}.
 */
import { MobileMMError } from '../errors.js';
import type { SafetensorsDType } from './dtypes.js';

export interface ExpectedTensor {
  shape: readonly number[];
  /** Omit to accept any dtype. */
  dtype?: SafetensorsDType | readonly SafetensorsDType[];
}

export type WeightSpec = Readonly<Record<string, ExpectedTensor>>;

export interface TensorMismatch {
  tensor: string;
  expected: { shape: number[]; dtype?: SafetensorsDType | SafetensorsDType[] };
  actual: { shape: number[]; dtype: SafetensorsDType };
}

export interface CheckWeightsOptions {
  /** Accept tensors the spec does not name. Default false. */
  allowUnexpected?: boolean;
}

type Described = { shape: readonly number[]; dtype: SafetensorsDType };

const fmtShape = (s: readonly number[]): string => `[${s.join(', ')}]`;
const fmtDType = (d: SafetensorsDType | readonly SafetensorsDType[]): string =>
  typeof d === 'string' ? d : d.join(' or ');
const LIST_LIMIT = 10;
const fmtList = (names: string[]): string =>
  names
    .slice(0, LIST_LIMIT)
    .map((n) => `"${n}"`)
    .join(', ') + (names.length > LIST_LIMIT ? ` and ${names.length - LIST_LIMIT} more` : '');

/** Throws WEIGHTS_MISSING / WEIGHTS_MISMATCH unless `tensors` match `spec`. */
export function checkWeights(
  tensors: ReadonlyMap<string, Described> | Readonly<Record<string, Described>>,
  spec: WeightSpec,
  options: CheckWeightsOptions = {},
): void {
  const have: ReadonlyMap<string, Described> =
    tensors instanceof Map
      ? (tensors as ReadonlyMap<string, Described>)
      : new Map(Object.entries(tensors as Record<string, Described>));
  const missing: string[] = [];
  const mismatched: TensorMismatch[] = [];
  for (const [name, want] of Object.entries(spec)) {
    const got = have.get(name);
    if (got === undefined) {
      missing.push(name);
      continue;
    }
    const shapeOk = got.shape.length === want.shape.length && got.shape.every((d, i) => d === want.shape[i]);
    const dtypeOk =
      want.dtype === undefined ||
      (typeof want.dtype === 'string' ? got.dtype === want.dtype : want.dtype.includes(got.dtype));
    if (!shapeOk || !dtypeOk) {
      mismatched.push({
        tensor: name,
        expected: {
          shape: [...want.shape],
          ...(want.dtype === undefined ? {} : { dtype: typeof want.dtype === 'string' ? want.dtype : [...want.dtype] }),
        },
        actual: { shape: [...got.shape], dtype: got.dtype },
      });
    }
  }
  const unexpected = options.allowUnexpected ? [] : [...have.keys()].filter((n) => !(n in spec));
  if (missing.length === 0 && mismatched.length === 0 && unexpected.length === 0) return;

  const lines: string[] = [];
  if (missing.length > 0) lines.push(`missing ${missing.length} tensor(s): ${fmtList(missing)}`);
  for (const m of mismatched.slice(0, LIST_LIMIT)) {
    const e = m.expected;
    lines.push(
      `tensor "${m.tensor}": expected shape ${fmtShape(e.shape)}${e.dtype ? ` ${fmtDType(e.dtype)}` : ''}, ` +
        `got ${fmtShape(m.actual.shape)} ${m.actual.dtype}`,
    );
  }
  if (mismatched.length > LIST_LIMIT) lines.push(`and ${mismatched.length - LIST_LIMIT} more mismatched tensors`);
  if (unexpected.length > 0) {
    lines.push(`${unexpected.length} unexpected tensor(s) not in the spec: ${fmtList(unexpected)}`);
  }
  const code = missing.length > 0 ? 'WEIGHTS_MISSING' : 'WEIGHTS_MISMATCH';
  const first = missing[0] ?? mismatched[0]?.tensor ?? unexpected[0];
  throw new MobileMMError(code, `Weights do not match the model: ${lines.join('; ')}.`, {
    tensor: first,
    missing,
    mismatched,
    unexpected,
  });
}
