/**
 * Typed errors. Every error this project throws on purpose is a MobileMMError
 * with a stable machine-readable `code`; messages say what was wrong and what
 * is accepted. Codes are part of the public API: never rename one.
 */
export type MobileMMErrorCode =
  | 'INVALID_CONFIG'
  | 'INVALID_SHAPE'
  | 'INVALID_DTYPE'
  | 'INVALID_ARGUMENT'
  | 'INVALID_TOKEN'
  | 'SAFETENSORS_CORRUPT'
  | 'WEIGHTS_MISMATCH'
  | 'WEIGHTS_MISSING'
  | 'FILE_NOT_FOUND'
  | 'BACKEND_UNAVAILABLE'
  | 'UNSUPPORTED'
  | (string & {});

export class MobileMMError extends Error {
  readonly code: MobileMMErrorCode;
  /** Extra structured facts (tensor name, expected vs actual shape, ...). */
  readonly details?: Record<string, unknown>;

  constructor(code: MobileMMErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'MobileMMError';
    this.code = code;
    this.details = details;
  }
}

export function isMobileMMError(e: unknown, code?: MobileMMErrorCode): e is MobileMMError {
  return e instanceof MobileMMError && (code === undefined || e.code === code);
}

/** Throws INVALID_CONFIG naming the field when `ok` is false. */
export function checkConfig(ok: boolean, field: string, message: string): asserts ok {
  if (!ok) throw new MobileMMError('INVALID_CONFIG', `config.${field}: ${message}`, { field });
}

/** Throws INVALID_SHAPE when `ok` is false. */
export function checkShape(ok: boolean, message: string, details?: Record<string, unknown>): asserts ok {
  if (!ok) throw new MobileMMError('INVALID_SHAPE', message, details);
}
