/**
 * Configuration of MobileMultiModalLLM: options, then MOBILE_MM_* environment
 * variables, then defaults (options win over the environment). One function,
 * resolveConfig(), validates everything and fails with INVALID_CONFIG naming
 * the field, where the bad value came from, and what is accepted.
 *
 *   option            env variable                      default
 *   backend           MOBILE_MM_BACKEND                 'auto'
 *   variant           MOBILE_MM_VARIANT                 int2 when the model ships, else fp32
 *   profile           MOBILE_MM_OPTIMIZATION_PROFILE    'balanced'
 *   modelDir          MOBILE_MM_MODEL_DIR               the package's models/tiny-<variant>/
 *   maxImagePixels    MOBILE_MM_MAX_IMAGE_PIXELS        4,194,304 (2048²)
 *   maxPromptChars    MOBILE_MM_MAX_PROMPT_CHARS        256
 *   locale            MOBILE_MM_LOCALE                  LC_ALL / LC_MESSAGES / LANG (Node) or
 *                                                       navigator.languages (browser), else 'en'
 *
 * The locale is the user's language for the whole project: the answer
 * language of models that speak it (SynthScenes v2) and, as the i18n work
 * lands, every message. A tag the project does not speak ('it-IT', 'C')
 * falls back to English with a note, never an error.
 *
 * The environment is read from `process.env` only where `process` exists
 * (Node); in a browser it is empty unless `options.env` is passed. An empty
 * variable counts as unset.
 */
import { LANGUAGES, MobileMMError, SECURITY_LIMITS, languageOfLocale, localText, msg, processEnv, resolveSecurityMode, type BackendName, type Language, type LocalText, type SecurityMode } from '@mobile-mm/core';
import { DEFAULT_MAX_PIXELS, type Decoding } from '@mobile-mm/vision';

export type BackendOption = 'auto' | BackendName;
export type Variant = 'int2' | 'fp32';
export type Profile = 'fast' | 'balanced' | 'accuracy';

export const BACKEND_OPTIONS: readonly BackendOption[] = ['auto', 'cpu', 'wasm', 'webgl', 'webgpu'];
export const VARIANTS: readonly Variant[] = ['int2', 'fp32'];
export const PROFILES: readonly Profile[] = ['fast', 'balanced', 'accuracy'];

export interface MobileMMOptions {
  /** tfjs backend: 'auto' picks webgpu where it starts, else webgl where WebGL2 exists, else wasm, else cpu. */
  backend?: BackendOption;
  /** Which bundled model: 'int2' (2-bit weights) or 'fp32'. With modelDir, the checkpoint must match it. */
  variant?: Variant;
  /** Speed/quality trade-off; see PROFILE_SETTINGS. */
  profile?: Profile;
  /** A checkpoint folder: a path (Node) or a URL (fetched; the browser's way). Default: the bundled model. */
  modelDir?: string | URL;
  /** Largest width·height an input image may declare; checked before decoding. */
  maxImagePixels?: number;
  /** Longest prompt (VQA question or generate prompt), in Unicode code points. */
  maxPromptChars?: number;
  /** The user's language, a BCP 47 tag ('ja', 'fr-CA'): answers in it where the model speaks it. */
  locale?: string;
  /**
   * 'strict' lowers the image and prompt caps (defaults and ceilings) and refuses telemetry content capture;
   * default MOBILE_MM_SECURITY_MODE, else 'standard'. See SECURITY.md.
   */
  securityMode?: SecurityMode;
  /** Where MOBILE_MM_* (and LANG) are read. Default: process.env in Node, nothing in a browser (the locale then comes from navigator.languages). */
  env?: Readonly<Record<string, string | undefined>>;
}

export type ConfigSource = 'option' | 'env' | 'system' | 'default';

export interface ResolvedConfig {
  backend: BackendOption;
  /** null: not chosen, so int2 where the bundled int2 model exists, else fp32. */
  variant: Variant | null;
  profile: Profile;
  modelDir: string | URL | null;
  maxImagePixels: number;
  maxPromptChars: number;
  /** The project language of the locale ('en' when it is none of the six). */
  locale: Language;
  securityMode: SecurityMode;
  /** The notes as catalogue keys (to write them again in another language). */
  noteTexts: LocalText[];
  /** Facts about the configuration worth a line, e.g. an unsupported locale. */
  notes: string[];
  /** Where each field's value came from ('system': LANG or navigator.languages). */
  sources: Record<ConfigField, ConfigSource>;
}

