/**
 * MobileMultiModalLLM: captioning, OCR and VQA from one small vision-language
 * model, on tfjs's cpu, wasm, webgl or webgpu backend, in Node or a browser.
 *
 *   const mm = await MobileMultiModalLLM.create({ backend: 'wasm', profile: 'fast' });
 *   const { text, timings } = await mm.vqa('scene.png', 'what color is the circle?');
 *   mm.dispose();
 *
 * Each call: validate the prompt → decode the image (size checked before
 * decoding) → the vision pipeline (preprocess, encode, decode; see
 * @mobile-mm/vision's pipeline.ts) → a CallResult with the answer, its
 * tokens and per-stage timings. Every failure is a MobileMMError with a
 * stable code (errors.ts, README "Errors"); no call leaves tensors behind.
 */
import * as tf from '@tensorflow/tfjs-core';
import { LANGUAGES, MobileMMError, isLanguage, isMobileMMError, loadMessages, localText, localizeError, msg, type BackendName, type FinishReason, type Language } from '@mobile-mm/core';
import { setupBackend } from '@mobile-mm/core/backend';
import {
  ImageFeatureCache,
  answerStream,
  decodeImage,
  drain,
  loadModel,
  type AnswerOptions,
  type AnswerResult,
  type AnswerToken,
  type Decoding,
  type ImageInput,
  type ImageKind,
  type ModelQuantization,
  type Task,
  type VisionLanguageModel,
} from '@mobile-mm/vision';
import { ENV_VARS, PROFILE_SETTINGS, resolveConfig, type BackendOption, type MobileMMOptions, type Profile, type ResolvedConfig, type Variant } from './config.js';
import { DISPOSED, INTERNAL, MODEL_NOT_FOUND, MODEL_VARIANT_MISMATCH, mmError } from './errors.js';
import { bundledModelUrl, displayLocation, modelExists } from './model-dir.js';
import { downloadModel, isDownloadLocation, type ModelDownloadProgressCallback } from './download.js';
import { outOfVocabulary, validatePrompt } from './prompt.js';
import type { ModelTelemetry } from '@mobile-mm/telemetry';
import { instrumentCall, takeTelemetryOption, type TelemetryCreateOptions } from './instrument.js';

/** 'fp32', or 'int<bits>' for a packed checkpoint (the bundled one is int2). */
export type ModelVariant = 'fp32' | `int${number}`;
/** caption, ocr, vqa or generate (vision's Task). */
export type CallTask = Task;

export interface CallTimings {
  /** Image decoding (PNG/JPEG/RGBA/tensor → RGBA), hashing (fast profile) and preprocess. */
  preprocessMs: number;
  /** Vision encoder; ≈0 on a feature-cache hit. */
  encodeMs: number;
  /** Prompt prefill and token generation. */
  decodeMs: number;
  /** The whole call, validation included. */
  totalMs: number;
}

export interface CallResult {
  /** The answer: a caption, the text read, a VQA answer, or the generated text. Trimmed. */
  text: string;
  /** The generated token ids (end-of-sequence excluded). */
  tokens: number[];
  /** 'stop' (end-of-sequence), 'length' (maxNewTokens reached) or 'abort' (signal). */
  finishReason: FinishReason;
  task: CallTask;
  timings: CallTimings;
  backend: BackendName;
  variant: ModelVariant;
  profile: Profile;
  /** The image's encoder output came from the feature cache (fast profile). */
  cached: boolean;
  /** Prompt words the model does not know (read as <unk>) and characters it drops; [] for caption/ocr. */
  outOfVocabulary: string[];
  /** The language of the answer: the call's `lang`, else the instance's locale, where the model speaks it; else 'en'. OCR: 'en' (it reads what is written). */
  lang: Language;
  /** Facts about this call worth a line, e.g. that the model does not speak the asked language. */
  notes: string[];
}

/** One streamed token. */
export interface StreamToken {
  token: number;
  /** Text this token adds to the answer ('' for none). */
  text: string;
  /** Position among the new tokens. */
  index: number;
  /** log p(token) under the model. */
  logProb: number;
}

