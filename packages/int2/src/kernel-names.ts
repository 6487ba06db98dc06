/**
 * Kernel names and their input/attribute types, like tfjs-core's
 * kernel_names.ts. One kernel family serves 2-, 4- and 8-bit weights (the
 * `bits` attribute); the names say Int2 because 2 bits is what we ship.
 *
 * Shapes: W is the logical float weight [K, N] (x[M,K] · W[K,N] → y[M,N]).
 * `codes`, `scales`, `mins` are in the *backend layout* named by `layout`
 * (see format.ts): 'bytes' on cpu, wasm and webgpu, 'webgl-fp32' / 'webgl-f16' on webgl.
 */
import type { NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

export const Int2Pack = 'Int2Pack';
export const Int2Unpack = 'Int2Unpack';
export const Int2MatMul = 'Int2MatMul';

export type Bits = 2 | 4 | 8;
export type PackedLayout = 'bytes' | 'webgl-fp32' | 'webgl-f16';

/** Attributes shared by every kernel: enough to interpret the packed tensors. */
export interface QuantAttrs {
  bits: Bits;
  groupSize: number;
  /** Logical input dim K (rows of W) and output dim N (columns of W). */
  inDim: number;
  outDim: number;
  layout: PackedLayout;
}

/** Int2Pack: w float32 [K, N] → [codes int32, scales float32 [N, G], mins float32 [N, G]]. */
export interface Int2PackInputs extends NamedTensorInfoMap {
  w: TensorInfo;
}
export type Int2PackAttrs = QuantAttrs;

/** Int2Unpack: → float32 [K, N], the dequantized weight scale·q + min. */
export interface Int2UnpackInputs extends NamedTensorInfoMap {
  codes: TensorInfo;
  scales: TensorInfo;
  mins: TensorInfo;
}
export type Int2UnpackAttrs = QuantAttrs;

/** Int2MatMul: x float32 [M, K] · dequant(W) [K, N] (+ bias [N]) → float32 [M, N]. */
export interface Int2MatMulInputs extends NamedTensorInfoMap {
  x: TensorInfo;
  codes: TensorInfo;
  scales: TensorInfo;
  mins: TensorInfo;
  /** Optional; absent from the map when there is no bias. */
  bias?: TensorInfo;
}
/**
 * activation (cpu and wasm only; absent = 'linear'): 'gelu' applies
 * y·σ(1.702y) to x·ŵ + bias in the kernel (no gradient: inference only).
 */
export type Int2MatMulActivation = 'linear' | 'gelu';
export interface Int2MatMulAttrs extends QuantAttrs {
  activation?: Int2MatMulActivation;
}
