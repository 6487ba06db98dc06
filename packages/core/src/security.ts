/**
 * MOBILE_MM_SECURITY_MODE: one switch for deployments that want the tighter
 * posture PRIVACY.md and SECURITY.md describe.
 *
 *   standard (default)  the documented defaults: images up to 2048² pixels,
 *                       prompts up to 256 characters, content capture if asked for
 *   strict              images up to 1024² pixels and prompts up to 128
 *                       characters (defaults and ceilings: a larger setting is an
 *                       INVALID_CONFIG error, not silently lowered); telemetry
 *                       content capture is refused; the HTTP server refuses to
 *                       start without API keys
 *
 * Each package applies its part (mobile-mm's configuration, telemetry's
 * content capture, the server's configuration); this module only says which
 * mode is on and what its limits are.
 */
import { processEnv } from './env.js';
import { MobileMMError } from './errors.js';

export const SECURITY_MODE_ENV = 'MOBILE_MM_SECURITY_MODE';
export const SECURITY_MODES = ['standard', 'strict'] as const;
export type SecurityMode = (typeof SECURITY_MODES)[number];

export interface SecurityLimits {
  /** Largest width·height an image may declare (default and ceiling). */
  maxImagePixels: number;
  /** Longest prompt in code points (default and ceiling). */
  maxPromptChars: number;
  /** Whether telemetry may record prompts, images and answers. */
  contentCapture: boolean;
  /** Whether the HTTP server must have API keys. */
  apiKeyRequired: boolean;
}

export const SECURITY_LIMITS: Readonly<Record<SecurityMode, Readonly<SecurityLimits>>> = Object.freeze({
  standard: Object.freeze({ maxImagePixels: 2048 * 2048, maxPromptChars: 256, contentCapture: true, apiKeyRequired: false }),
  strict: Object.freeze({ maxImagePixels: 1024 * 1024, maxPromptChars: 128, contentCapture: false, apiKeyRequired: true }),
});

/**
 * The mode: the option when given, else MOBILE_MM_SECURITY_MODE (case-insensitive;
 * empty counts as unset), else 'standard'. Anything else is INVALID_CONFIG.
 */
export function resolveSecurityMode(option?: unknown, from: Readonly<Record<string, string | undefined>> = processEnv()): SecurityMode {
  const raw = option !== undefined ? option : from[SECURITY_MODE_ENV]?.trim().toLowerCase() || undefined;
  if (raw === undefined) return 'standard';
  if (typeof raw === 'string' && (SECURITY_MODES as readonly string[]).includes(raw)) return raw as SecurityMode;
  const source = option !== undefined ? '' : ` (from ${SECURITY_MODE_ENV})`;
  throw new MobileMMError(
    'INVALID_CONFIG',
    { key: 'config.notAccepted', values: { field: 'securityMode', source, value: JSON.stringify(option !== undefined ? option : from[SECURITY_MODE_ENV]) ?? String(raw), accepted: SECURITY_MODES.join(', ') } },
    { field: 'securityMode', value: raw, accepted: SECURITY_MODES, source: option !== undefined ? 'option' : 'env' },
  );
}
