/**
 * Quantizing a VisionLanguageModel's linear kernels, two ways:
 *
 *   attachFakeQuant(model, q)   QAT: every quantized kernel W is used as
 *                               fakeQuantize(W) (straight-through gradient);
 *                               W stays float and keeps training.
 *   quantizeModel(model, q)     PTQ / export: each W is packed (RTN or
 *                               min-MSE) and replaces the float kernel; the
 *                               float variable is freed.
 *
 * Which weights: the kernels that go through core's linear2d (attention
 * q/k/v/out, feed-forward up/down/gate, the patch stem), i.e. all but the
 * token/position embeddings (the tied LM head), norms and biases. Those stay
 * float: together they are ≈3 % of the tiny model's parameters, measured in
 * EXPERIMENTS.md/MODEL_CARD.md. `skip` keeps named kernels float as well.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MobileMMError, setLinearKernelHook, type LayerVariable } from '@mobile-mm/core';
import {
  DEFAULT_GROUP_SIZE,
  fakeQuantize,
  QuantizedTensor,
  quantizeMinMse,
  quantizeReference,
  SUPPORTED_BITS,
  SUPPORTED_GROUP_SIZES,
  type Bits,
  type ScaleDtype,
} from '@mobile-mm/int2';
import type { VisionLanguageModel } from './model.js';

export type QuantMethod = 'rtn' | 'mse';

export interface ModelQuantizeOptions {
  bits: Bits;
  /** Default DEFAULT_GROUP_SIZE (64). */
  groupSize?: number;
  /** Default 'float16' (2.5 bits per weight on disk at b=2, G=64). */
  scaleDtype?: ScaleDtype;
  /** 'rtn' round-to-nearest (default) or 'mse' error-minimising (int2's quantizeMinMse). */
  method?: QuantMethod;
  /** Kernel names to keep in float. */
  skip?: readonly string[];
}

/** What config.json records about a packed checkpoint. */
export interface ModelQuantization {
  bits: Bits;
  groupSize: number;
  scaleDtype: ScaleDtype;
  /** How the codes were chosen: 'rtn', 'mse', or 'qat' (RTN of QAT-trained weights). */
  method: QuantMethod | 'qat';
  /** The packed kernels. */
  kernels: string[];
}

/** Kernels that go through linear2d (so a hook or packed weight can stand in for them). */
const LINEAR_KERNEL = /(\.(q|k|v|out|up|down|gate|stage1|stage2|conv|column)|^ocr_ctc|^scene_cells)\.kernel$/;

/** Names of the model's quantizable linear kernels, sorted. */
export function linearKernelNames(model: VisionLanguageModel): string[] {
  return Object.keys(model.namedLayerWeights())
    .filter((n) => LINEAR_KERNEL.test(n))
    .sort();
}

function resolve(options: ModelQuantizeOptions) {
  const bits = options.bits;
  const groupSize = options.groupSize ?? DEFAULT_GROUP_SIZE;
  if (!SUPPORTED_BITS.includes(bits)) {
    throw new MobileMMError('INVALID_CONFIG', `quantization.bits: must be one of ${SUPPORTED_BITS.join(', ')}, got ${String(bits)}.`, { field: 'bits' });
  }
  if (!SUPPORTED_GROUP_SIZES.includes(groupSize)) {
    throw new MobileMMError('INVALID_CONFIG', `quantization.groupSize: must be one of ${SUPPORTED_GROUP_SIZES.join(', ')}, got ${String(groupSize)}.`, {
      field: 'groupSize',
    });
  }
  const method = options.method ?? 'rtn';
  if (method !== 'rtn' && method !== 'mse') {
    throw new MobileMMError('INVALID_CONFIG', `quantization.method: must be 'rtn' or 'mse', got ${JSON.stringify(method)}.`, { field: 'method' });
  }
  return { bits, groupSize, scaleDtype: options.scaleDtype ?? ('float16' as ScaleDtype), method, skip: new Set(options.skip ?? []) };
}

function targets(model: VisionLanguageModel, skip: Set<string>): Array<[string, LayerVariable]> {
  const all = model.namedLayerWeights();
  for (const s of skip) {
    if (!(s in all)) throw new MobileMMError('INVALID_CONFIG', `quantization.skip: "${s}" is not a weight of this model.`, { field: 'skip' });
  }
  return linearKernelNames(model)
    .filter((n) => !skip.has(n) && !model.packed().has(n))
    .map((n) => [n, all[n]]);
}

/**
 * QAT: routes each quantizable kernel through fakeQuantize. Returns a function
 * that removes the hooks (the float weights are then used as they are).
 */
export function attachFakeQuant(model: VisionLanguageModel, options: ModelQuantizeOptions): () => void {
  const { bits, groupSize, skip } = resolve(options);
  const attached = targets(model, skip);
  for (const [, v] of attached) {
    setLinearKernelHook(v, (x, kernel, bias) => {
      const y = tf.matMul(x, fakeQuantize(kernel.read() as tf.Tensor2D, { bits, groupSize })) as tf.Tensor2D;
      return bias ? (tf.add(y, bias.read()) as tf.Tensor2D) : y;
    });
  }
  return () => {
    for (const [, v] of attached) setLinearKernelHook(v, null);
  };
}

/**
 * PTQ / export: packs every quantizable kernel (host-side, float64 reference
 * arithmetic) and swaps it in with model.usePackedKernel. Returns what
 * config.json should record.
 */
export function quantizeModel(model: VisionLanguageModel, options: ModelQuantizeOptions): ModelQuantization {
  const { bits, groupSize, scaleDtype, method, skip } = resolve(options);
  const done: string[] = [];
  for (const [name, v] of targets(model, skip)) {
    const [k, n] = v.shape as number[];
    const w = v.read().dataSync() as Float32Array;
    const opts = { bits, groupSize, scaleDtype };
    const c = method === 'mse' ? quantizeMinMse(w, k, n, opts) : quantizeReference(w, k, n, opts);
    model.usePackedKernel(name, QuantizedTensor.fromCanonical({ ...c, inDim: k, outDim: n, ...opts }));
    done.push(name);
  }
  return { bits, groupSize, scaleDtype, method, kernels: [...model.packed().keys()].sort() };
}