export interface CallOptions {
  /** Called with each token as it is generated (beam search: all at the end). */
  onToken?: (token: StreamToken) => void;
  /** Aborts between tokens; the result keeps the tokens so far (finishReason 'abort'). */
  signal?: AbortSignal;
  /** Default: the profile's (greedy, or beam for 'accuracy'). ResilientMobileMM passes 'greedy' under load. */
  decoding?: Decoding;
  /** Answer language (en, es, fr, de, ja, zh); default the instance's locale. A language the model does not speak gives English with a note. */
  lang?: Language;
}

export interface GenerateCallOptions extends CallOptions {
  /** Image kind: default 'text' when the prompt is "ocr", else 'scene'. */
  kind?: ImageKind;
  /** Default 40; the decoder holds 48 tokens, prompt included. */
  maxNewTokens?: number;
  beamWidth?: number;
  lengthPenalty?: number;
  temperature?: number;
  topK?: number;
  topP?: number;
  seed?: number;
}

export interface Health {
  /** True when the instance is usable: not disposed, its weights alive, its backend registered (calls re-activate it when another instance switched tfjs away). */
  ok: boolean;
  backend: BackendName;
  /** What was asked for ('auto' included). */
  requestedBackend: BackendOption;
  variant: ModelVariant;
  profile: Profile;
  model: {
    /** The folder name, e.g. "tiny-fp32". */
    name: string;
    dir: string;
    parameters: number;
    /** Bytes the weights hold in memory: float32 tensors plus packed codes, scales and mins. */
    weightBytes: number;
    quantization: ModelQuantization | null;
  };
  /** tfjs engine totals for the whole process (all instances). */
  memory: { numTensors: number; numBytes: number };
  featureCache: { size: number; capacity: number; hits: number; misses: number } | null;
  calls: number;
  errors: number;
  /** Facts worth knowing, e.g. the int2 → fp32 fallback or a locale the model does not speak. */
  notes: string[];
  /** The instance's locale (its answer language where the model speaks it) and the languages the model speaks. */
  locale: Language;
  languages: Language[];
  disposed: boolean;
}

/** create()'s options: the configuration (config.ts), telemetry, and the model download's progress callback. */
export interface MobileMMCreateOptions extends MobileMMOptions, TelemetryCreateOptions {
  /** Called as the model's bytes arrive when it is fetched over HTTP (always in a browser; http(s) URLs in Node). Not called for local folders. */
  onProgress?: ModelDownloadProgressCallback;
}

/** Splits off `onProgress` (not a configuration field: resolveConfig refuses unknown names). */
export function takeProgressOption<T>(options: T): [ModelDownloadProgressCallback | undefined, T] {
  if (options === null || typeof options !== 'object' || !('onProgress' in options)) return [undefined, options];
  const { onProgress, ...rest } = options as T & { onProgress?: unknown };
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new MobileMMError('INVALID_CONFIG', localText('config.onProgress'), {
      field: 'onProgress',
    });
  }
  return [onProgress as ModelDownloadProgressCallback | undefined, rest as T];
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

function variantOf(q: ModelQuantization | null): ModelVariant {
  return q === null ? 'fp32' : `int${q.bits}`;
}

function folderName(dir: string): string {
  const parts = dir.split(/[\\/]+/).filter((p) => p !== '');
  return parts[parts.length - 1] ?? dir;
}

interface Loaded {
  model: VisionLanguageModel;
  quantization: ModelQuantization | null;
  dir: string;
  notes: string[];
}

