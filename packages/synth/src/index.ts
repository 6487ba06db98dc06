/**
 * @mobile-mm/synth — SynthScenes v1 (shared/spec/synthscenes-v1.md): seeded
 * scene and text-line images with caption, OCR and VQA answers, a training
 * stream, and the spec's metrics. Browser-safe; Node-only file I/O lives in
 * `@mobile-mm/synth/node`.
 */
export {
  SPEC_VERSION,
  SCENE_WIDTH,
  SCENE_HEIGHT,
  TEXT_WIDTH,
  TEXT_HEIGHT,
  POSITIONS,
  SHAPES,
  COLORS,
  SIZES,
  CANONICAL_RGB,
  COLOR_JITTER,
  SIZE_PX,
  CENTER_JITTER,
  TEXT_MAX_CHARS,
} from './vocab.js';
export type { Position, Shape, Color, Size, RGB } from './vocab.js';
export { Rng, SPLITS, SPLIT_TAGS, SALT, sampleRng } from './rng.js';
export type { Split } from './rng.js';
export { sampleScene, sampleText, sampleTextLine, cellCenter, resolveLimits } from './scene.js';
export type { SceneGraph, SceneObject, TextLine, ImageGraph, NoiseSpec, SampleLimits } from './scene.js';
export { FONT_FAMILY, inkBox } from './font-metrics.js';
export type { InkBox } from './font-metrics.js';
export { NOISE_Z_MAX, addNoise } from './noise.js';
export { TEMPLATE_IDS, TEMPLATES, caption, objectPhrase, joinPhrases, eligibleTemplates, ask, askAll } from './language.js';
export type { TemplateId, VqaItem } from './language.js';
export { Renderer, createRenderer, drawScene, drawTextLine, checkFont, toRGB, FONT_ALIAS } from './render.js';
export type { Ctx2D, CanvasFactory, ImageRenderer, RenderedImage, RendererBackend, CreateRendererOptions } from './render.js';
export { RasterRenderer, createRasterRenderer, rasterStyle, type RasterStyle, type CreateRasterRendererOptions } from './raster/raster-renderer.js';
export { SampleMask, SAMPLES, ANTI_ALIAS_MODES, circlePolygon, flattenPath, type AntiAlias, type PathCommand, type Point, type Polygon } from './raster/raster.js';
export {
  TASKS,
  kindOf,
  sampleSpec,
  renderSample,
  makeSample,
  sharedRenderer,
  toTaskSample,
  toTaskSamples,
  taskImageIndex,
  makeTaskSample,
} from './sample.js';
export type { Task, ImageKind, SampleSpec, Sample, TaskSample, MakeSampleOptions } from './sample.js';
export { taskSamples, taskBatches, drawTask, drawLanguage } from './stream.js';
export { LANGUAGES, VQA_VALUES, isLanguage, captionIn, vqaIn, answerIn, phraseIn, type Language, type VqaSlots, type VqaValue } from './languages.js';
export {
  AUGMENTATIONS,
  FILTERS,
  augment,
  aliasing,
  blur,
  gaussianKernel,
  jpegRoundTrip,
  noise,
  resample,
  resizePlane,
  shift,
  stroke,
  tone,
  type AugmentOptions,
  type Augmentation,
  type Filter,
} from './augment.js';
export type { TaskMix, StreamOptions, StreamProgress } from './stream.js';
export { exactMatch, exactMatchRate, bleuTokens, corpusBleu, levenshtein, corpusCer, vqaAccuracy } from './metrics.js';
export type { BleuResult, CerResult, VqaScoreItem, VqaAccuracy, AccuracyCount } from './metrics.js';
