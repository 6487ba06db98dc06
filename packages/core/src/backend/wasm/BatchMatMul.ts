/**
 * BatchMatMul for the wasm backend that keeps every product on XNNPACK.
 *
 * tfjs-backend-wasm 4.22's C BatchMatMul calls XNNPACK (a fully-connected
 * operator) only when neither side is transposed and both have batch 1;
 * anything else runs a blocked scalar loop 5–10× slower — every matmul
 * gradient (they all transpose) and every attention product (batched). This
 * kernel reshapes the problem so each piece is an untransposed batch-1
 * product, and calls the stock C function (same cwrap) on it:
 *
 *   1. transposes are materialised with the wasm Transpose kernel:
 *        a → [Ba, M, K], b → [Bb, K, N]             (contiguous copies)
 *   2. Bb = 1 (a weight, or b broadcast): a's batch folds into rows,
 *        one [Ba·M, K] × [K, N] call                  → out [Ba·M, N]
 *   3. otherwise one call per batch entry i (Ba = Bb, or Ba = 1):
 *        a[i] [M, K] × b[i] [K, N] → out[i] [M, N]
 *      on views: C tensor ids registered over slices of the parents' heap
 *      memory (no copy), released with dispose_data and never freed.
 *
 * Legend: Ba, Bb = batch of a, b (product of the outer dims); M, K, N the
 * matrix dims after transposes; out = [broadcast(outer dims), M, N].
 * Broadcasting follows tfjs: outer dims broadcast with one side's batch 1.
 * Non-float32 inputs, zero-size dims, mismatched inner dims, other batch
 * combinations and small batched products go to the stock kernel.
 *
 * Measured (apps/bench/src/train-step, Node 20, wasm SIMD on, 1 thread,
 * 2-core Xeon dev VM; median CPU ms per call, variants interleaved):
 *
 *   shape (B·H = 128, D = 32)             stock    views   copies   cpu
 *   attn q·kᵀ    T=4   (512 MACs/matrix)   0.07     —¹      —¹       0.19
 *   attn q·kᵀ    T=8                      0.24     0.29    0.45     0.70
 *   attn p·v     T=8                      0.35     0.27    0.43     0.79
 *   attn q·kᵀ    T=16                     0.94     0.49    0.68     2.80
 *   attn p·v     T=32                     3.85     0.90    1.12    11.3
 *   attn pᵀ·dO   T=64                    15.7      3.25    3.39    44.7
 *   attn q·kᵀ    T=128                   63.9      8.72    8.93   188
 *   attn p·v     T=128                   56.8      7.08    7.94   163
 *   dense dY·Wᵀ  [2048,384]×[128,384]ᵀ   82.0      7.29 (fold)     253
 *   dense Xᵀ·dY  [2048,128]ᵀ×[2048,384]  85.8      8.67 (fold)     258
 *   dense x·W    [2048,128]×[128,384]     6.51     6.53 (stock path) 263
 *   ¹ below minLoopMacs: routed to the stock loop, which wins there
 *
 * So: views beat copied slices on every looped shape (by 0–40%; equal at
 * T=128), the loop beats the stock kernel from 2048 MACs per matrix up, and a
 * training step of a 0.93M-parameter encoder-decoder at batch 32 drops from
 * 2.79 s to 0.71 s CPU (apps/bench/results/train-step.md).
 */
import { BatchMatMul, Transpose, broadcast_util, getKernel } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { asWasmBackend, registerView, releaseView, tensorData, type WasmBackendLike } from './wasm-heap.js';

export interface BatchMatMulOptions {
  /**
   * How the per-batch loop hands slices to XNNPACK. 'views' registers ids
   * over the parents' memory; 'copies' copies each slice into a fresh tensor
   * and the result back. Kept for A/B measurement: 'views' measured faster
   * or equal on every looped shape (table above).
   */
  loop?: 'views' | 'copies';
  /**
   * Batched products (step 3) whose per-matrix work M·K·N is below this stay
   * on the stock scalar loop, where creating one XNNPACK operator per batch
   * entry costs more than it saves.
   */
  minLoopMacs?: number;
}

