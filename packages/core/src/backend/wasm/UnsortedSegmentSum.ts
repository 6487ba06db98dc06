/**
 * UnsortedSegmentSum for the wasm backend, in JS over the wasm heap.
 *
 * tfjs-backend-wasm 4.22 registers no UnsortedSegmentSum, and the gradient of
 * `gather` (so of every embedding lookup) calls it: without this kernel
 * `tf.grad` of an embedding fails on wasm.
 *
 * Semantics (TensorFlow's): the ids' shape is a prefix of x's shape; with
 * S = numSegments, R = x.shape.slice(ids.rank) and I the index of ids,
 *
 *   out[s, ...r] = Σ_{I : ids[I] = s} x[I, ...r]        out: [S, ...R], dtype of x
 *
 * Ids outside [0, S) are skipped. Sums run in float64 in increasing I and are
 * rounded once, like tfjs-backend-cpu (mask·x summed over axis 0 in doubles),
 * so float32 results match cpu bit for bit; int32 sums wrap like C int32.
 *
 * tfjs-backend-cpu itself only handles 1-D ids (rank-2..r-1 ids throw a
 * broadcast error there, rank-r ids give a per-position sum): tests compare
 * rank > 1 ids against cpu on the flattened problem, which is this definition.
 */
import { UnsortedSegmentSum } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { MobileMMError } from '../../errors.js';
import { asWasmBackend, heapView } from './wasm-heap.js';

/**
 * Reference and fast path in one: `x` viewed as [ids.length, inner], `out` as
 * [numSegments, inner]. Every element of `out` is written.
 */
export function unsortedSegmentSumImpl(
  x: ArrayLike<number>,
  ids: ArrayLike<number>,
  inner: number,
  numSegments: number,
  out: Float32Array | Int32Array
): void {
  const n = ids.length;
  // Counting sort of the rows by segment, so each output row is summed once in a double accumulator.
  const start = new Int32Array(numSegments + 1);
  for (let i = 0; i < n; i++) {
    const s = ids[i];
    if (s >= 0 && s < numSegments) start[s + 1]++;
  }
  for (let s = 0; s < numSegments; s++) start[s + 1] += start[s];
  const rows = new Int32Array(start[numSegments]);
  const cursor = start.slice(0, numSegments);
  for (let i = 0; i < n; i++) {
    const s = ids[i];
    if (s >= 0 && s < numSegments) rows[cursor[s]++] = i;
  }
  const acc = new Float64Array(inner);
  const wrap = out instanceof Int32Array;
  for (let s = 0; s < numSegments; s++) {
    const o = s * inner;
    const first = start[s];
    const end = start[s + 1];
    if (first === end) {
      out.fill(0, o, o + inner);
      continue;
    }
    acc.fill(0);
    for (let r = first; r < end; r++) {
      const xo = rows[r] * inner;
      if (wrap) for (let j = 0; j < inner; j++) acc[j] = (acc[j] + x[xo + j]) | 0;
      else for (let j = 0; j < inner; j++) acc[j] += x[xo + j];
    }
    out.set(acc, o);
  }
}

/** Output shape and inner size; throws INVALID_SHAPE / INVALID_DTYPE / INVALID_ARGUMENT naming the problem. */
export function unsortedSegmentSumShape(
  xShape: readonly number[],
  idsShape: readonly number[],
  numSegments: number
): { outShape: number[]; numIds: number; inner: number } {
  if (!Number.isInteger(numSegments) || numSegments < 0) {
    throw new MobileMMError(
      'INVALID_ARGUMENT',
      `UnsortedSegmentSum: numSegments must be an integer ≥ 0, got ${numSegments}.`
    );
  }
  const prefix = idsShape.length <= xShape.length && idsShape.every((d, i) => d === xShape[i]);
  if (!prefix) {
    throw new MobileMMError(
      'INVALID_SHAPE',
      `UnsortedSegmentSum: segmentIds shape [${idsShape}] must be a prefix of x's shape [${xShape}].`,
      { xShape: [...xShape], idsShape: [...idsShape] }
    );
  }
  const rest = xShape.slice(idsShape.length);
  return {
    outShape: [numSegments, ...rest],
    numIds: idsShape.reduce((p, d) => p * d, 1),
    inner: rest.reduce((p, d) => p * d, 1),
  };
}

function unsortedSegmentSum(args: {
  inputs: { x: TensorInfo; segmentIds: TensorInfo };
  backend: unknown;
  attrs: NamedAttrMap;
}): TensorInfo {
  const { x, segmentIds } = args.inputs;
  const numSegments = args.attrs.numSegments as number;
  const backend = asWasmBackend(args.backend);
  if (backend === null)
    throw new MobileMMError('BACKEND_UNAVAILABLE', 'UnsortedSegmentSum: not a tfjs-backend-wasm 4.x backend.');
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new MobileMMError('INVALID_DTYPE', `UnsortedSegmentSum: x must be float32 or int32, got ${x.dtype}.`);
  }
  if (segmentIds.dtype !== 'int32') {
    throw new MobileMMError('INVALID_DTYPE', `UnsortedSegmentSum: segmentIds must be int32, got ${segmentIds.dtype}.`);
  }
  const { outShape, numIds, inner } = unsortedSegmentSumShape(x.shape, segmentIds.shape, numSegments);
  // Allocate first: makeOutput may grow the heap and detach older views.
  const out = backend.makeOutput(outShape, x.dtype);
  const outVals = heapView(backend, out, numSegments * inner);
  const xVals = heapView(backend, x, numIds * inner);
  const idVals = heapView(backend, segmentIds, numIds);
  unsortedSegmentSumImpl(xVals, idVals, inner, numSegments, outVals);
  return out;
}

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as unknown as KernelFunc,
};
