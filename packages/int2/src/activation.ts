/**
 * The Int2MatMul epilogue (attrs.activation, cpu and wasm): 'gelu' is the
 * sigmoid form y·σ(1.702y) that core's FeedForward uses (geluSigmoid), applied
 * in place to the kernel's float32 output: the feed-forward up projection and
 * its activation in one kernel instead of four (matmul, mul, sigmoid, mul).
 */
import { MobileMMError } from '@mobile-mm/core';
import type { Int2MatMulActivation } from './kernel-names.js';

export const INT2_ACTIVATIONS: readonly Int2MatMulActivation[] = ['linear', 'gelu'];

/** Throws INVALID_ARGUMENT for an activation the kernels do not know. */
export function checkActivation(where: string, activation: unknown): Int2MatMulActivation {
  if (activation === undefined || activation === null) return 'linear';
  if (!INT2_ACTIVATIONS.includes(activation as Int2MatMulActivation)) {
    throw new MobileMMError('INVALID_ARGUMENT', `${where}: activation "${String(activation)}"; accepted: ${INT2_ACTIVATIONS.join(', ')}.`);
  }
  return activation as Int2MatMulActivation;
}

/** y ← activation(y), in place. */
export function applyActivation(y: Float32Array, activation: Int2MatMulActivation): void {
  if (activation !== 'gelu') return;
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    y[i] = v / (1 + Math.exp(-1.702 * v));
  }
}