export const DEFAULT_BATCH_MAT_MUL_OPTIONS: Required<BatchMatMulOptions> = {
  loop: 'views',
  // Break-even measured on [128, T, 32]-shaped attention products, CPU ms
  // stock vs views with no threshold: T=4 (512 MACs/matrix) 0.08–0.13 vs
  // 0.23–0.27; T=8 (2048) q·kᵀ 0.22 vs 0.27 but p·v 0.33 vs 0.26; T=12 (4608)
  // 0.48–0.64 vs 0.34–0.36. Products of ≥ 2048 MACs per matrix take the loop.
  minLoopMacs: 2048,
};

export type BatchMatMulPlanKind =
  /** Stock kernel as is: already XNNPACK (no transposes, batch 1) or not for us. */
  | 'stock'
  /** One XNNPACK call with a's batch folded into rows. */
  | 'fold'
  /** One XNNPACK call per batch entry. */
  | 'loop';

export interface BatchMatMulPlan {
  kind: BatchMatMulPlanKind;
  /** Why 'stock' was chosen (for tests and debugging). */
  reason?: string;
  batchA: number;
  batchB: number;
  batch: number;
  m: number;
  k: number;
  n: number;
  outShape: number[];
}

const prod = (xs: readonly number[]): number => xs.reduce((p, d) => p * d, 1);

/** Pure: which path a BatchMatMul of these shapes takes. */
export function planBatchMatMul(
  aShape: readonly number[],
  bShape: readonly number[],
  transposeA: boolean,
  transposeB: boolean,
  options: BatchMatMulOptions = {}
): BatchMatMulPlan {
  const minLoopMacs = options.minLoopMacs ?? DEFAULT_BATCH_MAT_MUL_OPTIONS.minLoopMacs;
  const ra = aShape.length;
  const rb = bShape.length;
  const stock = (reason: string): BatchMatMulPlan => ({
    kind: 'stock',
    reason,
    batchA: 0,
    batchB: 0,
    batch: 0,
    m: 0,
    k: 0,
    n: 0,
    outShape: [],
  });
  if (ra < 2 || rb < 2) return stock('rank < 2');
  const m = transposeA ? aShape[ra - 1] : aShape[ra - 2];
  const k = transposeA ? aShape[ra - 2] : aShape[ra - 1];
  const kb = transposeB ? bShape[rb - 1] : bShape[rb - 2];
  const n = transposeB ? bShape[rb - 2] : bShape[rb - 1];
  if (k !== kb) return stock('inner dims differ');
  let outer: number[];
  try {
    outer = broadcast_util.assertAndGetBroadcastShape(aShape.slice(0, -2), bShape.slice(0, -2));
  } catch {
    return stock('outer dims do not broadcast');
  }
  const batchA = prod(aShape.slice(0, -2));
  const batchB = prod(bShape.slice(0, -2));
  const batch = Math.max(batchA, batchB);
  const plan = { batchA, batchB, batch, m, k, n, outShape: [...outer, m, n] };
  if (m * k * n === 0 || batch === 0) return { ...plan, kind: 'stock', reason: 'empty' };
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) return { ...plan, kind: 'stock', reason: 'batch broadcast' };
  if (batchB === 1) {
    if (batchA === 1 && !transposeA && !transposeB) return { ...plan, kind: 'stock', reason: 'already XNNPACK' };
    return { ...plan, kind: 'fold' };
  }
  if (m * k * n < minLoopMacs) return { ...plan, kind: 'stock', reason: 'small batched product' };
  return { ...plan, kind: 'loop' };
}

type CBatchMatMul = (
  aId: number,
  aShape: Uint8Array,
  aRank: number,
  bId: number,
  bShape: Uint8Array,
  bRank: number,
  transposeA: number,
  transposeB: number,
  outId: number
) => void;

