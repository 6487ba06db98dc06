/**
 * The group-wise low-bit format as a core `LinearFormat`: what `Linear`
 * layers (and so whole models, through their `linears()`) are fake-quantized
 * to while training and packed to for inference.
 *
 *   const f = linearFormat({ bits: 2 });       // g64, float16 scales, RTN
 *   layer.setFakeQuant(f);                      // QAT: fakeQuantize (STE)
 *   layer.toQuantized(f);                       // pack: QuantizedTensor, Int2MatMul
 *
 * Packing is host-side float64 arithmetic: round-to-nearest on each group's
 * [min, max] (reference.ts; the grid QAT trains on) or the error-minimising
 * grid search of ptq.ts ('mse').
 */
import { MobileMMError, type LinearFormat } from '@mobile-mm/core';
import type { Bits } from './kernel-names.js';
import { DEFAULT_GROUP_SIZE, SUPPORTED_BITS, SUPPORTED_GROUP_SIZES, SUPPORTED_SCALE_DTYPES, type ScaleDtype } from './format.js';
import { quantizeMinMse } from './ptq.js';
import { fakeQuantize } from './qat.js';
import { QuantizedTensor } from './quantized-tensor.js';
import { quantizeReference } from './reference.js';

export type QuantMethod = 'rtn' | 'mse';
export const QUANT_METHODS: readonly QuantMethod[] = ['rtn', 'mse'];

export interface LinearFormatOptions {
  bits: Bits;
  /** Default DEFAULT_GROUP_SIZE (64). */
  groupSize?: number;
  /** Default 'float16' (2.5 bits per weight on disk at b=2, G=64). */
  scaleDtype?: ScaleDtype;
  /** How packing picks each group's grid: 'rtn' (default) or 'mse'. Fake quantization is always RTN. */
  method?: QuantMethod;
}

export interface Int2LinearFormat extends LinearFormat {
  readonly bits: Bits;
  readonly groupSize: number;
  readonly scaleDtype: ScaleDtype;
  readonly method: QuantMethod;
  pack(values: Float32Array, inDim: number, outDim: number): QuantizedTensor;
}

function invalid(field: string, message: string): MobileMMError {
  return new MobileMMError('INVALID_CONFIG', `quantization.${field}: ${message}`, { field });
}

/** Validates the options (INVALID_CONFIG naming the field) and returns the format. */
export function linearFormat(options: LinearFormatOptions): Int2LinearFormat {
  const bits = options?.bits;
  const groupSize = options?.groupSize ?? DEFAULT_GROUP_SIZE;
  const scaleDtype = options?.scaleDtype ?? 'float16';
  const method = options?.method ?? 'rtn';
  if (!SUPPORTED_BITS.includes(bits)) throw invalid('bits', `must be one of ${SUPPORTED_BITS.join(', ')}, got ${String(bits)}.`);
  if (!SUPPORTED_GROUP_SIZES.includes(groupSize)) throw invalid('groupSize', `must be one of ${SUPPORTED_GROUP_SIZES.join(', ')}, got ${String(groupSize)}.`);
  if (!SUPPORTED_SCALE_DTYPES.includes(scaleDtype)) throw invalid('scaleDtype', `must be one of ${SUPPORTED_SCALE_DTYPES.join(', ')}, got ${JSON.stringify(scaleDtype)}.`);
  if (!QUANT_METHODS.includes(method)) throw invalid('method', `must be 'rtn' or 'mse', got ${JSON.stringify(method)}.`);
  const opts = { bits, groupSize, scaleDtype };
  return {
    name: `int${bits} g${groupSize} ${method}`,
    bits,
    groupSize,
    scaleDtype,
    method,
    fakeQuantize: (kernel) => fakeQuantize(kernel, { bits, groupSize }),
    pack: (values, inDim, outDim) => {
      const c = method === 'mse' ? quantizeMinMse(values, inDim, outDim, opts) : quantizeReference(values, inDim, outDim, opts);
      return QuantizedTensor.fromCanonical({ ...c, inDim, outDim, ...opts });
    },
  };
}