export type ConfigField = 'backend' | 'variant' | 'profile' | 'modelDir' | 'maxImagePixels' | 'maxPromptChars' | 'locale';

export const ENV_VARS: Readonly<Record<ConfigField, string>> = Object.freeze({
  backend: 'MOBILE_MM_BACKEND',
  variant: 'MOBILE_MM_VARIANT',
  profile: 'MOBILE_MM_OPTIMIZATION_PROFILE',
  modelDir: 'MOBILE_MM_MODEL_DIR',
  maxImagePixels: 'MOBILE_MM_MAX_IMAGE_PIXELS',
  maxPromptChars: 'MOBILE_MM_MAX_PROMPT_CHARS',
  locale: 'MOBILE_MM_LOCALE',
});

export const DEFAULT_MAX_PROMPT_CHARS = 256;
/** Upper bounds that keep a typo (an extra zero or three) from disabling a limit. */
export const MAX_IMAGE_PIXELS_LIMIT = 16384 * 16384;
export const MAX_PROMPT_CHARS_LIMIT = 100_000;

/**
 * What each profile does. fast and balanced give the same answers (greedy);
 * fast also keeps the encoder output of the last `featureCache` images, so a
 * second question about one image skips the encoder. accuracy decodes with
 * beam search (3 beams: about 3× the decoder work per token).
 */
export interface ProfileSettings {
  decoding: Decoding;
  beamWidth?: number;
  /** Images whose encoder output is kept (0 = no cache). */
  featureCache: number;
}

export const PROFILE_SETTINGS: Readonly<Record<Profile, ProfileSettings>> = Object.freeze({
  fast: { decoding: 'greedy', featureCache: 16 },
  balanced: { decoding: 'greedy', featureCache: 0 },
  accuracy: { decoding: 'beam', beamWidth: 3, featureCache: 0 },
});

const OPTION_KEYS: readonly (keyof MobileMMOptions)[] = ['backend', 'variant', 'profile', 'modelDir', 'maxImagePixels', 'maxPromptChars', 'locale', 'securityMode', 'env'];

/**
 * The system's locale: LC_ALL, LC_MESSAGES, LANG in `env` (Node), else the
 * browser's first language, unless the caller passed its own `env` (which
 * then stands for the whole environment).
 */
export function systemLocale(env: Readonly<Record<string, string | undefined>>, explicitEnv: boolean): string | undefined {
  for (const v of ['LC_ALL', 'LC_MESSAGES', 'LANG']) {
    const tag = env[v]?.trim();
    if (tag) return tag;
  }
  if (explicitEnv) return undefined;
  const nav = (globalThis as { navigator?: { languages?: readonly string[]; language?: string } }).navigator;
  return nav?.languages?.[0] ?? nav?.language;
}

/** MOBILE_MM_* from process.env where there is a `process` (Node); {} elsewhere. */
export { processEnv };

function invalid(field: string, message: LocalText, details: Record<string, unknown>): MobileMMError {
  return new MobileMMError('INVALID_CONFIG', message, { field, ...details });
}

/** ' (from MOBILE_MM_X)' after the field name when the value came from the environment. */
const from = (s: ConfigSource, field: ConfigField): LocalText | string => (s === 'env' ? localText('config.fromEnv', { envVar: ENV_VARS[field] }) : '');

function pickEnum<T extends string>(field: ConfigField, value: unknown, source: ConfigSource, accepted: readonly T[]): T {
  if (typeof value !== 'string' || !accepted.includes(value as T)) {
    throw invalid(field, localText('config.notAccepted', { field, source: from(source, field), value: JSON.stringify(value) ?? String(value), accepted: accepted.join(', ') }), {
      value,
      accepted,
      source,
    });
  }
  return value as T;
}

function pickCount(field: ConfigField, value: unknown, source: ConfigSource, max: number): number {
  let n: number;
  if (source === 'env') n = typeof value === 'string' && /^\s*[0-9]+\s*$/.test(value) ? Number(value) : NaN;
  else n = typeof value === 'number' ? value : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > max) {
    throw invalid(field, localText('config.integerRange', { field, source: from(source, field), value: JSON.stringify(value) ?? String(value), max }), {
      value,
      accepted: `integer 1..${max}`,
      source,
    });
  }
  return n;
}

