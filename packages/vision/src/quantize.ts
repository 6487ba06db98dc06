/**
 * @mobile-mm/vision/quantize: QAT (attachFakeQuant) and PTQ / export
 * (quantizeModel) over a model's projections. Loads @mobile-mm/int2.
 */
export { attachFakeQuant, quantizeModel, type ModelQuantizeOptions } from './model/quantize.js';
export { linearFormat, QUANT_METHODS, type QuantMethod } from '@mobile-mm/int2';
