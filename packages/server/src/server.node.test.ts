/**
 * The HTTP API against the real bundled model: one ReplicaPool (one replica,
 * max-concurrent 1, max-queue 1) behind several fastify apps that differ in
 * their limits (body size, rate limit, API keys, deadline). Answers are
 * compared with what MobileMultiModalLLM returns for the same image in this
 * process.
 */
import http from 'node:http';
import { Writable } from 'node:stream';
import OpenAI from 'openai';
import { MobileMultiModalLLM } from 'mobile-mm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type AppState } from './app.js';
import { resolveServerConfig, type ServerOptions } from './config.js';
import { ServerMetrics } from './metrics.js';
import { ReplicaPool } from './pool.js';
import { chatBody, dataUrl, png, scenePng, sseFrames, textPng } from './__fixtures__/fixtures.js';

interface TestServer {
  url: string;
  state: AppState;
  logs: string[];
  close(): Promise<void>;
}

let pool: ReplicaPool;
let mm: MobileMultiModalLLM;
const servers: TestServer[] = [];
let base: TestServer;
const scene = scenePng();
const line = textPng();

async function serve(overrides: ServerOptions = {}): Promise<TestServer> {
  const config = resolveServerConfig({ env: {}, port: 0, replicas: 1, maxConcurrent: 1, maxQueue: 1, ...overrides });
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk, _enc, done) {
      logs.push(...String(chunk).split('\n').filter((l) => l !== ''));
      done();
    },
  });
  const { app, state } = buildApp({ config, pool, metrics: new ServerMetrics(pool, config), logStream });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  const s = { url: `http://127.0.0.1:${port}`, state, logs, close: () => app.close() };
  servers.push(s);
  return s;
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(url, {
    method: 'POST',
    headers: body instanceof Uint8Array ? { 'content-type': 'image/png', ...headers } : { 'content-type': 'application/json', ...headers },
    body: body instanceof Uint8Array ? (body as Uint8Array<ArrayBuffer>) : JSON.stringify(body),
  });

