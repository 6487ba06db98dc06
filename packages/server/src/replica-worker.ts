/**
 * One replica: a worker thread holding its own MobileMultiModalLLM (its own
 * tfjs engine and wasm heap), running the jobs the main thread sends
 * (protocol.ts). Only the facade's public API is used.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { MobileMultiModalLLM, isMobileMMError, type CallResult, type StreamToken } from 'mobile-mm';
import type { FromWorker, Job, ReplicaInit, ReplicaStats, TokenTimes, ToWorker, WireError } from './protocol.js';

const port = parentPort!;
const init = workerData as ReplicaInit;
const send = (m: FromWorker): void => port.postMessage(m);

function wire(e: unknown): WireError {
  if (isMobileMMError(e)) {
    const details: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(e.details ?? {})) if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) details[k] = v;
    return { code: e.code, message: e.messageEn, ...(e.text ? { text: e.text } : {}), details };
  }
  return { code: 'INTERNAL', message: (e as Error)?.message ?? String(e) };
}

function stats(mm: MobileMultiModalLLM): ReplicaStats {
  const h = mm.health();
  const m = process.memoryUsage();
  return { numTensors: h.memory.numTensors, numBytes: h.memory.numBytes, heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers, calls: h.calls, errors: h.errors };
}

/** The decoder's prompt tokens, as the facade's telemetry counts them (0 where the model does not say). */
function promptTokens(mm: MobileMultiModalLLM, job: Job): number {
  try {
    return mm.model.promptTokens(job.task === 'vqa' ? (job.question ?? '') : job.task).length;
  } catch {
    return 0;
  }
}

async function run(mm: MobileMultiModalLLM, id: number, job: Job, abortFlag: Int32Array): Promise<void> {
  const controller = new AbortController();
  const t0 = performance.now();
  const times: TokenTimes = { firstMs: null, lastMs: null };
  let sent = 0;
  let cut = false;
  let streamed = '';
  const onToken = (t: StreamToken): void => {
    if (Atomics.load(abortFlag, 0) !== 0) controller.abort();
    if (controller.signal.aborted) return;
    if (job.maxTokens !== undefined && sent >= job.maxTokens) {
      cut = true;
      controller.abort();
      return;
    }
    sent++;
    streamed += t.text;
    times.lastMs = performance.now() - t0;
    times.firstMs ??= times.lastMs;
    if (job.stream) send({ type: 'token', id, text: t.text, index: t.index });
  };
  const options = { onToken, signal: controller.signal };
  let result: CallResult;
  if (Atomics.load(abortFlag, 0) !== 0) controller.abort();
  if (job.sampling !== undefined) {
    const prompt = job.task === 'vqa' ? job.question! : job.task;
    const { temperature, topP, seed } = job.sampling;
    result = await mm.generate(job.image, prompt, {
      ...options,
      decoding: 'sample',
      ...(temperature !== undefined ? { temperature } : {}),
      ...(topP !== undefined ? { topP } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(job.maxTokens !== undefined ? { maxNewTokens: job.maxTokens } : {}),
    });
  } else if (job.task === 'vqa') result = await mm.vqa(job.image, job.question!, options);
  else result = await mm[job.task](job.image, options);
  if (cut || (job.maxTokens !== undefined && result.tokens.length > job.maxTokens)) {
    // Stopped at maxTokens (or a CTC read that came in one piece): keep what was sent.
    result = { ...result, text: streamed.trim(), tokens: result.tokens.slice(0, job.maxTokens), finishReason: 'length' };
  }
  send({ type: 'done', id, result, promptTokens: promptTokens(mm, job), tokenTimes: times });
}

async function main(): Promise<void> {
  let mm: MobileMultiModalLLM;
  try {
    mm = await MobileMultiModalLLM.create({ ...init.modelOptions, telemetry: false });
    // The probe: one real call on a plain grey scene, so "ready" means "answers".
    const probe = await mm.caption({ data: new Uint8Array(64 * 64 * 4).fill(128), width: 64, height: 64 });
    if (!mm.health().ok || typeof probe.text !== 'string') throw new Error('the probe call did not answer');
  } catch (e) {
    send({ type: 'fatal', error: wire(e) });
    return;
  }
  const h = mm.health();
  port.on('message', (m: ToWorker) => {
    if (m.type === 'stats') send({ type: 'stats', stats: stats(mm) });
    else if (m.type === 'run') {
      run(mm, m.id, m.job, new Int32Array(m.abort)).catch((e: unknown) => send({ type: 'error', id: m.id, error: wire(e) }));
    }
  });
  send({
    type: 'ready',
    model: { name: h.model.name, backend: h.backend, variant: h.variant, profile: h.profile, parameters: h.model.parameters },
    stats: stats(mm),
  });
}

await main();
