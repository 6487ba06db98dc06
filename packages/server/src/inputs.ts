/**
 * Request bodies → jobs, with a 400 naming the field for anything malformed.
 *
 *   POST /v1/chat/completions   OpenAI's chat body: the last user message holds one image_url part
 *                               (a data: URL) and text, read as the prompt: "caption", "ocr" or a question
 *   POST /v1/caption|ocr|vqa    raw image/png or image/jpeg bytes (vqa: ?question=…), or JSON
 *                               { "image": "<base64 or data: URL>", "question": "…" }
 */
import { localText } from 'mobile-mm';
import { serverError } from './errors.js';
import type { Job, JobTask } from './protocol.js';

export const IMAGE_TYPES = ['image/png', 'image/jpeg'] as const;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64URL = /^[A-Za-z0-9\-_]*={0,2}$/;

const typeName = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const bad = (param: string, message: string) => serverError('INVALID_REQUEST', `${param}: ${message}`, param);

/** Base64 (standard or URL-safe, whitespace allowed) → bytes; 400 naming `param` otherwise. */
export function decodeBase64(s: string, param: string): Uint8Array {
  const compact = s.replace(/\s+/g, '');
  if (compact === '' || (!BASE64.test(compact) && !BASE64URL.test(compact))) throw bad(param, 'is not base64 image data.');
  return new Uint8Array(Buffer.from(compact, BASE64.test(compact) ? 'base64' : 'base64url'));
}

/** A data: URL of a PNG or JPEG → bytes. Remote URLs are refused: the server fetches nothing. */
export function decodeDataUrl(url: unknown, param: string): Uint8Array {
  if (typeof url !== 'string') throw bad(param, `must be a string, got ${typeName(url)}.`);
  if (!/^data:/i.test(url)) {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1] ?? 'none';
    throw serverError('REMOTE_IMAGE_URL', localText('server.remoteImage', { param, scheme }), param);
  }
  const m = /^data:([^;,]*)((?:;[^;,]*)*),/i.exec(url);
  if (m === null) throw bad(param, 'is not a well-formed data: URL (data:<type>;base64,<data>).');
  const mediaType = m[1].trim().toLowerCase().replace('image/jpg', 'image/jpeg');
  if (!(IMAGE_TYPES as readonly string[]).includes(mediaType)) {
    throw serverError('UNSUPPORTED_MEDIA_TYPE', `${param}: media type ${JSON.stringify(m[1] || '(none)')} is not accepted; accepted: ${IMAGE_TYPES.join(', ')}.`, param);
  }
  if (!/;base64/i.test(m[2])) throw bad(param, 'must be base64-encoded (data:image/png;base64,…).');
  return decodeBase64(url.slice(m[0].length), param);
}

export interface ChatRequest {
  model: string;
  job: Job;
  stream: boolean;
  includeUsage: boolean;
}

function optionalNumber(body: Record<string, unknown>, name: string, ok: (n: number) => boolean, accepted: string, integer = false): number | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isSafeInteger(v)) || !ok(v)) {
    throw bad(name, `${JSON.stringify(v)} is not accepted; accepted: ${accepted}.`);
  }
  return v;
}

/** Prompt text → task: "caption" and "ocr" (any case) name the task; anything else is a VQA question. */
export function taskOf(prompt: string): { task: JobTask; question?: string } {
  const p = prompt.trim().toLowerCase();
  if (p === 'caption' || p === 'ocr') return { task: p };
  return { task: 'vqa', question: prompt.trim() };
}

