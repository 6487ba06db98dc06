/**
 * @mobile-mm/core/gradients: registers every tfjs op gradient.
 *
 * Side effect on import (this module is listed in `sideEffects`): it imports
 * @tensorflow/tfjs-layers, whose import registers the gradient of every
 * tfjs-core op. tfjs-core alone registers none in Node, so `tf.grad`,
 * `tf.variableGrads` and an optimizer's `minimize` fail there with
 * "gradient function not found" (TRAPS.md). Import it once where you train
 * or differentiate:
 *
 *   import '@mobile-mm/core/gradients';
 *
 * Inference needs no gradients. Note that core's layers extend tfjs-layers'
 * Layer, so any program that uses them imports tfjs-layers (and registers the
 * gradients) anyway; import this module to say so rather than rely on it.
 */
import '@tensorflow/tfjs-layers';

export {};
