/**
 * Quantizing a VisionLanguageModel's projections (`@mobile-mm/vision/quantize`),
 * two ways, both walking model.linears() (every core Linear: attention
 * q/k/v/out, feed-forward up/down/gate, the patch stem, the CTC and cell
 * heads, an untied LM head), so a new projection is covered with no name list:
 *
 *   attachFakeQuant(model, q)   QAT: every projection uses fakeQuantize(W)
 *                               (straight-through gradient); W stays float
 *                               and keeps training
 *   quantizeModel(model, q)     PTQ / export: each W is packed (RTN or
 *                               min-MSE) and replaces the float kernel; the
 *                               float variable is freed
 *
 * Token/position embeddings (the tied LM head), norms and biases stay float:
 * together ≈3 % of the tiny model's parameters (MODEL_CARD.md). `skip` keeps
 * named kernels float as well.
 *
 * A subpath of its own: it loads @mobile-mm/int2, which an fp32 app never needs.
 */
import { MobileMMError, type Linear } from '@mobile-mm/core';
import { linearFormat, type Bits, type QuantMethod, type ScaleDtype } from '@mobile-mm/int2';
import { kernelName, linearByName, type ModelQuantization } from './checkpoint.js';
import type { VisionLanguageModel } from './model.js';

export interface ModelQuantizeOptions {
  bits: Bits;
  /** Default 64. */
  groupSize?: number;
  /** Default 'float16' (2.5 bits per weight on disk at b=2, G=64). */
  scaleDtype?: ScaleDtype;
  /** 'rtn' round-to-nearest (default) or 'mse' error-minimising (int2's quantizeMinMse). */
  method?: QuantMethod;
  /** Kernel names (or projection paths) to keep in float. */
  skip?: readonly string[];
}

/** The float projections to quantize, by path, less `skip` (each of which must name a projection). */
function targets(model: VisionLanguageModel, skip: readonly string[] = []): Array<[string, Linear]> {
  const skipped = new Set<Linear>();
  for (const s of skip) {
    const l = linearByName(model, s);
    if (!l) throw new MobileMMError('INVALID_CONFIG', `quantization.skip: "${s}" is not a projection (linear kernel) of this model.`, { field: 'skip' });
    skipped.add(l);
  }
  return Object.entries(model.linears()).filter(([, l]) => !skipped.has(l) && l.packed === null);
}

/**
 * QAT: every projection computes with its kernel fake-quantized. Returns a
 * function that switches them back to float.
 */
export function attachFakeQuant(model: VisionLanguageModel, options: ModelQuantizeOptions): () => void {
  const format = linearFormat(options);
  const attached = targets(model, options.skip).map(([, l]) => l);
  for (const l of attached) l.setFakeQuant(format);
  return () => {
    for (const l of attached) l.setFakeQuant(null);
  };
}

/**
 * PTQ / export: packs every projection's kernel (host-side, float64 reference
 * arithmetic) and switches the layer to it. Returns what config.json records.
 */
export function quantizeModel(model: VisionLanguageModel, options: ModelQuantizeOptions): ModelQuantization {
  const format = linearFormat(options);
  for (const [, l] of targets(model, options.skip)) l.toQuantized(format);
  return {
    bits: format.bits,
    groupSize: format.groupSize,
    scaleDtype: format.scaleDtype,
    method: format.method,
    kernels: [...model.packed().keys()].map(kernelName).sort(),
  };
}
