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
 *   'bytes'      (cpu, wasm): codes int32 [N, Kp·b/32], the canonical bytes
 *                read as little-endian int32 (Kp·b/8 is a multiple of 4).
 *   'webgl-fp32' (webgl, fp32 textures): codes int32 [N, ⌈Kp/c⌉] with
 *                c = ⌊24/b⌋ codes per element (12 for 2-bit), element
 *                e = Σ_i q[e·c + i] · 2^(b·i): integers below 2^24 are exact.
 *   'webgl-f16'  (webgl, f16 textures): the same with c = ⌊11/b⌋ (5 for
 *                2-bit), since f16 holds integers exactly only up to 2^11.
 *   scales and mins are float32 [N, Kp/G] on every backend.
 */
import type { Bits, PackedLayout } from './kernel-names.js';

export const SUPPORTED_BITS: readonly Bits[] = [2, 4, 8];
export const SUPPORTED_GROUP_SIZES: readonly number[] = [32, 64, 128];
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