/** The OpenAI error object, checked for its shape. */
async function openAIError(r: Response): Promise<{ message: string; type: string; code: string; param: string | null }> {
  const body = (await r.json()) as { error: { message: string; type: string; code: string; param: string | null } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(typeof body.error.message).toBe('string');
  return body.error;
}

async function until(ok: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}

beforeAll(async () => {
  pool = new ReplicaPool({ replicas: 1, maxConcurrent: 1, maxQueue: 1, dispatch: 'least-loaded', replicaWeights: [1], modelOptions: { backend: 'wasm', env: {} } });
  await pool.start();
  mm = await MobileMultiModalLLM.create({ backend: 'wasm', env: {}, telemetry: false });
  base = await serve();
});

afterAll(async () => {
  for (const s of servers) await s.close();
  await pool?.close();
  mm?.dispose();
});

describe('health and models', () => {
  it('live and ready answer 200 once the replica passed its probe; /v2 as KServe', async () => {
    expect((await fetch(`${base.url}/health/live`)).status).toBe(200);
    const ready = await fetch(`${base.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', replicas: ['ready'] });
    expect(await (await fetch(`${base.url}/v2/health/live`)).json()).toEqual({ live: true });
    expect(await (await fetch(`${base.url}/v2/health/ready`)).json()).toEqual({ ready: true });
  });

  it('ready is 503 while draining, live stays 200', async () => {
    const s = await serve();
    s.state.draining = true;
    const r = await fetch(`${s.url}/health/ready`);
    expect(r.status).toBe(503);
    expect(((await r.json()) as { status: string }).status).toBe('draining');
    expect((await fetch(`${s.url}/v2/health/ready`)).status).toBe(503);
    expect((await fetch(`${s.url}/health/live`)).status).toBe(200);
  });

  it('/v1/models lists the bundled model', async () => {
    const r = (await (await fetch(`${base.url}/v1/models`)).json()) as { object: string; data: { id: string; object: string }[] };
    expect(r.object).toBe('list');
    expect(r.data.map((m) => m.id)).toEqual(['tiny-int2', 'mobile-mm']);
    expect(r.data[0].object).toBe('model');
  });
});

describe('/v1/caption, /v1/ocr, /v1/vqa', () => {
  it('a raw PNG body gives the facade CallResult', async () => {
    const r = await post(`${base.url}/v1/caption`, scene);
    expect(r.status).toBe(200);
    const body = (await r.json()) as Record<string, unknown>;
    const ref = await mm.caption(scene);
    expect(body).toMatchObject({ text: ref.text, tokens: ref.tokens, task: 'caption', finishReason: 'stop', backend: 'wasm', variant: 'int2' });
    expect(Object.keys(body).sort()).toEqual(Object.keys(ref).sort());
  });

  it('ocr and vqa, as raw bytes with ?question= and as JSON base64', async () => {
    const ocr = (await (await post(`${base.url}/v1/ocr`, { image: Buffer.from(line).toString('base64') })).json()) as { text: string };
    expect(ocr.text).toBe((await mm.ocr(line)).text);
    const q = 'how many objects are there?';
    const ref = (await mm.vqa(scene, q)).text;
    const raw = (await (await post(`${base.url}/v1/vqa?question=${encodeURIComponent(q)}`, scene)).json()) as { text: string };
    expect(raw.text).toBe(ref);
    const json = (await (await post(`${base.url}/v1/vqa`, { image: dataUrl(scene), question: q })).json()) as { text: string };
    expect(json.text).toBe(ref);
  });

  it('errors: missing question 400, bad prompt 400, corrupt image 400, not an image 415, wrong Content-Type 415, bad JSON 400, no route 404', async () => {
    let r = await post(`${base.url}/v1/vqa`, scene);
    expect(r.status).toBe(400);
    expect(await openAIError(r)).toMatchObject({ code: 'INVALID_REQUEST', param: 'question', type: 'invalid_request_error' });
    r = await post(`${base.url}/v1/vqa`, { image: dataUrl(scene), question: '   ' });
    expect(r.status).toBe(400);
    expect((await openAIError(r)).code).toBe('PROMPT_EMPTY');
    r = await post(`${base.url}/v1/caption`, scene.slice(0, 40));
    expect(r.status).toBe(400);
    expect((await openAIError(r)).code).toBe('IMAGE_CORRUPT');
    r = await post(`${base.url}/v1/caption`, new TextEncoder().encode('GIF89a not an image at all'));
    expect(r.status).toBe(415);
    expect((await openAIError(r)).code).toBe('IMAGE_UNSUPPORTED_FORMAT');
    r = await fetch(`${base.url}/v1/caption`, { method: 'POST', headers: { 'content-type': 'image/gif' }, body: 'GIF89a' });
    expect(r.status).toBe(415);
    expect(await openAIError(r)).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', param: 'Content-Type' });
    r = await fetch(`${base.url}/v1/caption`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"image": ' });
    expect(r.status).toBe(400);
    expect(await openAIError(r)).toMatchObject({ code: 'INVALID_JSON', param: 'body' });
    r = await post(`${base.url}/v1/caption`, { image: 42 });
    expect(r.status).toBe(400);
    expect(await openAIError(r)).toMatchObject({ code: 'INVALID_REQUEST', param: 'image' });
    r = await fetch(`${base.url}/v1/nothing`);
    expect(r.status).toBe(404);
    expect((await openAIError(r)).code).toBe('NOT_FOUND');
  });

  it('error messages follow Accept-Language (code and status unchanged, English kept in message_en)', async () => {
    // An error made in the replica (the facade's prompt check) and one made by the HTTP layer.
    const ask = (lang: string) =>
      fetch(`${base.url}/v1/vqa`, { method: 'POST', headers: { 'content-type': 'application/json', 'accept-language': lang }, body: JSON.stringify({ image: dataUrl(scene), question: '   ' }) });
    let r = await ask('ja-JP, en;q=0.5');
    expect(r.status).toBe(400);
    expect(r.headers.get('content-language')).toBe('ja');
    expect(await r.json()).toEqual({
      error: {
        code: 'PROMPT_EMPTY',
        type: 'invalid_request_error',
        param: null,
        message: '質問が空です（または空白だけです）。「what color is the circle?」のように質問してください。',
        message_en: 'The question is empty (or only spaces); ask one, e.g. "what color is the circle?".',
      },
    });
    r = await ask('pt-BR');
    expect(r.headers.get('content-language')).toBe('en');
    expect((await openAIError(r)).message).toBe('The question is empty (or only spaces); ask one, e.g. "what color is the circle?".');
    r = await fetch(`${base.url}/v1/nothing`, { headers: { 'accept-language': 'de-CH,de;q=0.9' } });
    expect(r.status).toBe(404);
    expect(((await r.json()) as { error: unknown }).error).toMatchObject({ code: 'NOT_FOUND', message: 'Die Route GET /v1/nothing gibt es nicht; siehe GET /v1/models und POST /v1/chat/completions.' });
  });
});

describe('POST /v1/chat/completions', () => {
  it('caption, ocr and a question, with usage', async () => {
    const r = await post(`${base.url}/v1/chat/completions`, chatBody(scene, 'caption'));
    expect(r.status).toBe(200);
    const body = (await r.json()) as { object: string; model: string; choices: { message: { role: string; content: string }; finish_reason: string }[]; usage: Record<string, number> };
    const ref = await mm.caption(scene);
    expect(body.object).toBe('chat.completion');
    expect(body.model).toBe('tiny-int2');
    expect(body.choices[0].message).toMatchObject({ role: 'assistant', content: ref.text });
    expect(body.choices[0].finish_reason).toBe('stop');
    expect(body.usage.completion_tokens).toBe(ref.tokens.length);
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
    const ocr = (await (await post(`${base.url}/v1/chat/completions`, chatBody(line, 'OCR'))).json()) as typeof body;
    expect(ocr.choices[0].message.content).toBe((await mm.ocr(line)).text);
    const q = 'what color is the circle?';
    const vqa = (await (await post(`${base.url}/v1/chat/completions`, chatBody(scene, q))).json()) as typeof body;
    expect(vqa.choices[0].message.content).toBe((await mm.vqa(scene, q)).text);
  });

  it('max_tokens stops the answer: finish_reason length', async () => {
    const body = (await (await post(`${base.url}/v1/chat/completions`, chatBody(scene, 'caption', { max_tokens: 3 }))).json()) as {
      choices: { message: { content: string }; finish_reason: string }[];
      usage: { completion_tokens: number };
    };
    expect(body.usage.completion_tokens).toBe(3);
    expect(body.choices[0].finish_reason).toBe('length');
    expect((await mm.caption(scene)).text.startsWith(body.choices[0].message.content)).toBe(true);
  });

  it('sampling with a seed is repeatable', async () => {
    const ask = async (): Promise<string> =>
      ((await (await post(`${base.url}/v1/chat/completions`, chatBody(scene, 'caption', { temperature: 0.8, top_p: 0.9, seed: 7 }))).json()) as { choices: { message: { content: string } }[] }).choices[0].message.content;
    expect(await ask()).toBe(await ask());
  });

  it('errors name the field, in the OpenAI shape', async () => {
    const cases: [Record<string, unknown>, number, string, string | null][] = [
      [{ model: 'tiny-int2' }, 400, 'INVALID_REQUEST', 'messages'],
      [{ ...chatBody(scene, 'caption'), model: 'gpt-4o' }, 404, 'UNKNOWN_MODEL', 'model'],
      [{ model: 'tiny-int2', messages: [{ role: 'user', content: 'caption' }] }, 400, 'INVALID_REQUEST', 'messages[0].content'],
      [{ model: 'tiny-int2', messages: [{ role: 'user', content: [{ type: 'text', text: 'caption' }, { type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] }] }, 400, 'REMOTE_IMAGE_URL', 'messages[0].content[1].image_url.url'],
      [{ model: 'tiny-int2', messages: [{ role: 'user', content: [{ type: 'text', text: 'caption' }, { type: 'image_url', image_url: { url: 'data:image/gif;base64,R0lGOD' } }] }] }, 415, 'UNSUPPORTED_MEDIA_TYPE', 'messages[0].content[1].image_url.url'],
      [chatBody(scene, 'caption', { temperature: 5 }), 400, 'INVALID_REQUEST', 'temperature'],
      [chatBody(scene, 'caption', { max_tokens: 0 }), 400, 'INVALID_REQUEST', 'max_tokens'],
      [chatBody(scene, 'caption', { stream: 'yes' }), 400, 'INVALID_REQUEST', 'stream'],
      [chatBody(scene, 'caption', { n: 2 }), 400, 'INVALID_REQUEST', 'n'],
      [chatBody(scene.slice(0, 30), 'caption'), 400, 'IMAGE_CORRUPT', null],
    ];
    for (const [body, status, code, param] of cases) {
      const r = await post(`${base.url}/v1/chat/completions`, body);
      expect(r.status, code).toBe(status);
      const e = await openAIError(r);
      expect(e.code).toBe(code);
      if (param !== null) expect(e.param).toBe(param);
      expect(e.type).toBe(status === 404 ? 'not_found_error' : 'invalid_request_error');
    }
  });

  it('stream: true is SSE: a role chunk, content chunks that add up to the caption, a finish chunk, usage, then [DONE]', async () => {
    const r = await post(`${base.url}/v1/chat/completions`, chatBody(scene, 'caption', { stream: true, stream_options: { include_usage: true } }));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const frames = sseFrames(await r.text());
    expect(frames.at(-1)).toBe('[DONE]');
    const chunks = frames.slice(0, -1).map((f) => JSON.parse(f) as { object: string; choices: { delta: { role?: string; content?: string }; finish_reason: string | null }[]; usage?: { completion_tokens: number } });
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    const usage = chunks.at(-1)!;
    expect(usage.choices).toEqual([]);
    const finish = chunks.at(-2)!;
    expect(finish.choices[0].finish_reason).toBe('stop');
    const text = chunks.slice(0, -2).map((c) => c.choices[0].delta.content ?? '').join('');
    const ref = await mm.caption(scene);
    expect(text).toBe(ref.text);
    expect(usage.usage!.completion_tokens).toBe(ref.tokens.length);
    expect(chunks.slice(1, -2).length).toBeGreaterThan(1); // token by token, not one piece
  });
});

describe('the official openai client', () => {
  it('gets the facade caption of samples/scene-0.png, whole and streamed, and typed errors', async () => {
    const client = new OpenAI({ baseURL: `${base.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const ref = await mm.caption(scene);
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain('tiny-int2');
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
      { role: 'user', content: [{ type: 'text', text: 'caption' }, { type: 'image_url', image_url: { url: dataUrl(scene) } }] },
    ];
    const c = await client.chat.completions.create({ model: 'tiny-int2', messages });
    expect(c.choices[0].message.content).toBe(ref.text);
    expect(c.usage?.completion_tokens).toBe(ref.tokens.length);
    const stream = await client.chat.completions.create({ model: 'tiny-int2', messages, stream: true });
    let text = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(text).toBe(ref.text);
    expect(finish).toBe('stop');
    const err = await client.chat.completions
      .create({ model: 'tiny-int2', messages: [{ role: 'user', content: [{ type: 'text', text: 'caption' }, { type: 'image_url', image_url: { url: 'http://example.com/x.png' } }] }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('REMOTE_IMAGE_URL');
  });
});

describe('back-pressure and limits', () => {
  it('413 from Content-Length alone, before the body is sent', async () => {
    const s = await serve({ bodyLimitBytes: 64 * 1024 });
    const { port } = new URL(s.url);
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/caption', headers: { 'content-type': 'image/png', 'content-length': String(1024 * 1024) } }, (r) => {
        let body = '';
        r.on('data', (d) => (body += d));
        r.on('end', () => resolve({ status: r.statusCode!, body }));
      });
      req.on('error', reject);
      req.write(Buffer.alloc(1024)); // 1 KiB of the 1 MiB announced; the rest never comes
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error).toMatchObject({ code: 'BODY_TOO_LARGE', type: 'invalid_request_error' });
  });

  it('503 + Retry-After at once beyond max-concurrent + max-queue (1 + 1); the accepted ones finish', async () => {
    const s = await serve();
    const big = png(2048, 2048, 3); // seconds of decoding: holds the replica
    const a = post(`${s.url}/v1/caption`, big);
    await until(() => pool.inFlight === 1);
    const b = post(`${s.url}/v1/caption`, scene);
    await until(() => pool.queueDepth === 1);
    const c = await post(`${s.url}/v1/caption`, scene);
    expect(pool.inFlight + pool.queueDepth).toBe(2); // c was refused while a and b still held their places
    expect(c.status).toBe(503);
    expect(c.headers.get('retry-after')).toBe('1');
    expect(await openAIError(c)).toMatchObject({ code: 'QUEUE_FULL', type: 'server_error' });
    expect((await a).status).toBe(200);
    expect((await b).status).toBe(200);
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toContain('mobile_mm_rejections_total{reason="queue_full"} 1');
  });

  it('429 + Retry-After from the per-client token bucket (burst 2, 1/s), checked before the body', async () => {
    const s = await serve({ rateLimitRps: 1, rateLimitBurst: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(`${s.url}/v1/caption`, {})).status);
    expect(statuses).toEqual([400, 400, 429]);
    const r = await post(`${s.url}/v1/caption`, {});
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await openAIError(r)).toMatchObject({ code: 'RATE_LIMITED', type: 'rate_limit_error' });
    expect((await fetch(`${s.url}/health/ready`)).status).toBe(200); // health is not rate-limited
  });

  it('bearer API keys: 401 without or with a wrong key, health and metrics open', async () => {
    const s = await serve({ apiKeys: ['key-aaaaaaaa', 'key-bbbbbbbb'] });
    let r = await post(`${s.url}/v1/caption`, scene);
    expect(r.status).toBe(401);
    expect(await openAIError(r)).toMatchObject({ code: 'UNAUTHORIZED', type: 'authentication_error' });
    r = await post(`${s.url}/v1/caption`, scene, { authorization: 'Bearer key-aaaaaaab' });
    expect(r.status).toBe(401);
    await r.body?.cancel();
    r = await post(`${s.url}/v1/caption`, scene, { authorization: 'Bearer key-bbbbbbbb' });
    expect(r.status).toBe(200);
    await r.body?.cancel();
    const client = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: 'key-aaaaaaaa', maxRetries: 0 });
    expect((await client.models.list()).data.length).toBeGreaterThan(0);
    expect((await fetch(`${s.url}/health/ready`)).status).toBe(200);
    expect((await fetch(`${s.url}/metrics`)).status).toBe(200);
  });

  it('504 at the deadline, whole or streamed, and the replica stops the call', async () => {
    const s = await serve({ requestTimeoutMs: 1 });
    const before = pool.abortedCalls;
    const r = await post(`${s.url}/v1/caption`, png(1024, 1024, 5));
    expect(r.status).toBe(504);
    expect(await openAIError(r)).toMatchObject({ code: 'DEADLINE_EXCEEDED', type: 'timeout_error' });
    await until(() => pool.abortedCalls > before && pool.inFlight === 0);
    const st = await post(`${s.url}/v1/chat/completions`, chatBody(scene, 'caption', { stream: true }));
    expect(st.status).toBe(504); // before the first token: a real status, not an SSE frame
    expect((await openAIError(st)).code).toBe('DEADLINE_EXCEEDED');
    await until(() => pool.inFlight === 0 && pool.queueDepth === 0);
  });
});

