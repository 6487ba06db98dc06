/**
 * Int2MatMul on wasm: y[M, N] = x[M, K] · ŵ[K, N] (+ bias[N]), ŵ = scale·q + min.
 *
 * Paths (setWasmMatMulPath; 'auto' = int16 for every shape, see below):
 *
 *   int16   (default) int2-simd.wat: each row of x is rounded per group of G to
 *           integers xq = round(x / sa), sa = max|x| / 32767, and Σ q·xq runs
 *           on `i32x4.dot_i16x8_s` straight from the packed bytes (see the
 *           .wat header). Exact in int32 per group; y = Σ_g s·sa·acc + Σ_g
 *           min·Σx. Rounding moves each activation by ≤ 0.5·sa ≈ 1.5e-5 of its
 *           group's max: output rel. RMSE vs float64 3e-5 … 9e-5 (below).
 *   int8    W2A8: the same kernel with sa = max|x| / 127, same speed (the dot
 *           product is 16-bit either way), ≈ 250× the rounding (rel. RMSE
 *           ≈ 1e-2). Kept for comparison with int8-activation kernels.
 *   unpack  `unpack` (SIMD) to a float32 [K, N] temporary, then the backend's
 *           XNNPACK matmul (`_FusedMatMul`, which adds the bias); the
 *           temporary is disposed. Float32 accuracy (rel. RMSE ≈ 5e-7), but
 *           XNNPACK packs a new weight on every call (≈ 10 ms at 1024²), so it
 *           never won: int16 was faster at every M measured, up to 1024 rows.
 *           Use it where activation rounding is unwelcome.
 *
 * A float32-activation SIMD GEMV (codes → f32, mul, add) was not built: it
 * needs ≈ 3× the instructions of the int16 path (widen + convert per code),
 * and int16 activations already come within 1e-4 of float32.
 *
 * Measured (scripts/bench-wasm.mjs: Node 20, one thread, Xeon with AVX-512, a
 * busy shared machine, so CPU ms per call, median of 15 interleaved samples;
 * float32 = tf.matMul on the same backend, its packed weight cached):
 *
 *   2-bit, G = 64            float32   int16   speedup | unpack+XNNPACK
 *   [1,256]×[256,256]         0.010    0.007    1.5×   |   0.29
 *   [1,512]×[512,512]         0.025    0.018    1.4×   |   1.2
 *   [1,1024]×[1024,1024]      0.209    0.063    3.3×   |  12
 *   [1,2048]×[2048,2048]      0.760    0.239    3.2×   |  63
 *   [16,256]×[256,256]        0.070    0.065    1.07×  |   0.33
 *   [16,512]×[512,512]        0.262    0.223    1.16×  |   1.4
 *   [16,1024]×[1024,1024]     1.13     0.81     1.40×  |  13
 *   [16,2048]×[2048,2048]     4.72     3.26     1.45×  |  63
 *   [256,1024]×[1024,1024]   18.0     13.6      1.3×   |  31
 *   [1024,512]×[512,512]     17.1     15.1      1.1×   |  19
 *   [1024,2048]×[2048,2048] 302      224        1.35×  | 366
 *   1024², M = 1 / 16: G 32 3.1× / 1.2×, G 128 3.3× / 1.6×, 4-bit 3.4× / 1.5×,
 *   8-bit 3.4× / 1.7×. int8 runs at the int16 speed; 'copy' memory mode at
 *   +5–50 % (wasm-module.ts). First call: ≈ 6 ms (compile + instantiate).
 *
 * GEMV wins by reading 2 bits per weight instead of 32 (float32 is memory-bound
 * once W leaves L2); with more rows both are compute-bound and the 16-bit dot
 * product (8 MACs per instruction) still beats XNNPACK's f32 mul + add.
 */
