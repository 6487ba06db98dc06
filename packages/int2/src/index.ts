/**
 * @mobile-mm/int2: 2-bit (and 4/8-bit) group-wise quantized weights for
 * TensorFlow.js, with Int2Pack / Int2Unpack / Int2MatMul kernels for the cpu,
 * wasm, webgl and webgpu backends. Nothing is registered on import: call
 * registerInt2Kernels() (or import @mobile-mm/int2/cpu, /wasm, /webgl, /webgpu).
 */
export {
  Int2MatMul,
  Int2Pack,
  Int2Unpack,
  type Bits,
  type Int2MatMulAttrs,
  type Int2MatMulActivation,
  type Int2MatMulInputs,
  type Int2PackAttrs,
  type Int2PackInputs,
  type Int2UnpackAttrs,
  type Int2UnpackInputs,
  type PackedLayout,
  type QuantAttrs,
} from './kernel-names.js';
export {
  bitsPerWeight,
  canonicalCodeBytes,
  codesPerElement,
  DEFAULT_GROUP_SIZE,
  FORMAT_NAME,
  FORMAT_VERSION,
  numGroups,
  packedCodesShape,
  paddedInDim,
  SUPPORTED_BITS,
  SUPPORTED_GROUP_SIZES,
  SUPPORTED_SCALE_DTYPES,
  type ScaleDtype,
} from './format.js';
export {
  canonicalCode,
  canonicalRowBytes,
  canonicalToLayout,
  dequantizeReference,
  errorMeasure,
  float16BitsToFloat32,
  float32ToFloat16Bits,
  groupScaleMin,
  layoutToCanonical,
  quantizeCode,
  quantizeReference,
  roundToFloat16,
  roundToScaleDtype,
  type CanonicalQuantized,
  type ErrorMeasure,
  type QuantizeOptions,
} from './reference.js';
export {
  backendLayout,
  QuantizedTensor,
  type CanonicalQuantizedTensor,
  type QuantizedMeta,
} from './quantized-tensor.js';
export { dequantize, quantize, quantizedMatMul, type QuantizeConfig } from './ops.js';
export { fakeQuantize, type FakeQuantizeOptions } from './qat.js';
export { linearFormat, QUANT_METHODS, type Int2LinearFormat, type LinearFormatOptions, type QuantMethod } from './linear-format.js';
export { quantizeMinMse } from './ptq.js';
export { int2MatMulGradConfig, registerInt2Gradients } from './gradients.js';
export { registerInt2Kernels, type Int2Backend } from './register.js';
export { loadQuantized, quantizedEntries, quantizedFromEntries, quantizedNames, saveQuantized } from './io.js';
export {
  QuantizedDense,
  registerInt2Layers,
  type QuantizedDenseArgs,
  type QuantizeDenseOptions,
} from './layers/quantized-dense.js';
export { quantizeLayers, type QuantizeLayersOptions } from './layers/quantize-layers.js';