/** Finds and loads the checkpoint the config asks for. */
async function loadConfigured(config: ResolvedConfig, onProgress?: ModelDownloadProgressCallback): Promise<Loaded> {
  const notes: string[] = [];
  let dir: string | URL;
  if (config.modelDir !== null) {
    dir = config.modelDir;
  } else {
    let variant: Variant = config.variant ?? 'int2';
    if (config.variant === null && !(await modelExists(bundledModelUrl('int2')))) {
      variant = 'fp32';
      notes.push(msg('note.int2NotBundled', undefined, config.locale));
    }
    dir = bundledModelUrl(variant);
  }
  const shown = await displayLocation(dir);
  const int2 = config.modelDir === null && config.variant === 'int2' ? 'yes' : 'no';
  const missing = (cause?: MobileMMError): MobileMMError =>
    mmError(
      MODEL_NOT_FOUND,
      cause
        ? localText('model.incomplete', { dir: JSON.stringify(shown), int2, detail: cause.text ?? cause.messageEn })
        : localText('model.notFound', { dir: JSON.stringify(shown), int2 }),
      { dir: shown, variant: config.variant, ...(cause ? { file: cause.details?.file } : {}) },
    );
  let loaded: Awaited<ReturnType<typeof loadModel>>;
  if (isDownloadLocation(dir)) {
    // Over HTTP: the three files in one go with progress; a 404 is MODEL_NOT_FOUND, a broken download MODEL_DOWNLOAD_FAILED.
    loaded = await loadModel(await downloadModel(dir, shown, onProgress));
  } else {
    if (!(await modelExists(dir))) throw missing();
    try {
      loaded = await loadModel(dir);
    } catch (e) {
      if (isMobileMMError(e, 'FILE_NOT_FOUND')) throw missing(e);
      throw e;
    }
  }
  const actual = variantOf(loaded.quantization);
  if (config.variant !== null && actual !== config.variant) {
    loaded.model.dispose();
    throw mmError(MODEL_VARIANT_MISMATCH, `variant "${config.variant}" was asked for, but the checkpoint in ${JSON.stringify(shown)} is ${actual}.`, {
      dir: shown,
      requested: config.variant,
      actual,
    });
  }
  return { model: loaded.model, quantization: loaded.quantization, dir: shown, notes };
}

export class MobileMultiModalLLM {
  private readonly cache: ImageFeatureCache | null;
  private disposed = false;
  private calls = 0;
  private errors = 0;

  private constructor(
    readonly model: VisionLanguageModel,
    readonly config: ResolvedConfig,
    readonly backend: BackendName,
    readonly variant: ModelVariant,
    private readonly loaded: Loaded,
    /** Where this instance's metrics and spans go (instrument.ts); null with `telemetry: false`. */
    readonly telemetry: ModelTelemetry | null,
  ) {
    const settings = PROFILE_SETTINGS[config.profile];
    // Strict mode keeps nothing derived from a user's image between calls (PRIVACY.md): no feature cache.
    this.cache = settings.featureCache > 0 && config.securityMode !== 'strict' ? new ImageFeatureCache(settings.featureCache) : null;
  }

  /**
   * Starts the backend and loads the model. Options win over MOBILE_MM_*
   * environment variables; see config.ts for every field and default.
   */
  static async create(options: MobileMMCreateOptions = {}): Promise<MobileMultiModalLLM> {
    const [onProgress, rest] = takeProgressOption(options);
    const [telemetry, configOptions] = takeTelemetryOption(rest);
    const config = resolveConfig(configOptions);
    // The locale's messages (a lazy chunk in a browser bundle): errors and notes of this instance are written in it.
    await loadMessages(config.locale);
    try {
      const backend = await setupBackend(config.backend);
      const loaded = await loadConfigured(config, onProgress);
      return new MobileMultiModalLLM(loaded.model, config, backend, variantOf(loaded.quantization), loaded, telemetry);
    } catch (e) {
      throw localizeError(e, config.locale);
    }
  }

  get profile(): Profile {
    return this.config.profile;
  }

  /** Describes the scene: "a large red circle at the top left, ...". */
  caption(image: ImageInput, options: CallOptions = {}): Promise<CallResult> {
    return drain(this.run('caption', image, undefined, options));
  }

  /** Reads a text line: A–Z, 0–9 and spaces. */
  ocr(image: ImageInput, options: CallOptions = {}): Promise<CallResult> {
    return drain(this.run('ocr', image, undefined, options));
  }

  /** Answers a question about the scene: a colour, a shape, a count, yes/no, a position or a size. */
  vqa(image: ImageInput, question: string, options: CallOptions = {}): Promise<CallResult> {
    return drain(this.run('vqa', image, question, options));
  }

