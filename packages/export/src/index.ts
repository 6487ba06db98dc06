/**
 * @mobile-mm/export: a mobile-mm checkpoint as ONNX (encoders + a KV-cache
 * decoder, MatMulNBits for packed projections), tf.io weights, or our own
 * safetensors checkpoint. Run an ONNX export with
 * `@mobile-mm/export/onnx-runtime` (onnxruntime-node or -web, passed in).
 */
export { EXPORT_FORMATS, FORMAT_BITS, checkExportOptions, exportModel, type ExportFormat, type ExportOptions, type ExportResult } from './export.js';
export { ONNX_FILES, exportOnnx, type OnnxConfig, type OnnxExport, type OnnxExportOptions } from './onnx/export-onnx.js';
export { CTC_OUTPUT, ENCODER_INPUT, ENCODER_OUTPUT, encoderGraph } from './onnx/encoder-graph.js';
export { DECODER_NAMES, decoderGraph } from './onnx/decoder-graph.js';
export { GraphBuilder } from './onnx/graph.js';
export { matMulNBits, type NBitsOptions } from './onnx/matmul-nbits.js';
export { IR_VERSION, MS_DOMAIN, OPSET, decodeModel, encodeModel, modelProto, onnx } from './onnx/proto.js';
export { dequantizeLinear, readLinear, widenCodes, type LinearWeights, type PackedLinearWeights, type TargetBits } from './onnx/weights.js';
export { TFJS_MODEL_FILE, exportTfjs, floatWeights, type TfjsBits, type TfjsWeightsJson } from './tfjs/export-tfjs.js';
export { loadTfjsModel, loadTfjsWeights } from './tfjs/load-tfjs.js';
export { exportSafetensors, rebuildModel } from './safetensors/export-safetensors.js';
