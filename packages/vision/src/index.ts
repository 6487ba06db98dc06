/**
 * @mobile-mm/vision: image input (decoding with size limits, preprocessing),
 * the vision-language model, its checkpoints and the inference path
 * (answer / answerStream). Quantization tools (QAT, PTQ) are in the
 * `@mobile-mm/vision/quantize` subpath: they load @mobile-mm/int2.
 */
export {
  decodeImage,
  preprocess,
  toBatch,
  readPngHeader,
  readJpegHeader,
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_PIXELS,
  FILE_NOT_FOUND,
  IMAGE_CORRUPT,
  IMAGE_INVALID,
  IMAGE_TOO_LARGE,
  IMAGE_UNSUPPORTED_FORMAT,
  type DecodeImageOptions,
  type ImageErrorCode,
  type ImageInput,
  type ImageLimits,
  type JpegHeader,
  type PixelData,
  type PngHeader,
  type PreprocessOptions,
  type RgbaImage,
} from './image/index.js';
export {
  IMAGE_SIZES,
  MOBILE_MM_PRESETS,
  validateVisionLanguageConfig,
  tokenGrid,
  scenePoolMatrix,
  SCENE_GRID,
  SCENE_CELL_CLASSES,
  type ImageKind,
  type PresetName,
  type VisionEncoderConfig,
  type DecoderConfig,
  type VisionLanguageConfig,
} from './model/config.js';
export { SceneTokenizer, SCENE_WORDS, OCR_CHARS, type SceneTokenizerJSON } from './model/scene-tokenizer.js';
export { PatchStem, type PatchStemArgs } from './model/patch-stem.js';
export { TokenClassHead } from './model/token-class-head.js';
export { OcrCtcHead, type CtcReading } from './model/ocr-ctc.js';
export { SceneCellHead } from './model/scene-cells.js';
export { VisionEncoder } from './model/vision-encoder.js';
export { VisionLanguageModel } from './model/model.js';
export { growVocabulary } from './model/grow-vocabulary.js';
export { batchCtc, batchTokens, taskShare, type TaskExample, type TrainBatch } from './model/batching.js';
export { saveModel, loadModel, weightSpec, kernelName, linearKernelNames, linearByName, TOKENIZER_FILE, type ModelFiles, type ModelQuantization, type SaveModelOptions } from './model/checkpoint.js';
export {
  DECODINGS,
  TASKS,
  TASK_MAX_NEW_TOKENS,
  TASK_PROMPTS,
  taskKind,
  type AnswerOptions,
  type AnswerToken,
  type Decoding,
  type Task,
  type TrainTask,
} from './model/options.js';
export { answer, answerStream, drain, type AnswerResult, type AnswerTimings, type PipelineAnswer } from './model/answer.js';
export { ImageFeatureCache } from './model/feature-cache.js';
export { imageKey } from './model/image-key.js';
