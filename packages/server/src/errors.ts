/**
 * The server's errors: MobileMMErrors with an HTTP status, sent as OpenAI's
 * error object on every route:
 *
 *   { "error": { "message": "...", "type": "invalid_request_error", "code": "QUEUE_FULL", "param": null } }
 *
 * `code` is one of our stable codes: the facade's (PROMPT_EMPTY,
 * IMAGE_CORRUPT, …) or one of the server's below. Codes never change meaning.
 */
import { MobileMMError, isMobileMMError, localizeError, msg, type Language, type LocalText, type MobileMMErrorCode } from 'mobile-mm';

export const SERVER_ERRORS = {
  /** A missing or malformed field; `param` names it (e.g. messages[0].content). 400 */
  INVALID_REQUEST: 400,
  /** The body is not valid JSON. 400 */
  INVALID_JSON: 400,
  /** An image_url that is not a data: URL: the server fetches nothing. 400 */
  REMOTE_IMAGE_URL: 400,
  /** No or a wrong bearer token (MOBILE_MM_API_KEYS set). 401 */
  UNAUTHORIZED: 401,
  /** No such route. 404 */
  NOT_FOUND: 404,
  /** `model` names a model this server does not serve. 404 */
  UNKNOWN_MODEL: 404,
  /** The body is over MOBILE_MM_MAX_BODY_BYTES. 413 */
  BODY_TOO_LARGE: 413,
  /** A Content-Type (or data: URL media type) other than JSON, PNG or JPEG. 415 */
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** This client's token bucket is empty; Retry-After says when one is back. 429 */
  RATE_LIMITED: 429,
  /** max-concurrent running and max-queue waiting: refused at once; Retry-After. 503 */
  QUEUE_FULL: 503,
  /** The server is shutting down (SIGTERM) or not ready yet. 503 */
  UNAVAILABLE: 503,
  /** The replica running the request died; it is being replaced. Safe to retry. 503 */
  REPLICA_CRASHED: 503,
  /** The client closed the connection first; its work was aborted. Only seen in logs and metrics (nginx's 499). */
  CLIENT_CLOSED: 499,
  /** The request's deadline (MOBILE_MM_REQUEST_TIMEOUT_MS) passed; its work was aborted. 504 */
  DEADLINE_EXCEEDED: 504,
} as const;
export type ServerErrorCode = keyof typeof SERVER_ERRORS;

/** Statuses of the facade's codes; any other code is a 500. */
const FACADE_STATUS: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  PROMPT_EMPTY: 400,
  PROMPT_TOO_LONG: 400,
  PROMPT_INVALID: 400,
  IMAGE_CORRUPT: 400,
  IMAGE_INVALID: 400,
  IMAGE_TOO_LARGE: 413,
  IMAGE_UNSUPPORTED_FORMAT: 415,
};

export class HttpError extends MobileMMError {
  constructor(
    readonly status: number,
    code: MobileMMErrorCode,
    message: string | LocalText,
    /** The request field at fault (OpenAI's `param`). */
    readonly param: string | null = null,
    /** Seconds for the Retry-After header (429, 503). */
    readonly retryAfterS?: number,
  ) {
    super(code, message, param === null ? undefined : { param });
    this.name = 'HttpError';
  }
}

export function serverError(code: ServerErrorCode, message: string | LocalText, param: string | null = null, retryAfterS?: number): HttpError {
  return new HttpError(SERVER_ERRORS[code], code, message, param, retryAfterS);
}

export function statusOf(e: unknown): number {
  if (e instanceof HttpError) return e.status;
  if (isMobileMMError(e)) return FACADE_STATUS[e.code] ?? 500;
  return 500;
}

function typeOf(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 504) return 'timeout_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

export interface OpenAIError {
  /** `message` in the request's language (Accept-Language); `message_en` in English when that differs. */
  error: { message: string; type: string; code: string; param: string | null; message_en?: string };
}

/**
 * Any error as OpenAI's error object, its message in `lang` (negotiated from
 * the request's Accept-Language); unexpected ones say INTERNAL without their stack.
 */
export function errorBody(e: unknown, lang: Language = 'en'): OpenAIError {
  const status = statusOf(e);
  const code = isMobileMMError(e) ? e.code : 'INTERNAL';
  const local = isMobileMMError(e) ? localizeError(e, lang) : null;
  const message = local ? local.message : msg('code.INTERNAL', undefined, lang);
  const english = local ? local.messageEn : msg('code.INTERNAL', undefined, 'en');
  const param = e instanceof HttpError ? e.param : isMobileMMError(e) && typeof e.details?.param === 'string' ? e.details.param : null;
  return { error: { message, type: typeOf(status), code, param, ...(english !== message ? { message_en: english } : {}) } };
}