/** OpenAI's chat-completion body → a job; `models` are the ids this server answers to. */
export function parseChatRequest(body: unknown, models: readonly string[]): ChatRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw serverError('INVALID_REQUEST', `the body must be a JSON object, got ${typeName(body)}.`);
  const b = body as Record<string, unknown>;
  if (typeof b.model !== 'string' || b.model === '') throw bad('model', `must be a model id string (GET /v1/models lists them: ${models.join(', ')}).`);
  if (!models.includes(b.model)) throw serverError('UNKNOWN_MODEL', localText('server.unknownModel', { model: JSON.stringify(b.model), accepted: models.join(', ') }), 'model');
  if (!Array.isArray(b.messages) || b.messages.length === 0) throw bad('messages', 'must be a non-empty array of messages.');
  let last = -1;
  b.messages.forEach((m: unknown, i: number) => {
    if (m === null || typeof m !== 'object') throw bad(`messages[${i}]`, `must be an object, got ${typeName(m)}.`);
    const role = (m as { role?: unknown }).role;
    if (!['system', 'developer', 'user', 'assistant', 'tool'].includes(role as string)) throw bad(`messages[${i}].role`, `${JSON.stringify(role)} is not accepted; accepted: system, developer, user, assistant, tool.`);
    if (role === 'user') last = i;
  });
  if (last < 0) throw bad('messages', 'needs a user message holding an image and a prompt.');
  const at = `messages[${last}].content`;
  const content = (b.messages[last] as { content?: unknown }).content;
  if (!Array.isArray(content)) throw bad(at, 'must be an array of parts: one {"type":"image_url","image_url":{"url":"data:image/png;base64,…"}} and {"type":"text","text":"caption" | "ocr" | a question}.');
  let image: Uint8Array | undefined;
  const texts: string[] = [];
  content.forEach((part: unknown, j: number) => {
    const p = part as { type?: unknown; text?: unknown; image_url?: unknown };
    if (part === null || typeof part !== 'object') throw bad(`${at}[${j}]`, `must be an object, got ${typeName(part)}.`);
    if (p.type === 'text') {
      if (typeof p.text !== 'string') throw bad(`${at}[${j}].text`, `must be a string, got ${typeName(p.text)}.`);
      texts.push(p.text);
    } else if (p.type === 'image_url') {
      if (image !== undefined) throw bad(`${at}[${j}]`, 'a second image; the model reads one image per request.');
      const iu = p.image_url as { url?: unknown } | string | undefined;
      image = decodeDataUrl(typeof iu === 'string' ? iu : iu?.url, `${at}[${j}].image_url.url`);
    } else throw bad(`${at}[${j}].type`, `${JSON.stringify(p.type)} is not accepted; accepted: text, image_url.`);
  });
  if (image === undefined) throw bad(at, 'has no image_url part; the model needs an image.');
  const prompt = texts.join(' ').trim();
  if (prompt === '') throw bad(at, 'has no text part; say "caption", "ocr" or ask a question.');

  const maxTokens = optionalNumber(b, 'max_completion_tokens', (n) => n >= 1 && n <= 4096, 'an integer from 1 to 4096', true) ?? optionalNumber(b, 'max_tokens', (n) => n >= 1 && n <= 4096, 'an integer from 1 to 4096', true);
  const temperature = optionalNumber(b, 'temperature', (n) => n >= 0 && n <= 2, 'a number from 0 to 2');
  const topP = optionalNumber(b, 'top_p', (n) => n > 0 && n <= 1, 'a number in (0, 1]');
  const seed = optionalNumber(b, 'seed', () => true, 'an integer', true);
  optionalNumber(b, 'n', (n) => n === 1, '1 (one answer per request)', true);
  if (b.stream !== undefined && b.stream !== null && typeof b.stream !== 'boolean') throw bad('stream', `must be a boolean, got ${typeName(b.stream)}.`);
  const so = b.stream_options as { include_usage?: unknown } | undefined | null;
  if (so !== undefined && so !== null && (typeof so !== 'object' || (so.include_usage !== undefined && typeof so.include_usage !== 'boolean'))) {
    throw bad('stream_options', 'must be an object like {"include_usage": true}.');
  }
  const { task, question } = taskOf(prompt);
  // temperature absent or 0 (and top_p absent or 1): the facade's own decoding, the answer caption()/ocr()/vqa() give.
  const sample = (temperature !== undefined && temperature > 0) || (topP !== undefined && topP < 1);
  const job: Job = {
    task,
    image,
    stream: b.stream === true,
    ...(question !== undefined ? { question } : {}),
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    ...(sample ? { sampling: { ...(temperature !== undefined ? { temperature } : {}), ...(topP !== undefined ? { topP } : {}), ...(seed !== undefined ? { seed } : {}) } } : {}),
  };
  return { model: b.model, job, stream: job.stream, includeUsage: so?.include_usage === true };
}

/** POST /v1/caption|ocr|vqa → a job. `body` is bytes (image/png, image/jpeg) or parsed JSON. */
export function parseTaskRequest(task: JobTask, body: unknown, query: Record<string, unknown>): Job {
  let image: Uint8Array;
  let question: unknown = query.question;
  if (body instanceof Uint8Array) {
    if (body.length === 0) throw bad('body', 'is empty; send PNG or JPEG bytes.');
    image = body;
  } else if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    if (typeof b.image !== 'string') throw bad('image', `must be a base64 string or a data: URL, got ${typeName(b.image)}.`);
    image = /^data:/i.test(b.image) ? decodeDataUrl(b.image, 'image') : decodeBase64(b.image, 'image');
    if (b.question !== undefined) question = b.question;
  } else throw serverError('INVALID_REQUEST', `the body must be PNG/JPEG bytes or a JSON object {"image": "<base64>"${task === 'vqa' ? ', "question": "…"' : ''}}.`, 'body');
  if (task !== 'vqa') return { task, image, stream: false };
  // The facade checks the question itself (PROMPT_EMPTY, PROMPT_TOO_LONG, PROMPT_INVALID); only its type is ours.
  if (typeof question !== 'string') throw bad('question', `must be a string (JSON "question" or ?question=), got ${typeName(question)}.`);
  return { task, image, question, stream: false };
}