  /** Free-form prompt with the decoding options of core's generate(). */
  generate(image: ImageInput, prompt: string, options: GenerateCallOptions = {}): Promise<CallResult> {
    return drain(this.run('generate', image, prompt, options));
  }

  /** generate() token by token: `for await (const t of mm.generateStream(img, 'caption')) write(t.text)`. */
  generateStream(image: ImageInput, prompt: string, options: GenerateCallOptions = {}): AsyncGenerator<StreamToken, CallResult> {
    return this.run('generate', image, prompt, options);
  }

  /** The languages the loaded model answers in (a v1 model: English only). */
  get languages(): Language[] {
    const known = this.model.tokenizer.languages;
    return known.length > 0 ? known : ['en'];
  }

  /** The call's answer language, and a note when the model cannot answer in the one asked for. */
  private answerLanguage(task: CallTask, lang: unknown): { lang: Language; notes: string[] } {
    if (lang !== undefined && !isLanguage(lang)) {
      throw new MobileMMError('INVALID_ARGUMENT', localText('call.lang', { task, value: JSON.stringify(lang) ?? String(lang), accepted: LANGUAGES.join(', ') }), { option: 'lang', accepted: LANGUAGES });
    }
    const want = (lang as Language | undefined) ?? this.config.locale;
    if (task === 'ocr' || this.languages.includes(want)) return { lang: task === 'ocr' ? 'en' : want, notes: [] };
    return { lang: 'en', notes: [msg('note.modelLanguages', { languages: this.languages.join(', '), want }, this.config.locale)] };
  }

  health(): Health {
    const mem = tf.memory();
    const weightsAlive = !this.disposed && Object.values(this.model.namedWeights()).every((v) => !v.isDisposed);
    return {
      ok: !this.disposed && weightsAlive && tf.findBackend(this.backend) != null,
      backend: this.backend,
      requestedBackend: this.config.backend,
      variant: this.variant,
      profile: this.profile,
      model: {
        name: folderName(this.loaded.dir),
        dir: this.loaded.dir,
        parameters: this.disposed ? 0 : this.model.parameterCount(),
        weightBytes: this.disposed ? 0 : this.model.weightBytes().total,
        quantization: this.loaded.quantization,
      },
      memory: { numTensors: mem.numTensors, numBytes: mem.numBytes },
      featureCache: this.cache ? { size: this.cache.size, capacity: this.cache.capacity, hits: this.cache.hits, misses: this.cache.misses } : null,
      calls: this.calls,
      errors: this.errors,
      notes: [
        ...this.config.noteTexts.map((t) => msg(t.key, t.values, this.config.locale)),
        ...this.loaded.notes,
        ...(this.languages.includes(this.config.locale) ? [] : [msg('note.localeNotSpoken', { locale: this.config.locale, languages: this.languages.join(', ') }, this.config.locale)]),
      ],
      locale: this.config.locale,
      languages: this.languages,
      disposed: this.disposed,
    };
  }

  /** Frees the weights and the feature cache. Idempotent; later calls throw DISPOSED. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.cache?.clear();
    this.model.dispose();
  }

  /**
   * The profile's decoding, except OCR on a model with the CTC head: every
   * profile reads lines with it ('ctc': one encoder pass, no decoder steps;
   * more exact lines than the decoder in the model card's evaluation).
   */
  private defaultDecoding(task: CallTask): Decoding {
    return task === 'ocr' && this.model.ctcHead ? 'ctc' : PROFILE_SETTINGS[this.profile].decoding;
  }

  /** runCall() with its span and metrics (instrument.ts). */
  private run(task: CallTask, image: ImageInput, prompt: string | undefined, options: GenerateCallOptions): AsyncGenerator<StreamToken, CallResult> {
    const inner = this.runCall(task, image, prompt, options);
    if (this.telemetry === null) return inner;
    const decoding = (options as GenerateCallOptions | null)?.decoding ?? this.defaultDecoding(task);
    const c = { task, model: this.model, modelName: folderName(this.loaded.dir), backend: this.backend, variant: this.variant, profile: this.profile };
    return instrumentCall(this.telemetry, { ...c, decoding, image, prompt, options }, inner);
  }

