/**
 * Prompt, image and answer content. Never recorded unless the caller opts in,
 * with the `captureContent` option or MOBILE_MM_TELEMETRY_CAPTURE_CONTENT
 * (the option wins). When on, the inference span gets the conventions'
 * `gen_ai.input.messages` and `gen_ai.output.messages` attributes, JSON:
 *
 *   [{"role":"user","parts":[{"type":"blob","modality":"image","mime_type":"image/png","content":"<base64>"},
 *                            {"type":"text","content":"what color is the circle?"}]}]
 *   [{"role":"assistant","parts":[{"type":"text","content":"red"}],"finish_reason":"stop"}]
 *
 * A file path becomes a `uri` part; encoded bytes a base64 `blob` part;
 * decoded pixels and tensors a part naming their size only (no pixel data:
 * a raw RGBA image is too large for a span attribute).
 */
import { MobileMMError, SECURITY_LIMITS, localText, processEnv, resolveSecurityMode } from '@mobile-mm/core';

export const CAPTURE_CONTENT_ENV = 'MOBILE_MM_TELEMETRY_CAPTURE_CONTENT';

/** Values MOBILE_MM_TELEMETRY_CAPTURE_CONTENT accepts (case-insensitive); empty counts as unset. */
const TRUE_VALUES = ['true', '1', 'yes', 'on'];
const FALSE_VALUES = ['false', '0', 'no', 'off'];

/** The process environment in Node, {} in a browser. */
export { processEnv };

/**
 * Whether to record content: the option if given, else the env variable, else
 * false. Under MOBILE_MM_SECURITY_MODE=strict, asking for it is INVALID_CONFIG.
 */
export function resolveCaptureContent(option: boolean | undefined, env: Readonly<Record<string, string | undefined>> = processEnv()): boolean {
  const on = captureAsked(option, env);
  if (on && !SECURITY_LIMITS[resolveSecurityMode(undefined, env)].contentCapture) {
    throw new MobileMMError('INVALID_CONFIG', localText('config.strictContentCapture', { envVar: option !== undefined ? 'captureContent' : CAPTURE_CONTENT_ENV }), {
      field: 'captureContent',
      securityMode: 'strict',
    });
  }
  return on;
}

function captureAsked(option: boolean | undefined, env: Readonly<Record<string, string | undefined>>): boolean {
  if (option !== undefined) {
    if (typeof option !== 'boolean') {
      throw new MobileMMError('INVALID_CONFIG', `telemetry.captureContent must be true or false, got ${JSON.stringify(option)}.`, { field: 'captureContent' });
    }
    return option;
  }
  const raw = env[CAPTURE_CONTENT_ENV]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return false;
  if (TRUE_VALUES.includes(raw)) return true;
  if (FALSE_VALUES.includes(raw)) return false;
  throw new MobileMMError(
    'INVALID_CONFIG',
    `${CAPTURE_CONTENT_ENV}=${JSON.stringify(env[CAPTURE_CONTENT_ENV])} is not a boolean; accepted: ${[...TRUE_VALUES, ...FALSE_VALUES].join(', ')}.`,
    { field: 'captureContent', source: 'env', value: env[CAPTURE_CONTENT_ENV] },
  );
}

/** A message part as the GenAI conventions' JSON schema has it. */
export type MessagePart =
  | { type: 'text'; content: string }
  | { type: 'uri'; modality: 'image'; uri: string }
  | { type: 'blob'; modality: 'image'; mime_type: string | null; content: string }
  | { type: 'image'; modality: 'image'; width?: number; height?: number; shape?: number[] };

function base64(bytes: Uint8Array): string {
  const B = (globalThis as { Buffer?: { from(b: Uint8Array): { toString(enc: string): string } } }).Buffer;
  if (B) return B.from(bytes).toString('base64');
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function sniffMime(b: Uint8Array): string | null {
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  return null;
}

/** The image as a message part (see the file comment). */
export function imagePart(image: unknown): MessagePart {
  if (typeof image === 'string') return { type: 'uri', modality: 'image', uri: image };
  if (image instanceof ArrayBuffer) image = new Uint8Array(image);
  else if (ArrayBuffer.isView(image) && !(image instanceof Uint8Array)) image = new Uint8Array(image.buffer, image.byteOffset, image.byteLength);
  if (image instanceof Uint8Array) return { type: 'blob', modality: 'image', mime_type: sniffMime(image), content: base64(image) };
  if (image !== null && typeof image === 'object') {
    const o = image as { width?: unknown; height?: unknown; shape?: unknown };
    if (Array.isArray(o.shape)) return { type: 'image', modality: 'image', shape: [...(o.shape as number[])] };
    if (typeof o.width === 'number' && typeof o.height === 'number') return { type: 'image', modality: 'image', width: o.width, height: o.height };
  }
  return { type: 'image', modality: 'image' };
}

/** gen_ai.input.messages: one user message with the image and the prompt (if any). */
export function inputMessages(image: unknown, prompt: string | undefined): string {
  const parts: MessagePart[] = [imagePart(image)];
  if (prompt !== undefined) parts.push({ type: 'text', content: prompt });
  return JSON.stringify([{ role: 'user', parts }]);
}

/** gen_ai.output.messages: one assistant message with the answer. */
export function outputMessages(text: string, finishReason: string): string {
  return JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: text }], finish_reason: finishReason }]);
}