/** Options, then the environment, then defaults; validated. */
export function resolveConfig(options: MobileMMOptions = {}): ResolvedConfig {
  if (options === null || typeof options !== 'object') {
    throw new MobileMMError('INVALID_CONFIG', localText('config.notObject', { got: options === null ? 'null' : typeof options }), { field: '' });
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key as keyof MobileMMOptions)) {
      throw invalid(key, localText('config.unknownOption', { field: key, accepted: OPTION_KEYS.join(', ') }), { value: (options as Record<string, unknown>)[key], accepted: OPTION_KEYS, source: 'option' });
    }
  }
  const env = options.env ?? processEnv();
  if (env === null || typeof env !== 'object') {
    throw invalid('env', localText('config.envNotObject'), { source: 'option' });
  }
  const securityMode = resolveSecurityMode(options.securityMode, env);
  const caps = SECURITY_LIMITS[securityMode];
  const sources = {} as Record<ConfigField, ConfigSource>;
  /** The raw value of a field and where it came from; undefined when neither option nor env sets it. */
  const raw = (field: ConfigField): unknown => {
    const o = options[field];
    if (o !== undefined) {
      sources[field] = 'option';
      return o;
    }
    const e = env[ENV_VARS[field]];
    if (typeof e === 'string' && e.trim() !== '') {
      sources[field] = 'env';
      return e.trim();
    }
    sources[field] = 'default';
    return undefined;
  };

  const backendRaw = raw('backend');
  const backend = backendRaw === undefined ? 'auto' : pickEnum('backend', backendRaw, sources.backend, BACKEND_OPTIONS);
  const variantRaw = raw('variant');
  const variant = variantRaw === undefined ? null : pickEnum('variant', variantRaw, sources.variant, VARIANTS);
  const profileRaw = raw('profile');
  const profile = profileRaw === undefined ? 'balanced' : pickEnum('profile', profileRaw, sources.profile, PROFILES);
  const dirRaw = raw('modelDir');
  if (dirRaw !== undefined && !(typeof dirRaw === 'string' && dirRaw.trim() !== '') && !(dirRaw instanceof URL)) {
    throw invalid('modelDir', localText('config.modelDir', { source: from(sources.modelDir, 'modelDir'), value: JSON.stringify(dirRaw) ?? String(dirRaw) }), {
      value: dirRaw,
      source: sources.modelDir,
    });
  }
  const pixelsRaw = raw('maxImagePixels');
  // Strict mode's caps are both the defaults and the ceilings.
  const strict = securityMode === 'strict';
  const maxImagePixels =
    pixelsRaw === undefined ? (strict ? caps.maxImagePixels : DEFAULT_MAX_PIXELS) : pickCount('maxImagePixels', pixelsRaw, sources.maxImagePixels, strict ? caps.maxImagePixels : MAX_IMAGE_PIXELS_LIMIT);
  const charsRaw = raw('maxPromptChars');
  const maxPromptChars =
    charsRaw === undefined ? (strict ? caps.maxPromptChars : DEFAULT_MAX_PROMPT_CHARS) : pickCount('maxPromptChars', charsRaw, sources.maxPromptChars, strict ? caps.maxPromptChars : MAX_PROMPT_CHARS_LIMIT);
  let localeRaw = raw('locale');
  if (localeRaw !== undefined && typeof localeRaw !== 'string') {
    throw invalid('locale', localText('config.localeType', { value: JSON.stringify(localeRaw) ?? String(localeRaw), examples: LANGUAGES.join(', ') }), { value: localeRaw, source: 'option' });
  }
  if (localeRaw === undefined) {
    localeRaw = systemLocale(env, options.env !== undefined);
    if (localeRaw !== undefined) sources.locale = 'system';
  }
  const noteTexts: LocalText[] = [];
  let locale: Language = 'en';
  if (localeRaw !== undefined) {
    const lang = languageOfLocale(localeRaw as string);
    const posix = /^(c|posix)([._@].*)?$/i.test(localeRaw as string);
    if (lang) locale = lang;
    else if (!posix) noteTexts.push(localText('note.localeUnsupported', { locale: JSON.stringify(localeRaw), accepted: LANGUAGES.join(', ') }));
  }
  return {
    backend,
    variant,
    profile,
    modelDir: (dirRaw as string | URL | undefined) ?? null,
    maxImagePixels,
    maxPromptChars,
    locale,
    securityMode,
    // In the locale's language once its catalogue is loaded (the facade and the CLI load it first), else English.
    notes: noteTexts.map((t) => msg(t.key, t.values, locale)),
    noteTexts,
    sources,
  };
}