// The same cwrap the stock kernel makes in its setupFunc, one per wasm module.
const cFunctions = new WeakMap<object, CBatchMatMul>();
function cBatchMatMul(backend: WasmBackendLike): CBatchMatMul {
  let f = cFunctions.get(backend.wasm);
  if (f === undefined) {
    f = backend.wasm.cwrap(BatchMatMul, null, [
      'number', // a_id
      'array', // a_shape (int32 bytes)
      'number', // a_shape length
      'number', // b_id
      'array', // b_shape
      'number', // b_shape length
      'number', // transpose_a
      'number', // transpose_b
      'number', // out_id
    ]) as CBatchMatMul;
    cFunctions.set(backend.wasm, f);
  }
  return f;
}

const shapeBytes = (shape: number[]): Uint8Array => new Uint8Array(new Int32Array(shape).buffer);

/** [batch, rows, cols] → [batch, cols, rows] as a new tensor, by the wasm Transpose kernel. */
function transposeLast2(
  backend: WasmBackendLike,
  x: TensorInfo,
  batch: number,
  rows: number,
  cols: number
): TensorInfo {
  const transpose = getKernel(Transpose, 'wasm');
  return transpose.kernelFunc({
    inputs: { x: { dataId: x.dataId, shape: [batch, rows, cols], dtype: x.dtype } },
    backend,
    attrs: { perm: [0, 2, 1] },
  }) as TensorInfo;
}

/**
 * The kernel body: a × b on XNNPACK per `plan` (not 'stock'). Inputs are
 * float32 wasm tensors; returns a new tensor of shape plan.outShape.
 */
