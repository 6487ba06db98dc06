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
} from './config.js';
export { SceneTokenizer, SCENE_WORDS, OCR_CHARS, type SceneTokenizerJSON } from './scene-tokenizer.js';
export { PatchStem, type PatchStemArgs } from './patch-stem.js';
export { TokenClassHead } from './token-class-head.js';
export { VisionEncoder } from './vision-encoder.js';
export { VisionLanguageModel, taskShare, type Task, type TaskExample, type TrainBatch } from './model.js';
export { greedyDecodeBatch, type GreedyOptions } from './greedy.js';
export { saveModel, loadModel, weightSpec, TOKENIZER_FILE } from './checkpoint.js';
export {
  attachFakeQuant,
  linearKernelNames,
  quantizeModel,
  type ModelQuantization,
  type ModelQuantizeOptions,
  type QuantMethod,
} from './quantize.js';
export {
  answer,
  answerStream,
  imageKey,
  taskKind,
  ImageFeatureCache,
  DECODINGS,
  TASK_MAX_NEW_TOKENS,
  TASK_PROMPTS,
  type AnswerOptions,
  type AnswerResult,
  type AnswerTimings,
  type AnswerToken,
  type Decoding,
  type PipelineAnswer,
} from './pipeline.js';
