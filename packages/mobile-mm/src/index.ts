/**
 * mobile-mm: the umbrella package. Re-exports its parts under namespaces and
 * adds the facade, MobileMultiModalLLM (caption, OCR, VQA, generate).
 *
 *   import { MobileMultiModalLLM } from 'mobile-mm';
 *   const mm = await MobileMultiModalLLM.create();
 *   console.log((await mm.caption('scene.png')).text);
 *
 * Importing it registers nothing; create() starts the backend it is given
 * (@mobile-mm/core/backend loads only that tfjs backend). The namespaces cost
 * a bundle nothing unless used (every part is `sideEffects: false`; measured
 * in publish tests). @mobile-mm/synth (the dataset generator, which needs a
 * native canvas in Node) is not re-exported: install and import it directly.
 */
export * as core from '@mobile-mm/core';
// No int2 namespace: the kernels load lazily, with the first packed checkpoint (import @mobile-mm/int2 to use them directly).
export * as vision from '@mobile-mm/vision';
export * as telemetry from '@mobile-mm/telemetry';
export * as resilience from '@mobile-mm/resilience';

export {
  MobileMultiModalLLM,
  type CallOptions,
  type CallResult,
  type CallTask,
  type CallTimings,
  type GenerateCallOptions,
  type Health,
  type MobileMMCreateOptions,
  type ModelVariant,
  type StreamToken,
} from './facade.js';
export type { TelemetryCreateOptions } from './instrument.js';
export {
  ResilientMobileMM,
  type ResilientMobileMMOptions,
  type ResilientCallOptions,
  type ResilientGenerateOptions,
  type ResilientResult,
  type ResilientHealth,
  type BackendSwitch,
} from './resilient.js';
export {
  resolveConfig,
  processEnv,
  BACKEND_OPTIONS,
  VARIANTS,
  PROFILES,
  PROFILE_SETTINGS,
  ENV_VARS,
  DEFAULT_MAX_PROMPT_CHARS,
  MAX_IMAGE_PIXELS_LIMIT,
  MAX_PROMPT_CHARS_LIMIT,
  type BackendOption,
  type ConfigField,
  type ConfigSource,
  type MobileMMOptions,
  type Profile,
  type ProfileSettings,
  type ResolvedConfig,
  type Variant,
} from './config.js';
export { validatePrompt, outOfVocabulary } from './prompt.js';
export { bundledModelUrl, modelExists } from './model-dir.js';
export type { ModelDownloadProgress, ModelDownloadProgressCallback } from './download.js';
export { PROMPT_EMPTY, PROMPT_TOO_LONG, PROMPT_INVALID, MODEL_NOT_FOUND, MODEL_DOWNLOAD_FAILED, MODEL_VARIANT_MISMATCH, DISPOSED, INTERNAL } from './errors.js';
export { MobileMMError, isMobileMMError, type MobileMMErrorCode } from '@mobile-mm/core';
// Messages in six languages: the facade writes errors in its locale; these are for servers and apps that serve several.
export {
  LANGUAGES,
  loadAllMessages,
  loadMessages,
  localText,
  localizeError,
  msg,
  negotiateLanguage,
  useMessageLanguage,
  SECURITY_LIMITS,
  SECURITY_MODES,
  SECURITY_MODE_ENV,
  resolveSecurityMode,
  type SecurityMode,
  type Language,
  type LocalText,
  type MessageKey,
} from '@mobile-mm/core';
export type { ImageInput, ImageKind, Decoding } from '@mobile-mm/vision';