export function batchMatMulImpl(
  backend: WasmBackendLike,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  plan: BatchMatMulPlan,
  options: BatchMatMulOptions = {}
): TensorInfo {
  const { batchA, batchB, batch, m, k, n } = plan;
  const call = cBatchMatMul(backend);
  const temps: TensorInfo[] = [];
  try {
    // 1. a → [Ba, M, K], b → [Bb, K, N], contiguous.
    let a3 = a;
    if (transposeA) temps.push((a3 = transposeLast2(backend, a, batchA, k, m)));
    let b3 = b;
    if (transposeB) temps.push((b3 = transposeLast2(backend, b, batchB, n, k)));
    const out = backend.makeOutput([batch, m, n], 'float32');
    try {
      runPlan(backend, call, a3, b3, out, plan, options);
    } catch (e) {
      backend.disposeData(out.dataId);
      throw e;
    }
    return { dataId: out.dataId, shape: plan.outShape, dtype: 'float32' };
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
}

function runPlan(
  backend: WasmBackendLike,
  call: CBatchMatMul,
  a3: TensorInfo,
  b3: TensorInfo,
  out: TensorInfo,
  plan: BatchMatMulPlan,
  options: BatchMatMulOptions
): void {
  const { batchA, batch, m, k, n } = plan;
  const aId = tensorData(backend, a3).id;
  const bShape = shapeBytes([1, k, n]);
  if (plan.kind === 'fold') {
    // 2. [Ba·M, K] × [K, N]: one call; b keeps its id, so XNNPACK's packed-weight cache on it is reused.
    const bId = tensorData(backend, b3).id;
    call(aId, shapeBytes([1, batchA * m, k]), 3, bId, bShape, 3, 0, 0, tensorData(backend, out).id);
    return;
  }
  if ((options.loop ?? DEFAULT_BATCH_MAT_MUL_OPTIONS.loop) === 'copies') {
    loopCopies(backend, call, a3, b3, out, plan);
    return;
  }
  // 3. One call per batch entry on views (byte offsets; float32 = 4 bytes).
  const aShape = shapeBytes([1, m, k]);
  const aBase = tensorData(backend, a3).memoryOffset;
  const bBase = tensorData(backend, b3).memoryOffset;
  const outBase = tensorData(backend, out).memoryOffset;
  for (let i = 0; i < batch; i++) {
    const av = batchA === 1 ? aId : registerView(backend, aBase + 4 * i * m * k, m * k);
    const bv = registerView(backend, bBase + 4 * i * k * n, k * n);
    const ov = registerView(backend, outBase + 4 * i * m * n, m * n);
    try {
      call(av, aShape, 3, bv, bShape, 3, 0, 0, ov);
    } finally {
      if (av !== aId) releaseView(backend, av);
      releaseView(backend, bv);
      releaseView(backend, ov);
    }
  }
}

/** Step 3 with each slice copied into its own tensor (the measured alternative to views). */
function loopCopies(
  backend: WasmBackendLike,
  call: CBatchMatMul,
  a3: TensorInfo,
  b3: TensorInfo,
  out: TensorInfo,
  plan: BatchMatMulPlan
): void {
  const { batchA, batch, m, k, n } = plan;
  const aShape = shapeBytes([1, m, k]);
  const bShape = shapeBytes([1, k, n]);
  for (let i = 0; i < batch; i++) {
    const as = backend.makeOutput([m, k], 'float32');
    const bs = backend.makeOutput([k, n], 'float32');
    const os = backend.makeOutput([m, n], 'float32');
    try {
      // Offsets re-read after every allocation; HEAPU8 fetched fresh (memory may have grown).
      const ai = batchA === 1 ? 0 : i;
      const aSrc = tensorData(backend, a3).memoryOffset + 4 * ai * m * k;
      const bSrc = tensorData(backend, b3).memoryOffset + 4 * i * k * n;
      backend.wasm.HEAPU8.copyWithin(tensorData(backend, as).memoryOffset, aSrc, aSrc + 4 * m * k);
      backend.wasm.HEAPU8.copyWithin(tensorData(backend, bs).memoryOffset, bSrc, bSrc + 4 * k * n);
      call(
        tensorData(backend, as).id,
        aShape,
        3,
        tensorData(backend, bs).id,
        bShape,
        3,
        0,
        0,
        tensorData(backend, os).id
      );
      const oSrc = tensorData(backend, os).memoryOffset;
      backend.wasm.HEAPU8.copyWithin(tensorData(backend, out).memoryOffset + 4 * i * m * n, oSrc, oSrc + 4 * m * n);
    } finally {
      backend.disposeData(as.dataId);
      backend.disposeData(bs.dataId);
      backend.disposeData(os.dataId);
    }
  }
}

/**
 * The fixed kernel over `stock` (tfjs-wasm's own BatchMatMul config, kept so
 * it can be called for the paths we do not take and re-registered to undo).
 */
export function createBatchMatMulConfig(stock: KernelConfig, options: BatchMatMulOptions = {}): KernelConfig {
  const kernelFunc = (args: { inputs: { a: TensorInfo; b: TensorInfo }; backend: unknown; attrs: NamedAttrMap }) => {
    const { a, b } = args.inputs;
    const transposeA = Boolean(args.attrs.transposeA);
    const transposeB = Boolean(args.attrs.transposeB);
    const backend = asWasmBackend(args.backend);
    if (backend !== null && a.dtype === 'float32' && b.dtype === 'float32') {
      const plan = planBatchMatMul(a.shape, b.shape, transposeA, transposeB, options);
      if (plan.kind !== 'stock') return batchMatMulImpl(backend, a, b, transposeA, transposeB, plan, options);
    }
    return stock.kernelFunc(args as Parameters<KernelFunc>[0]);
  };
  return {
    kernelName: BatchMatMul,
    backendName: 'wasm',
    kernelFunc: kernelFunc as unknown as KernelFunc,
    // Runs when a wasm backend starts while this config is registered: the
    // stock kernel's module-level cwrap must point at the new module too.
    setupFunc: stock.setupFunc,
    disposeFunc: stock.disposeFunc,
  };
}
