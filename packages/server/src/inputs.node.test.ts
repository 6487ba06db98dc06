import { describe, expect, it } from 'vitest';
import { HttpError } from './errors.js';
import { decodeDataUrl, parseChatRequest, parseTaskRequest, taskOf } from './inputs.js';

const PNG = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10, 1, 2, 3]);
const url = `data:image/png;base64,${PNG.toString('base64')}`;
const chat = (content: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ model: 'm', messages: [{ role: 'user', content }], ...extra });
const parts = (text: string) => [{ type: 'text', text }, { type: 'image_url', image_url: { url } }];

function error(f: () => unknown): HttpError {
  try {
    f();
  } catch (e) {
    if (e instanceof HttpError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('parseChatRequest', () => {
  it('reads the last user message: image bytes and the prompt as the task', () => {
    const r = parseChatRequest(
      { model: 'm', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: [{ type: 'image_url', image_url: { url } }, { type: 'text', text: ' What color is the circle? ' }] }], max_tokens: 2, stream: true, stream_options: { include_usage: true } },
      ['m'],
    );
    expect(Buffer.from(r.job.image)).toEqual(PNG);
    expect(r.job).toMatchObject({ task: 'vqa', question: 'What color is the circle?', maxTokens: 2, stream: true });
    expect(r.includeUsage).toBe(true);
    expect(r.job.sampling).toBeUndefined();
    expect(parseChatRequest(chat(parts('Caption')), ['m']).job.task).toBe('caption');
  });

  it('temperature > 0 or top_p < 1 samples; temperature 0 is the facade decoding', () => {
    expect(parseChatRequest(chat(parts('caption'), { temperature: 0.7, seed: 3 }), ['m']).job.sampling).toEqual({ temperature: 0.7, seed: 3 });
    expect(parseChatRequest(chat(parts('caption'), { top_p: 0.5 }), ['m']).job.sampling).toEqual({ topP: 0.5 });
    expect(parseChatRequest(chat(parts('caption'), { temperature: 0, seed: 3 }), ['m']).job.sampling).toBeUndefined();
  });

  it('names the field at fault', () => {
    const cases: [unknown, string, string | null][] = [
      [[], 'INVALID_REQUEST', null],
      [{ messages: [] }, 'INVALID_REQUEST', 'model'],
      [{ model: 'x', messages: [] }, 'UNKNOWN_MODEL', 'model'],
      [{ model: 'm', messages: [] }, 'INVALID_REQUEST', 'messages'],
      [{ model: 'm', messages: [{ role: 'robot', content: [] }] }, 'INVALID_REQUEST', 'messages[0].role'],
      [{ model: 'm', messages: [{ role: 'assistant', content: 'hi' }] }, 'INVALID_REQUEST', 'messages'],
      [chat('caption'), 'INVALID_REQUEST', 'messages[0].content'],
      [chat([{ type: 'text', text: 'caption' }]), 'INVALID_REQUEST', 'messages[0].content'],
      [chat([{ type: 'image_url', image_url: { url } }]), 'INVALID_REQUEST', 'messages[0].content'],
      [chat([...parts('caption'), { type: 'image_url', image_url: { url } }]), 'INVALID_REQUEST', 'messages[0].content[2]'],
      [chat([{ type: 'audio' }]), 'INVALID_REQUEST', 'messages[0].content[0].type'],
      [chat([{ type: 'text', text: 3 }]), 'INVALID_REQUEST', 'messages[0].content[0].text'],
      [chat([{ type: 'image_url', image_url: { url: 'file:///etc/passwd' } }]), 'REMOTE_IMAGE_URL', 'messages[0].content[0].image_url.url'],
      [chat([{ type: 'image_url', image_url: { url: 'data:image/webp;base64,AAAA' } }]), 'UNSUPPORTED_MEDIA_TYPE', 'messages[0].content[0].image_url.url'],
      [chat([{ type: 'image_url', image_url: { url: 'data:image/png,rawbytes' } }]), 'INVALID_REQUEST', 'messages[0].content[0].image_url.url'],
      [chat([{ type: 'image_url', image_url: { url: 'data:image/png;base64,@@@@' } }]), 'INVALID_REQUEST', 'messages[0].content[0].image_url.url'],
      [chat(parts('caption'), { max_tokens: 1.5 }), 'INVALID_REQUEST', 'max_tokens'],
      [chat(parts('caption'), { max_completion_tokens: 99999 }), 'INVALID_REQUEST', 'max_completion_tokens'],
      [chat(parts('caption'), { top_p: 0 }), 'INVALID_REQUEST', 'top_p'],
      [chat(parts('caption'), { seed: 'x' }), 'INVALID_REQUEST', 'seed'],
      [chat(parts('caption'), { stream_options: 3 }), 'INVALID_REQUEST', 'stream_options'],
    ];
    for (const [body, code, param] of cases) {
      const e = error(() => parseChatRequest(body, ['m']));
      expect([e.code, e.param], JSON.stringify(body).slice(0, 120)).toEqual([code, param]);
    }
  });
});

describe('data URLs and task bodies', () => {
  it('accepts image/jpg as JPEG, URL-safe base64 and whitespace', () => {
    expect(Buffer.from(decodeDataUrl(`data:image/jpg;base64,${PNG.toString('base64')}`, 'p'))).toEqual(PNG);
    expect(Buffer.from(decodeDataUrl(`data:image/png;base64,${PNG.toString('base64url')}`, 'p'))).toEqual(PNG);
    expect(Buffer.from(decodeDataUrl(`data:image/png;base64,${PNG.toString('base64').replace(/(.{4})/g, '$1\n')}`, 'p'))).toEqual(PNG);
  });

  it('parseTaskRequest: bytes, JSON base64, and the question from the query or the body', () => {
    expect(parseTaskRequest('caption', new Uint8Array(PNG), {})).toMatchObject({ task: 'caption' });
    expect(parseTaskRequest('vqa', new Uint8Array(PNG), { question: 'q?' })).toMatchObject({ task: 'vqa', question: 'q?' });
    expect(parseTaskRequest('vqa', { image: PNG.toString('base64'), question: 'b?' }, { question: 'q?' })).toMatchObject({ question: 'b?' });
    expect(error(() => parseTaskRequest('vqa', { image: url }, {})).param).toBe('question');
    expect(error(() => parseTaskRequest('ocr', new Uint8Array(0), {})).param).toBe('body');
    expect(error(() => parseTaskRequest('ocr', 'text', {})).param).toBe('body');
  });

  it('taskOf: "caption" and "ocr" name tasks, anything else is a question', () => {
    expect(taskOf(' OCR ')).toEqual({ task: 'ocr' });
    expect(taskOf('caption please')).toEqual({ task: 'vqa', question: 'caption please' });
  });
});
