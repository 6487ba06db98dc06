/**
 * Typed errors. Every error this project throws on purpose is a MobileMMError
 * with a stable machine-readable `code`; messages say what was wrong and what
 * is accepted. Codes are part of the public API: never rename one.
 *
 * The code list is closed: MOBILE_MM_ERROR_CODES holds every code any
 * mobile-mm package throws (errors.node.test.ts greps the sources to keep it
 * so). A new code is added here first.
 *
 * Messages are localized (./i18n): `message` is in the active message
 * language (setMessageLanguage; English by default), `messageEn` is always
 * English (for logs), and an error built from a catalogue key keeps it in
 * `text`, so localizeError(e, lang) can write it again in the reader's
 * language. An error built from a plain string (a technical detail that only
 * a developer meets) reads, in another language, as the code's sentence in
 * that language followed by the English detail.
 *
 * Recognising an error: `isMobileMMError(e, code?)`, `MobileMMError.isInstance(e)`
 * or `e instanceof MobileMMError` all test a brand (Symbol.for('mobile-mm.error')),
 * not the class identity, so two installed copies of @mobile-mm/core (a
 * bundle that inlined one, a nested node_modules) recognise each other's errors.
 */
import { msg, technicalMessage, type LocalText } from './i18n/index.js';
import type { Language } from './languages.js';


/** Every error code, grouped by the package that throws it. */
export const MOBILE_MM_ERROR_CODES = [
  // @mobile-mm/core
  'INVALID_CONFIG',
  'INVALID_SHAPE',
  'INVALID_DTYPE',
  'INVALID_ARGUMENT',
  'INVALID_TOKEN',
  'SAFETENSORS_CORRUPT',
  'WEIGHTS_MISMATCH',
  'WEIGHTS_MISSING',
  'FILE_NOT_FOUND',
  'BACKEND_UNAVAILABLE',
  'UNSUPPORTED',
  // @mobile-mm/int2
  'OUT_OF_MEMORY',
  // @mobile-mm/vision (image input)
  'IMAGE_UNSUPPORTED_FORMAT',
  'IMAGE_TOO_LARGE',
  'IMAGE_CORRUPT',
  'IMAGE_INVALID',
  // @mobile-mm/synth
  'FONT_UNAVAILABLE',
  // @mobile-mm/resilience
  'RATE_LIMITED',
  'CIRCUIT_OPEN',
  'BULKHEAD_FULL',
  'DEADLINE_EXCEEDED',
  'ABORTED',
  'BACKENDS_EXHAUSTED',
  'CONTEXT_LOST',
  'BACKEND_UNHEALTHY',
  'TENSOR_LEAK',
  // mobile-mm (the facade); PROMPT_TOO_LONG is also thrown by @mobile-mm/vision
  'PROMPT_EMPTY',
  'PROMPT_TOO_LONG',
  'PROMPT_INVALID',
  'MODEL_NOT_FOUND',
  'MODEL_DOWNLOAD_FAILED',
  'MODEL_VARIANT_MISMATCH',
  'DISPOSED',
  'INTERNAL',
  // @mobile-mm/server (HTTP)
  'BODY_TOO_LARGE',
  'CLIENT_CLOSED',
  'INVALID_JSON',
  'INVALID_REQUEST',
  'NOT_FOUND',
  'QUEUE_FULL',
  'REMOTE_IMAGE_URL',
  'REPLICA_CRASHED',
  'UNAUTHORIZED',
  'UNAVAILABLE',
  'UNKNOWN_MODEL',
  'UNSUPPORTED_MEDIA_TYPE',
] as const;

export type MobileMMErrorCode = (typeof MOBILE_MM_ERROR_CODES)[number];

/** The brand every MobileMMError carries; global (Symbol.for) so every copy of this module shares it. */
export const MOBILE_MM_ERROR_BRAND: unique symbol = Symbol.for('mobile-mm.error') as never;

function branded(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { [MOBILE_MM_ERROR_BRAND]?: unknown })[MOBILE_MM_ERROR_BRAND] === true;
}

