/**
 * Gradient of Int2MatMul. The quantized weights are frozen: they are
 * constants (codes are integers, scales/mins are fitted to a trained float
 * weight), so only x — and the bias, which is an ordinary float vector — get
 * gradients. This is what lets a frozen quantized layer sit inside a model
 * that trains its other layers (e.g. adapters or a head) through it.
 *
 *   y  = x · ŵ + bias        x [M, K], ŵ [K, N], y and dy [M, N]
 *   dx = dy · ŵᵀ             [M, K]   (ŵ unpacked on the current backend, then freed)
 *   db = Σ_m dy[m, :]        [N]
 *
 * Asking for a gradient with respect to codes, scales or mins fails in tfjs
 * with "Cannot backprop through input codes", on purpose.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import { MobileMMError } from '@mobile-mm/core';
import { Int2MatMul, Int2Unpack } from './kernel-names.js';
import { registerGradientConfig } from './kernel-registry.js';

export const int2MatMulGradConfig: GradConfig = {
  kernelName: Int2MatMul,
  inputsToSave: ['codes', 'scales', 'mins'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs?: NamedAttrMap) => {
    const dyT = dy as Tensor;
    const [codes, scales, mins] = saved;
    if (attrs?.activation !== undefined && attrs.activation !== 'linear') {
      // The fused epilogue is for inference (ops.ts uses it only with no tape recording).
      throw new MobileMMError('UNSUPPORTED', `Int2MatMul: no gradient with activation "${String(attrs.activation)}"; use activation 'linear' and apply it as a separate op.`);
    }
    return {
      x: () => {
        const w = tf.engine().runKernel(Int2Unpack, { codes, scales, mins }, attrs) as Tensor; // [K, N]
        return tf.matMul(dyT, w, false, true); // [M, K]
      },
      bias: () => tf.sum(dyT, 0), // [N]
    };
  },
};

export function registerInt2Gradients(): void {
  registerGradientConfig(int2MatMulGradConfig);
}
