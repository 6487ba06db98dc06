/**
 * Fused inference kernels a layer uses when one is registered for the current
 * backend (core registers none: @mobile-mm/int2's registerInt2Kernels() does,
 * for cpu and wasm). Each replaces a chain of small tfjs ops on the decode
 * path, where per-op dispatch, not arithmetic, is the cost:
 *
 *   MobileMMLayerNorm   x [..., C], gamma [C], beta [C] → LayerNorm(x)     (9 ops → 1)
 *   MobileMMAttention   q [B, T, H·D], key/value [B, H, S, D] → [B, T, H·D]
 *                       softmax(scale·q·kᵀ (+ causal mask)) · v, heads merged
 *                       (transposes, scale, 2 batched matmuls, mask, softmax → 1)
 *
 * A layer takes the fused path only outside gradient recording (the kernels
 * have no gradients; training keeps the differentiable composite) and, for
 * attention, only for few queries (≤ FUSED_ATTENTION_MAX_QUERIES: decode
 * steps and prompts; an encoder's 64×64 attention stays on the backend's
 * matmuls). The composite and the kernels compute the same function;
 * they differ by float rounding (the kernels accumulate in float64).
 */
import * as tf from '@tensorflow/tfjs-core';

export const FUSED_LAYER_NORM = 'MobileMMLayerNorm';
export const FUSED_ATTENTION = 'MobileMMAttention';
export const FUSED_ATTENTION_MAX_QUERIES = 16;

export interface FusedLayerNormAttrs {
  epsilon: number;
}

export interface FusedAttentionAttrs {
  numHeads: number;
  headDim: number;
  /** Multiplies q·kᵀ (1/√D). */
  scale: number;
  /** Query t (absolute position queryOffset + t) sees keys j ≤ queryOffset + t. */
  causal: boolean;
  queryOffset: number;
}

/** MOBILE_MM_FUSED=0 in the environment turns them off (measurements, debugging). */
let disabled: boolean | null = null;

/** Turns the fused kernels off (false) or back on (true) for this process; for measurements and tests. */
export function setFusedKernelsEnabled(enabled: boolean): void {
  disabled = !enabled;
}

function isDisabled(): boolean {
  if (disabled === null) {
    const env = typeof process !== 'undefined' && process.env ? process.env.MOBILE_MM_FUSED : undefined;
    disabled = env === '0';
  }
  return disabled;
}

/** True when `kernelName` is registered for the current backend and no gradient is being recorded. */
export function fusedKernelAvailable(kernelName: string): boolean {
  if (isDisabled()) return false;
  const engine = tf.engine();
  if (engine.state.gradientDepth > 0) return false;
  return tf.getKernel(kernelName, tf.getBackend()) !== undefined;
}
