/**
 * Int2MatMul on cpu: y[M, N] = x[M, K] · ŵ[K, N] (+ bias), a lookup-table
 * kernel in the style of T-MAC (Wei et al., 2024).
 *
 * One packed byte holds the codes of one output column n for 4 consecutive
 * k (2-bit) or 2 (4-bit). For each row m and each byte position j of a group,
 * a 256-entry table T_j[byte] = Σ_i x[k_i] · q_i(byte) is built once
 * (incrementally, 255 adds), and then serves all N columns with one lookup:
 *
 *     y[m, n] = Σ_g scale[n, g] · Σ_{j ∈ g} T_j[codes[n, j]]  +  min[n, g] · Σ_{k ∈ g} x[m, k]
 *
 * so the multiply–adds per output drop from K to K/4 lookups (2-bit). The
 * tables of one group (G/4 · 256 floats = 16 KiB at G = 64) stay in L1 while
 * every column reads its codes contiguously. 8-bit uses a direct dot product.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { Int2MatMul, type Bits, type Int2MatMulAttrs, type Int2MatMulInputs } from '../kernel-names.js';
import { numGroups } from '../format.js';
import { canonicalRowBytes } from '../reference.js';
import { canonicalBytesView, cpuValues } from './util.js';
import { applyActivation, checkActivation } from '../activation.js';

export interface MatMulDims {
  bits: Bits;
  groupSize: number;
  inDim: number;
  outDim: number;
}

/** Entries [s, 4s) of a table from [0, s): the code v ∈ {1,2,3} at the next 2 bits adds v·xi (3s adds). */
function fillLevel(t: Float32Array, b: number, s: number, xi: number): void {
  for (let e = 0; e < s; e++) {
    const v1 = t[b + e] + xi;
    const v2 = v1 + xi;
    t[b + s + e] = v1;
    t[b + 2 * s + e] = v2;
    t[b + 3 * s + e] = v2 + xi;
  }
}

/** Tables for 4 activations per byte (2-bit codes at bits 2i..2i+1). */
function buildTables2(x: Float32Array, xo: number, k0: number, K: number, count: number, t: Float32Array): number {
  let xsum = 0;
  for (let j = 0; j < count; j++) {
    const k = k0 + 4 * j;
    const x0 = k < K ? x[xo + k] : 0;
    const x1 = k + 1 < K ? x[xo + k + 1] : 0;
    const x2 = k + 2 < K ? x[xo + k + 2] : 0;
    const x3 = k + 3 < K ? x[xo + k + 3] : 0;
    xsum += x0 + x1 + x2 + x3;
    const b = j << 8;
    t[b] = 0;
    t[b + 1] = x0;
    t[b + 2] = t[b + 1] + x0;
    t[b + 3] = t[b + 2] + x0;
    fillLevel(t, b, 4, x1);
    fillLevel(t, b, 16, x2);
    fillLevel(t, b, 64, x3);
  }
  return xsum;
}

/** Tables for 2 activations per byte (low nibble first). */
function buildTables4(x: Float32Array, xo: number, k0: number, K: number, count: number, t: Float32Array): number {
  let xsum = 0;
  for (let j = 0; j < count; j++) {
    const k = k0 + 2 * j;
    const x0 = k < K ? x[xo + k] : 0;
    const x1 = k + 1 < K ? x[xo + k + 1] : 0;
    xsum += x0 + x1;
    const b = j << 8;
    t[b] = 0;
    for (let lo = 1; lo < 16; lo++) t[b + lo] = t[b + lo - 1] + x0;
    for (let e = 16; e < 256; e++) t[b + e] = t[b + e - 16] + x1;
  }
  return xsum;
}

/**
 * y = x · ŵ (+ bias) for x row-major [M, K] and canonical code bytes.
 * Accumulates in float64, rounds once into the float32 output.
 */
export function int2MatMulImpl(
  x: Float32Array,
  M: number,
  bytes: Uint8Array,
  scales: Float32Array,
  mins: Float32Array,
  bias: Float32Array | null,
  dims: MatMulDims,
): Float32Array {
  const { bits, groupSize: G, inDim: K, outDim: N } = dims;
  const ng = numGroups(K, G);
  const rowBytes = canonicalRowBytes(K, bits, G);
  const bytesPerGroup = (G * bits) / 8;
  const out = new Float32Array(M * N);
  const yRow = new Float64Array(N);
  const tables = bits === 8 ? null : new Float32Array(bytesPerGroup * 256);
  for (let m = 0; m < M; m++) {
    const xo = m * K;
    yRow.fill(0);
    for (let g = 0; g < ng; g++) {
      const k0 = g * G;
      if (tables === null) {
        // 8-bit: one code per byte, a plain dot product per column.
        const k1 = Math.min(k0 + G, K);
        let xsum = 0;
        for (let k = k0; k < k1; k++) xsum += x[xo + k];
        for (let n = 0; n < N; n++) {
          const off = n * rowBytes; // 8-bit: byte k of the row is code k
          let acc = 0;
          for (let k = k0; k < k1; k++) acc += x[xo + k] * bytes[off + k];
          yRow[n] += scales[n * ng + g] * acc + mins[n * ng + g] * xsum;
        }
        continue;
      }
      const xsum =
        bits === 2
          ? buildTables2(x, xo, k0, K, bytesPerGroup, tables)
          : buildTables4(x, xo, k0, K, bytesPerGroup, tables);
      const byte0 = g * bytesPerGroup;
      for (let n = 0; n < N; n++) {
        const off = n * rowBytes + byte0;
        let acc = 0;
        // Unrolled by 4: bytesPerGroup is a multiple of 8 (G ≥ 32, b ≥ 2).
        for (let j = 0; j < bytesPerGroup; j += 4) {
          acc +=
            tables[(j << 8) | bytes[off + j]] +
            tables[((j + 1) << 8) | bytes[off + j + 1]] +
            tables[((j + 2) << 8) | bytes[off + j + 2]] +
            tables[((j + 3) << 8) | bytes[off + j + 3]];
        }
        yRow[n] += scales[n * ng + g] * acc + mins[n * ng + g] * xsum;
      }
    }
    const yo = m * N;
    if (bias !== null) for (let n = 0; n < N; n++) out[yo + n] = yRow[n] + bias[n];
    else for (let n = 0; n < N; n++) out[yo + n] = yRow[n];
  }
  return out;
}

function int2MatMul(args: { inputs: Int2MatMulInputs; backend: MathBackendCPU; attrs: Int2MatMulAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const activation = checkActivation('Int2MatMul (cpu)', attrs.activation);
  const M = inputs.x.shape[0];
  const out = int2MatMulImpl(
    cpuValues<Float32Array>(backend, inputs.x),
    M,
    canonicalBytesView(cpuValues<Int32Array>(backend, inputs.codes), attrs),
    cpuValues<Float32Array>(backend, inputs.scales),
    cpuValues<Float32Array>(backend, inputs.mins),
    inputs.bias ? cpuValues<Float32Array>(backend, inputs.bias) : null,
    attrs,
  );
  applyActivation(out, activation);
  return backend.makeTensorInfo([M, attrs.outDim], 'float32', out);
}

export const int2MatMulConfig: KernelConfig = {
  kernelName: Int2MatMul,
  backendName: 'cpu',
  kernelFunc: int2MatMul as unknown as KernelFunc,
};
