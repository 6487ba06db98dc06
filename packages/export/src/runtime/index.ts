/** @mobile-mm/export/onnx-runtime: run an exported model with onnxruntime-node or onnxruntime-web (passed in). */
export { OnnxVisionModel, type OnnxAnswer, type OnnxAnswerOptions, type OnnxEncoded, type OnnxLoadOptions, type OrtModule, type OrtSession, type OrtTensor } from './onnx-model.js';