describe('metrics and logs', () => {
  it('/metrics: requests by task and status, latency histograms, queue, in-flight, replicas, tokens/s, per-replica tensors', async () => {
    const s = await serve();
    await (await post(`${s.url}/v1/chat/completions`, chatBody(scene, 'caption', { stream: true }))).text();
    await (await post(`${s.url}/v1/vqa`, { image: dataUrl(scene), question: 'how many objects are there?' })).json();
    const text = await (await fetch(`${s.url}/metrics`)).text();
    for (const want of [
      'mobile_mm_requests_total{route="/v1/chat/completions",task="caption",status="200"} 1',
      'mobile_mm_requests_total{route="/v1/vqa",task="vqa",status="200"} 1',
      'mobile_mm_time_to_first_token_seconds_count{task="caption"} 1',
      'mobile_mm_time_per_output_token_seconds_count{task="caption"} 1',
      'mobile_mm_time_to_first_token_seconds_count{task="vqa"} 1', // not streamed: from the replica's token times
      'mobile_mm_request_duration_seconds_bucket{le="+Inf",route="/v1/vqa",task="vqa"} 1',
      'mobile_mm_queue_depth 0',
      'mobile_mm_requests_in_flight 0',
      'mobile_mm_replicas{state="ready"} 1',
      'mobile_mm_max_queue 1',
      'process_resident_memory_bytes',
    ]) {
      expect(text).toContain(want);
    }
    expect(text).toMatch(/mobile_mm_tokens_per_second \d/);
    expect(text).toMatch(/mobile_mm_output_tokens_total\{task="caption"\} [1-9]/);
    expect(text).toMatch(/mobile_mm_replica_tensors\{replica="0"\} [1-9]/);
  });

  it('one JSON log line per request, without the prompt, the image or the answer', async () => {
    const s = await serve();
    const q = 'is there a purple hexagon somewhere?';
    const answer = (await (await post(`${s.url}/v1/vqa`, { image: dataUrl(scene), question: q })).json()) as { text: string };
    await (await post(`${s.url}/v1/vqa?question=${encodeURIComponent(q)}`, scene)).json();
    await (await post(`${s.url}/v1/chat/completions`, { model: 'nope' })).json();
    const lines = s.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => [l.route, l.status, l.code])).toEqual([
      ['/v1/vqa', 200, undefined],
      ['/v1/vqa', 200, undefined],
      ['/v1/chat/completions', 404, 'UNKNOWN_MODEL'],
    ]);
    expect(typeof lines[0].ttftMs).toBe('number');
    expect(lines[0].tokens).toBeGreaterThan(0);
    const all = s.logs.join('\n');
    expect(all).not.toContain('purple');
    expect(all).not.toContain(Buffer.from(scene).toString('base64').slice(0, 40));
    expect(all).not.toContain(JSON.stringify(answer.text));
  });
});

describe('replica crash', () => {
  it('a killed replica fails its in-flight request with 503 REPLICA_CRASHED, is replaced, and serves again', async () => {
    const s = await serve();
    const a = post(`${s.url}/v1/caption`, png(2048, 2048, 9));
    await until(() => pool.inFlight === 1);
    await pool.kill(0);
    const r = await a;
    expect(r.status).toBe(503);
    expect(await openAIError(r)).toMatchObject({ code: 'REPLICA_CRASHED', type: 'server_error' });
    await until(async () => (await fetch(`${s.url}/health/ready`)).status === 200);
    expect(pool.restarts).toBe(1);
    const ok = (await (await post(`${s.url}/v1/caption`, scene)).json()) as { text: string };
    expect(ok.text).toBe((await mm.caption(scene)).text);
  });
});
