/**
 * Group-wise asymmetric low-bit weights ("q2g" / "q4g" / "q8g").
 *
 * A float weight W of logical shape [K, N] (x[M,K] · W[K,N] → y[M,N]) is cut,
 * for each output column n, into groups of G consecutive input rows
 * (group g holds rows k ∈ [g·G, (g+1)·G)). Each group stores one scale and
 * one min, and each weight a code q ∈ [0, 2^b − 1]:
 *
 *     ŵ[k, n] = scale[n, g] · q[k, n] + min[n, g]          g = ⌊k / G⌋
 *
 *     min   = min over the group of w      (rounded to the scale dtype)
 *     scale = (max − min) / (2^b − 1)      (rounded to the scale dtype; 0 when max = min)
 *     q     = clamp(round((w − min) / scale), 0, 2^b − 1)   (q = 0 when scale = 0)
 *
 * b ∈ {2, 4, 8}; G ∈ {32, 64, 128} (DEFAULT_GROUP_SIZE, chosen by measured
 * accuracy). K is padded up to Kp = ⌈K/G⌉·G; padded rows get q = 0 and are
 * multiplied by zero activations, so they never contribute.
 *
 * Effective bits per weight = b + 2·s/G, with s = 16 (f16 scales on disk) or
 * 32 (f32 in memory). 2-bit, G = 64: 2.5 bits on disk (12.8× smaller than
 * float32), 3.0 bits in memory (10.7×).
 *
 * Canonical byte layout (what is saved to disk):
 *   codes  u8  [N, Kp·b/8]  row n = column n of W walked along k; inside a byte
 *                            the code of the lowest k sits in the lowest bits
 *                            (2-bit: k = 4j+i at bits 2i..2i+1; 4-bit: low
 *                            nibble first; 8-bit: one code per byte).
 *   scales f16|f32 [N, Kp/G]
 *   mins   f16|f32 [N, Kp/G]
 *
 * Backend tensor layouts (tfjs has no uint8 dtype; `layout` attribute):
 *   'bytes'      (cpu, wasm, webgpu): codes int32 [N, Kp·b/32], the canonical bytes
 *                read as little-endian int32 (Kp·b/8 is a multiple of 4).
 *   'webgl-fp32' (webgl, fp32 textures): codes int32 [N, ⌈Kp/c⌉] with
 *                c = ⌊24/b⌋ codes per element (12 for 2-bit), element
 *                e = Σ_i q[e·c + i] · 2^(b·i): integers below 2^24 are exact.
 *   'webgl-f16'  (webgl, f16 textures): the same with c = ⌊11/b⌋ (5 for
 *                2-bit), since f16 holds integers exactly only up to 2^11.
 *   scales and mins are float32 [N, Kp/G] on every backend.
 */
import type { Bits, PackedLayout } from './kernel-names.js';

/** Precision of scales and mins: 'float16' halves their size on disk (2.5 bits/weight at b=2, G=64). */
export type ScaleDtype = 'float32' | 'float16';
export const SUPPORTED_SCALE_DTYPES: readonly ScaleDtype[] = ['float32', 'float16'];

/** Name and version written into safetensors metadata (io.ts). */
export const FORMAT_NAME = 'mobile-mm-qgroup';
export const FORMAT_VERSION = 1;

export const SUPPORTED_BITS: readonly Bits[] = [2, 4, 8];
export const SUPPORTED_GROUP_SIZES: readonly number[] = [32, 64, 128];
/**
 * G = 64, from the measured quantization error of N(0, 1) weights [1024, 256]
 * with f16 scales (reference.test.ts, "group size vs quantization error"):
 *
 *   bits   G=32 RMSE (max)    G=64 RMSE (max)    G=128 RMSE (max)   bits/weight on disk (32/64/128)
 *   2      0.392 (1.206)      0.449 (1.212)      0.499 (1.258)      3.0 / 2.5 / 2.25
 *   4      0.078 (0.244)      0.089 (0.244)      0.099 (0.247)      5.0 / 4.5 / 4.25
 *   8      0.0046 (0.014)     0.0052 (0.014)     0.0058 (0.015)     9.0 / 8.5 / 8.25
 *
 * At 2 bits, halving G to 32 lowers RMSE by 13 % for 20 % more bytes; doubling
 * it to 128 saves 10 % of bytes for 11 % more error. 64 sits in the middle
 * of that trade (2.5 bits/weight on disk, 3.0 in memory with f32 scales).
 */
export const DEFAULT_GROUP_SIZE = 64;

/** Exactly representable integer bits per int32 element on each layout. */
const ELEMENT_BITS: Record<PackedLayout, number> = { bytes: 32, 'webgl-fp32': 24, 'webgl-f16': 11 };

/** Codes stored in one int32 element of `layout`. */
export function codesPerElement(bits: Bits, layout: PackedLayout): number {
  return Math.floor(ELEMENT_BITS[layout] / bits);
}

/** Kp: K rounded up to a whole number of groups. */
export function paddedInDim(inDim: number, groupSize: number): number {
  return Math.ceil(inDim / groupSize) * groupSize;
}

export function numGroups(inDim: number, groupSize: number): number {
  return Math.ceil(inDim / groupSize);
}

/** Shape of the int32 codes tensor for a [K, N] weight in `layout`. */
export function packedCodesShape(
  inDim: number,
  outDim: number,
  bits: Bits,
  groupSize: number,
  layout: PackedLayout,
): [number, number] {
  const kp = paddedInDim(inDim, groupSize);
  return [outDim, Math.ceil(kp / codesPerElement(bits, layout))];
}

/** Bytes of the canonical codes array ([N, Kp·b/8] u8). */
export function canonicalCodeBytes(inDim: number, outDim: number, bits: Bits, groupSize: number): number {
  return (outDim * paddedInDim(inDim, groupSize) * bits) / 8;
}

/** Effective bits per weight for a scale/min dtype of `scaleBits` (16 or 32). */
export function bitsPerWeight(bits: Bits, groupSize: number, scaleBits: 16 | 32): number {
  return bits + (2 * scaleBits) / groupSize;
}