export class MobileMMError extends Error {
  readonly code: MobileMMErrorCode;
  /** Extra structured facts (tensor name, expected vs actual shape, ...). */
  readonly details?: Record<string, unknown>;
  /** The message in English, whatever the active language (for logs and bug reports). */
  readonly messageEn: string;
  /** The catalogue key and values the message was made from (absent for a plain English message). */
  readonly text?: LocalText;

  static {
    // On the prototype: every instance (and a subclass's) carries it, nothing is added per error.
    Object.defineProperty(this.prototype, MOBILE_MM_ERROR_BRAND, { value: true });
  }

  /**
   * `message`: a catalogue key with its values (`{ key: 'prompt.empty' }`), written in
   * the active message language; or a plain English string.
   */
  constructor(code: MobileMMErrorCode, message: string | LocalText, details?: Record<string, unknown>) {
    const plain = typeof message === 'string';
    super(plain ? technicalMessage(code, message) : msg(message.key, message.values));
    this.name = 'MobileMMError';
    this.code = code;
    this.details = details;
    this.messageEn = plain ? message : msg(message.key, message.values, 'en');
    if (!plain) this.text = { key: message.key, ...(message.values ? { values: message.values } : {}) };
  }

  /** True for a MobileMMError from any copy of @mobile-mm/core (tests the brand, not the class). */
  static isInstance(e: unknown): e is MobileMMError {
    return branded(e);
  }

  /**
   * `e instanceof MobileMMError` tests the brand too, so it agrees across
   * copies. A subclass keeps the ordinary prototype-chain test.
   */
  static override [Symbol.hasInstance](e: unknown): boolean {
    if (this !== MobileMMError) return Function.prototype[Symbol.hasInstance].call(this, e);
    return branded(e);
  }
}

/** A MobileMMError from any copy of @mobile-mm/core, with `code` when given. */
export function isMobileMMError(e: unknown, code?: MobileMMErrorCode): e is MobileMMError {
  return branded(e) && (code === undefined || (e as MobileMMError).code === code);
}

/** Type guard for a string read from outside (JSON, a server response): is it a known code? */
export function isMobileMMErrorCode(code: unknown): code is MobileMMErrorCode {
  return typeof code === 'string' && (MOBILE_MM_ERROR_CODES as readonly string[]).includes(code);
}

/** Throws INVALID_CONFIG naming the field when `ok` is false. */
export function checkConfig(ok: boolean, field: string, message: string): asserts ok {
  if (!ok) throw new MobileMMError('INVALID_CONFIG', `config.${field}: ${message}`, { field });
}

/** Throws INVALID_SHAPE when `ok` is false. */
export function checkShape(ok: boolean, message: string, details?: Record<string, unknown>): asserts ok {
  if (!ok) throw new MobileMMError('INVALID_SHAPE', message, details);
}

/**
 * The same error with its message in `lang` (English where that catalogue is
 * not loaded): same class, code, details, stack and cause. Anything that is
 * not a MobileMMError is returned as it is.
 */
export function localizeError<E>(e: E, lang: Language): E {
  if (!branded(e)) return e;
  const err = e as unknown as MobileMMError;
  const en = typeof err.messageEn === 'string' ? err.messageEn : err.message;
  const message = err.text ? msg(err.text.key, err.text.values, lang) : technicalMessage(err.code, en, lang);
  if (message === err.message) return e;
  const copy = Object.create(Object.getPrototypeOf(err)) as MobileMMError;
  for (const k of Reflect.ownKeys(err)) Object.defineProperty(copy, k, Object.getOwnPropertyDescriptor(err, k)!);
  Object.defineProperty(copy, 'message', { value: message, writable: true, configurable: true, enumerable: false });
  if (typeof err.stack === 'string') {
    const stack = err.stack.startsWith(`${err.name}: ${err.message}`) ? `${err.name}: ${message}${err.stack.slice(err.name.length + 2 + err.message.length)}` : err.stack;
    Object.defineProperty(copy, 'stack', { value: stack, writable: true, configurable: true, enumerable: false });
  }
  return copy as unknown as E;
}