import { getKernel, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { MobileMMError } from '@mobile-mm/core';
import { Int2MatMul, type Int2MatMulAttrs, type Int2MatMulInputs, type QuantAttrs } from '../kernel-names.js';
import { numGroups, paddedInDim } from '../format.js';
import { beginCall, type MatMulBlockFn, type WasmCall } from './wasm-module.js';
import { unpackToTensor, type PackedPointers } from './Int2Unpack.js';
import { checkPacked, checkQuantAttrs, checkTensor } from './validate.js';
import { applyActivation, checkActivation } from '../activation.js';

export type WasmMatMulPath = 'auto' | 'int16' | 'int8' | 'unpack';
const PATHS: readonly WasmMatMulPath[] = ['auto', 'int16', 'int8', 'unpack'];

let pathSetting: WasmMatMulPath = 'auto';

/** Forces one Int2MatMul path on wasm ('auto', the default, picks as in the header). */
export function setWasmMatMulPath(path: WasmMatMulPath): void {
  if (!PATHS.includes(path)) {
    throw new MobileMMError('INVALID_ARGUMENT', `setWasmMatMulPath: "${String(path)}"; accepted: ${PATHS.join(', ')}.`);
  }
  pathSetting = path;
}

export function getWasmMatMulPath(): WasmMatMulPath {
  return pathSetting;
}

/**
 * The path a call takes under the current setting. 'auto' is the int16 path
 * for every shape: it was the fastest at every M measured (1 … 1024, see the
 * header), unpack + XNNPACK included.
 */
export function chooseMatMulPath(): Exclude<WasmMatMulPath, 'auto'> {
  return pathSetting === 'auto' ? 'int16' : pathSetting;
}

/** Largest activation code: int16 and int8 (W2A8). */
export const ACT_QMAX = { int16: 32767, int8: 127 } as const;

export interface MatMulPointers extends PackedPointers {
  x: number;
  /** 0 when there is no bias. */
  bias: number;
  out: number;
}

/**
 * The integer path on pointers in `call`'s memory: quantizes x's M rows with
 * `qmax`, then runs the row kernels. Inputs are already validated.
 */
export function int2MatMulIntImpl(call: WasmCall, p: MatMulPointers, M: number, attrs: QuantAttrs, qmax: number): void {
  const { bits, groupSize: G, inDim: K, outDim: N } = attrs;
  const e = call.exports;
  const ng = numGroups(K, G);
  const kp = paddedInDim(K, G);
  const rowBytes = (kp * bits) / 8;
  // A chunk is 16 code bytes = 128/b codes (see the .wat header).
  const codesPerChunk = 128 / bits;
  // Activation rows: whole chunks of int16, zero-padded past K.
  const stride = Math.ceil(kp / codesPerChunk) * codesPerChunk * 2;
  // 2-bit, G = 32: one chunk (64 codes) spans two groups ("pair" mode, see the .wat).
  const pair = bits === 2 && G === 32 ? 1 : 0;
  const cps = pair ? 1 : G / codesPerChunk;

  const xq = call.scratch(M * stride);
  const sa = call.scratch(M * ng * 4);
  const xs = call.scratch(M * ng * 4);
  const xsT = call.scratch(M * ng * 4);
  const saT = call.scratch(M * ng * 4);
  let lastCol = p.codes + (N - 1) * rowBytes;
  if (pair && ng % 2 === 1) {
    // The last column's final half chunk would read 8 bytes past the tensor:
    // give it a copy padded to a whole chunk.
    const padded = call.scratch(rowBytes + 8);
    const heap = new Uint8Array(call.buffer());
    heap.copyWithin(padded, lastCol, lastCol + rowBytes);
    heap.fill(0, padded + rowBytes, padded + rowBytes + 8);
    lastCol = padded;
  }

  e.quant_act(p.x, M, K, G, ng, bits, qmax, xq, stride, sa, xs, xsT, saT);
  const [r4, r1c4, r1] =
    bits === 2
      ? [e.mm2_r4, e.mm2_r1c4, e.mm2_r1]
      : bits === 4
      ? [e.mm4_r4, e.mm4_r1c4, e.mm4_r1]
      : [e.mm8_r4, e.mm8_r1c4, e.mm8_r1];
  const hasBias = p.bias !== 0 ? 1 : 0;
  const n4 = N & ~3;
  // Blocks of 4 rows × 1 column, then single rows 4 columns at a time, then the last N mod 4 columns.
  // prettier-ignore
  const shared = [
    xq, stride, sa, xs, xsT, saT, M, p.codes, rowBytes, lastCol, p.scales, p.mins, ng, p.bias, hasBias, p.out, N, cps, pair,
  ] as const;
  const block = (fn: MatMulBlockFn, m: number, n0: number, n1: number) => fn(m, ...shared, n0, n1);
  let m = 0;
  for (; m + 4 <= M; m += 4) block(r4, m, 0, N);
  for (; m < M; m++) {
    if (n4 > 0) block(r1c4, m, 0, n4);
    if (n4 < N) block(r1, m, n4, N);
  }
}

function integerPath(
  backend: BackendWasm,
  inputs: Int2MatMulInputs,
  attrs: QuantAttrs,
  M: number,
  qmax: number,
): TensorInfo {
  const out = backend.makeOutput([M, attrs.outDim], 'float32');
  const call = beginCall(backend);
  try {
    int2MatMulIntImpl(
      call,
      {
        x: call.input(inputs.x),
        codes: call.input(inputs.codes),
        scales: call.input(inputs.scales),
        mins: call.input(inputs.mins),
        bias: inputs.bias ? call.input(inputs.bias) : 0,
        out: call.output(out),
      },
      M,
      attrs,
      qmax,
    );
  } catch (e) {
    backend.disposeData(out.dataId);
    throw e;
  } finally {
    call.end();
  }
  return out;
}

function unpackPath(backend: BackendWasm, inputs: Int2MatMulInputs, attrs: QuantAttrs, M: number): TensorInfo {
  const { inDim: K, outDim: N } = attrs;
  const fused = getKernel('_FusedMatMul', 'wasm');
  if (fused === undefined) {
    throw new MobileMMError('BACKEND_UNAVAILABLE', 'Int2MatMul (wasm): the backend has no _FusedMatMul kernel.');
  }
  const w = unpackToTensor(backend, inputs, attrs);
  try {
    // _FusedMatMul wants rank 3; these views share the tensors' data (no copy).
    const a: TensorInfo = { dataId: inputs.x.dataId, shape: [1, M, K], dtype: 'float32' };
    const b: TensorInfo = { dataId: w.dataId, shape: [1, K, N], dtype: 'float32' };
    const fusedInputs = inputs.bias ? { a, b, bias: inputs.bias } : { a, b };
    const out = fused.kernelFunc({
      inputs: fusedInputs,
      backend,
      attrs: { transposeA: false, transposeB: false, activation: 'linear', leakyreluAlpha: 0 },
    }) as TensorInfo;
    out.shape = [M, N];
    return out;
  } finally {
    backend.disposeData(w.dataId);
  }
}

function int2MatMul(args: { inputs: Int2MatMulInputs; backend: BackendWasm; attrs: Int2MatMulAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  checkQuantAttrs(Int2MatMul, attrs);
  checkPacked(Int2MatMul, inputs, attrs);
  const activation = checkActivation('Int2MatMul (wasm)', attrs.activation);
  const { x, bias } = inputs;
  if (x == null || x.shape.length !== 2) {
    throw new MobileMMError(
      'INVALID_SHAPE',
      `Int2MatMul (wasm): x must be rank 2 [M, ${attrs.inDim}]; got ${
        x == null ? 'nothing' : `[${x.shape.join(', ')}]`
      }.`,
    );
  }
  const M = x.shape[0];
  checkTensor(Int2MatMul, 'x', x, 'float32', [M, attrs.inDim]);
  if (bias != null) checkTensor(Int2MatMul, 'bias', bias, 'float32', [attrs.outDim]);
  if (M === 0) return backend.makeOutput([0, attrs.outDim], 'float32');

  const path = chooseMatMulPath();
  const out = path === 'unpack' ? unpackPath(backend, inputs, attrs, M) : integerPath(backend, inputs, attrs, M, ACT_QMAX[path]);
  if (activation !== 'linear') {
    // In place on the backend's heap (a view made now: the kernel may have grown it).
    const heap = (backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8;
    applyActivation(new Float32Array(heap.buffer, backend.dataIdMap.get(out.dataId).memoryOffset, M * attrs.outDim), activation);
  }
  return out;
}

export const int2MatMulConfig: KernelConfig = {
  kernelName: Int2MatMul,
  backendName: 'wasm',
  kernelFunc: int2MatMul as unknown as KernelFunc,
};