  private async *runCall(task: CallTask, image: ImageInput, prompt: string | undefined, options: GenerateCallOptions): AsyncGenerator<StreamToken, CallResult> {
    const t0 = now();
    this.calls++;
    try {
      if (this.disposed) throw mmError(DISPOSED, localText('call.disposed', { task }));
      if (options === null || typeof options !== 'object') throw new MobileMMError('INVALID_ARGUMENT', localText('call.options', { task }), { option: 'options' });
      const text = task === 'vqa' || task === 'generate' ? validatePrompt(prompt, this.config.maxPromptChars) : undefined;
      if (tf.getBackend() !== this.backend) await tf.setBackend(this.backend); // another instance switched it
      const rgba = await decodeImage(image, { maxPixels: this.config.maxImagePixels }).catch((e: unknown) => {
        throw isMobileMMError(e, 'IMAGE_TOO_LARGE') && e.details?.option === 'maxPixels' ? tooLarge(e, this.config.maxImagePixels) : e;
      });
      const settings = PROFILE_SETTINGS[this.profile];
      const decoding = options.decoding ?? this.defaultDecoding(task);
      const { lang, notes } = this.answerLanguage(task, options.lang);
      const pipelineOptions: AnswerOptions = {
        ...options,
        // A v1 vocabulary has no language tags: its prompts carry none.
        lang: this.model.tokenizer.languages.length > 0 ? lang : undefined,
        decoding,
        cache: this.cache,
        ...(decoding === 'beam' && options.beamWidth === undefined && settings.beamWidth !== undefined ? { beamWidth: settings.beamWidth } : {}),
        onToken: undefined,
      };
      const t1 = now();
      const stream = answerStream(this.model, rgba, task, text, pipelineOptions);
      let step: IteratorResult<AnswerToken, AnswerResult>;
      try {
        step = await stream.next();
        while (!step.done) {
          const e = step.value;
          const token: StreamToken = { token: e.token, text: e.text, index: e.index, logProb: e.logProb };
          options.onToken?.(token);
          yield token;
          step = await stream.next();
        }
      } finally {
        await stream.return(undefined as unknown as AnswerResult); // a consumer that left early: free the pipeline's tensors
      }
      const r = step.value;
      const a = r.answers[0];
      return {
        text: a.text,
        tokens: a.tokens,
        finishReason: a.finishReason,
        task,
        timings: {
          preprocessMs: t1 - t0 + r.timings.preprocessMs,
          encodeMs: r.timings.encodeMs,
          decodeMs: r.timings.decodeMs,
          totalMs: now() - t0,
        },
        backend: this.backend,
        variant: this.variant,
        profile: this.profile,
        cached: a.cached,
        outOfVocabulary: text === undefined ? [] : outOfVocabulary(this.model.tokenizer, text),
        lang,
        notes,
      };
    } catch (e) {
      this.errors++;
      // Every error leaves in the instance's locale (its catalogue was loaded by create()).
      if (isMobileMMError(e)) throw localizeError(e, this.config.locale);
      if (this.disposed) throw localizeError(mmError(DISPOSED, localText('call.disposedDuring', { task })), this.config.locale);
      // Not one of ours (a tfjs failure): keep the message, give it a code.
      throw localizeError(mmError(INTERNAL, localText('call.internal', { task, detail: (e as Error)?.message ?? String(e) }), { cause: e }), this.config.locale);
    }
  }
}

/** decodeImage's IMAGE_TOO_LARGE, pointing at the facade's setting instead of decodeImage's option. */
function tooLarge(e: MobileMMError, max: number): MobileMMError {
  const { width, height } = e.details as { width: number; height: number };
  return mmError(
    'IMAGE_TOO_LARGE',
    localText('image.tooManyPixels', { width, height, pixels: width * height, max, option: `maxImagePixels (${ENV_VARS.maxImagePixels})` }),
    { ...e.details, option: 'maxImagePixels', maxImagePixels: max },
  );
}
