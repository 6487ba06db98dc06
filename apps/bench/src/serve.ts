/**
 * The `serve` suite: `mobile-mm serve` (@mobile-mm/server) under HTTP load on
 * the loopback, driven by autocannon from this process (the server runs
 * in-process too, so the suite can read its replicas' memory and kill one).
 *
 *   throughput   req/s and p50/p95/p99 per task (caption, ocr, vqa) at 1 and 2 replicas,
 *                closed loop with 2 connections per replica (each replica busy, one request queued)
 *   ttft         streaming chat completions: time to the first content chunk, alone and under load
 *   overload     4× capacity (max-concurrent + max-queue) in connections: the exact count of 503s,
 *                that nothing else failed, and the latency of the accepted requests
 *   soak         N mixed requests; RSS and each replica's tensors and heap sampled as it goes
 *   kill         a replica killed mid-load: the requests it held, the time to its replacement
 *
 * Every answer is checked against the facade's answer for the same image
 * before anything is timed. Bounded: each phase has a request count or a
 * duration, and everything listens on 127.0.0.1 only.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import autocannon, { type Request as CannonRequest, type Result as CannonResult } from 'autocannon';
import { MobileMultiModalLLM } from 'mobile-mm';
import { startServer, type RunningServer } from '@mobile-mm/server';
import { quantile } from './stats.js';

export interface Latency {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface ThroughputRow {
  replicas: number;
  task: string;
  connections: number;
  durationS: number;
  requests: number;
  reqPerS: number;
  latencyMs: Latency;
  non200: number;
  /** CPU cores the whole process used meanwhile (user + system time / wall time). */
  cpuCores: number;
}

export interface ServeResults {
  quick: boolean;
  throughput: ThroughputRow[];
  ttft: { replicas: number; concurrency: number; n: number; ttftMs: Latency; totalMs: Latency }[];
  overload: {
    /** 'closed': 4× capacity in connections, each resending at once (a retry storm); 'open': 4× the measured req/s offered. */
    mode: 'open' | 'closed';
    offeredRps: number | null;
    replicas: number;
    maxConcurrent: number;
    maxQueue: number;
    connections: number;
    durationS: number;
    total: number;
    status200: number;
    status503: number;
    /** 503 bodies by error code: QUEUE_FULL only, when the server behaves. */
    codes503: Record<string, number>;
    otherStatus: number;
    socketErrors: number;
    timeouts: number;
    acceptedMs: Latency;
    rejectedMs: Latency;
    retryAfter: string[];
    acceptedRps: number;
  }[];
  soak: {
    replicas: number;
    requests: number;
    durationS: number;
    reqPerS: number;
    non200: number;
    socketErrors: number;
    samples: { requests: number; rssMiB: number; tensors: number[]; heapMiB: number[] }[];
    /** Over the samples after the first 10 % of the requests: (max − min) / min. */
    rssSpread: number;
    heapSpread: number[];
    /** tfjs tensors per replica with nothing running, before and after the soak: equal when nothing leaked. */
    tensorsAtRest: { before: number[]; after: number[] };
    /** Most tensors seen in a replica while calls ran (the in-flight call's own). */
    tensorsMaxDuring: number;
  };
  /** os.loadavg() at the start and the end: other work on the machine. */
  loadAverage: { start: number[]; end: number[] };
  kill: {
    replicas: number;
    connections: number;
    durationS: number;
    killedAtS: number;
    replacedAfterMs: number;
    total: number;
    status200: number;
    byCode: Record<string, number>;
    socketErrors: number;
  };
}

const pkgDir = path.dirname(createRequire(import.meta.url).resolve('mobile-mm/package.json'));
const SAMPLES = path.join(pkgDir, 'samples');

export function latency(ms: number[]): Latency {
  const s = [...ms].sort((a, b) => a - b);
  return { n: s.length, p50: quantile(s, 0.5), p95: quantile(s, 0.95), p99: quantile(s, 0.99), max: s[s.length - 1] ?? NaN };
}

/** Least-squares slope of y over x. */
export function slope(x: number[], y: number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (x[i] - mx) * (y[i] - my);
    den += (x[i] - mx) ** 2;
  }
  return den === 0 ? NaN : num / den;
}

const spread = (xs: number[]): number => (xs.length === 0 ? NaN : (Math.max(...xs) - Math.min(...xs)) / Math.min(...xs));

interface Inputs {
  scenes: Buffer[];
  lines: Buffer[];
  question: string;
}

async function inputs(): Promise<Inputs> {
  const read = (f: string): Promise<Buffer> => readFile(path.join(SAMPLES, f));
  return { scenes: await Promise.all([0, 1, 2].map((i) => read(`scene-${i}.png`))), lines: await Promise.all([0, 1, 2].map((i) => read(`text-${i}.png`))), question: 'how many objects are there?' };
}

type Task = 'caption' | 'ocr' | 'vqa';

function requestsFor(task: Task, x: Inputs): CannonRequest[] {
  const images = task === 'ocr' ? x.lines : x.scenes;
  const p = task === 'vqa' ? `/v1/vqa?question=${encodeURIComponent(x.question)}` : `/v1/${task}`;
  return images.map((body) => ({ method: 'POST', path: p, headers: { 'content-type': 'image/png' }, body }));
}

/** The served answers equal the facade's for every input, before anything is timed. */
async function validate(url: string, x: Inputs): Promise<void> {
  const mm = await MobileMultiModalLLM.create({ backend: 'wasm', env: {}, telemetry: false });
  try {
    for (const task of ['caption', 'ocr', 'vqa'] as const) {
      for (const r of requestsFor(task, x)) {
        const got = (await (await fetch(url + r.path!, { method: 'POST', headers: r.headers, body: new Uint8Array(r.body as Buffer) })).json()) as { text: string };
        const img = r.body as Buffer;
        const want = task === 'vqa' ? await mm.vqa(img, x.question) : await mm[task](img);
        if (got.text !== want.text) throw new Error(`served ${task} ${JSON.stringify(got.text)} differs from the facade's ${JSON.stringify(want.text)}`);
      }
    }
  } finally {
    mm.dispose();
  }
}

interface Run {
  result: CannonResult;
  byStatus: Map<number, number[]>;
  codes: Record<string, number>;
  retryAfter: Set<string>;
  cpuCores: number;
}

/** One autocannon run; latencies per status from its 'response' events, error codes from the bodies. */
async function cannon(url: string, requests: CannonRequest[], o: { connections: number; duration?: number; amount?: number; overallRate?: number; during?: (t0: number) => void; onDone?: (n: number) => void }): Promise<Run> {
  const byStatus = new Map<number, number[]>();
  const codes: Record<string, number> = {};
  const retryAfter = new Set<string>();
  let done = 0;
  const reqs = requests.map((r) => ({
    ...r,
    onResponse: (status: number, body: string, _ctx: Record<string, unknown>, headers?: Record<string, string>) => {
      done++;
      o.onDone?.(done);
      if (status === 200) return;
      let code = `HTTP_${status}`;
      try {
        code = (JSON.parse(body) as { error: { code: string } }).error.code;
      } catch {
        /* not JSON */
      }
      codes[code] = (codes[code] ?? 0) + 1;
      if (headers?.['retry-after'] !== undefined) retryAfter.add(headers['retry-after']);
    },
  }));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const instance = autocannon({ url, connections: o.connections, timeout: 60, requests: reqs as CannonRequest[], ...(o.duration ? { duration: o.duration } : {}), ...(o.amount ? { amount: o.amount } : {}), ...(o.overallRate ? { overallRate: o.overallRate } : {}) });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    const list = byStatus.get(status) ?? [];
    list.push(ms);
    byStatus.set(status, list);
  });
  o.during?.(t0);
  const result = await instance;
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  return { result, byStatus, codes, retryAfter, cpuCores: (cpu.user + cpu.system) / 1000 / wallMs };
}

async function server(replicas: number, maxConcurrent: number, maxQueue: number): Promise<RunningServer> {
  return startServer({ env: {}, port: 0, host: '127.0.0.1', replicas, maxConcurrent, maxQueue, requestTimeoutMs: 60_000, logStream: false, model: { backend: 'wasm' } });
}

async function stop(s: RunningServer): Promise<void> {
  await s.drain();
}

/** Streams `n` captions per worker over `concurrency` workers; time to the first content chunk and to the end. */
async function ttft(url: string, x: Inputs, n: number, concurrency: number): Promise<{ ttft: number[]; total: number[] }> {
  const out = { ttft: [] as number[], total: [] as number[] };
  const body = JSON.stringify({
    model: 'mobile-mm',
    stream: true,
    messages: [{ role: 'user', content: [{ type: 'text', text: 'caption' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${x.scenes[0].toString('base64')}` } }] }],
  });
  const one = async (): Promise<void> => {
    const t0 = performance.now();
    const r = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const reader = r.body!.getReader();
    const dec = new TextDecoder();
    let text = '';
    let first = -1;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += dec.decode(value, { stream: true });
      if (first < 0 && /"content":"[^"]/.test(text)) first = performance.now() - t0;
    }
    if (!text.endsWith('data: [DONE]\n\n') || first < 0) throw new Error('a streamed caption did not arrive whole');
    out.ttft.push(first);
    out.total.push(performance.now() - t0);
  };
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = 0; i < n; i++) await one();
  }));
  return out;
}

export async function runServeSuite(o: { quick: boolean; soakRequests?: number; onLine: (l: string) => void }): Promise<ServeResults> {
  const x = await inputs();
  const say = o.onLine;
  const dur = o.quick ? 3 : 8;
  const res: Partial<ServeResults> = { quick: o.quick, throughput: [], ttft: [] };
  const loadStart = os.loadavg();

  for (const replicas of [1, 2]) {
    const s = await server(replicas, replicas, 4 * replicas);
    try {
      await validate(s.url, x);
      for (const task of ['caption', 'ocr', 'vqa'] as const) {
        const connections = 2 * replicas;
        await cannon(s.url, requestsFor(task, x), { connections, duration: o.quick ? 1 : 2 }); // warm-up
        const r = await cannon(s.url, requestsFor(task, x), { connections, duration: dur });
        const ok = r.byStatus.get(200) ?? [];
        const row: ThroughputRow = {
          replicas,
          task,
          connections,
          durationS: dur,
          requests: r.result.requests.total,
          reqPerS: ok.length / r.result.duration,
          latencyMs: latency(ok),
          non200: r.result.non2xx + r.result.errors + r.result.timeouts,
          cpuCores: r.cpuCores,
        };
        res.throughput!.push(row);
        say(`${replicas} replica(s) ${task}: ${row.reqPerS.toFixed(1)} req/s, p50 ${row.latencyMs.p50.toFixed(1)} ms, p95 ${row.latencyMs.p95.toFixed(1)} ms, p99 ${row.latencyMs.p99.toFixed(1)} ms, non-200 ${row.non200}, ${row.cpuCores.toFixed(2)} cores`);
      }
      for (const concurrency of [1, 2 * replicas]) {
        const n = o.quick ? 5 : concurrency === 1 ? 40 : 20;
        const t = await ttft(s.url, x, n, concurrency);
        res.ttft!.push({ replicas, concurrency, n: t.ttft.length, ttftMs: latency(t.ttft), totalMs: latency(t.total) });
        say(`${replicas} replica(s) streaming caption ×${concurrency}: TTFT p50 ${latency(t.ttft).p50.toFixed(1)} ms, p95 ${latency(t.ttft).p95.toFixed(1)} ms; whole p50 ${latency(t.total).p50.toFixed(1)} ms`);
      }
    } finally {
      await stop(s);
    }
  }

  res.overload = [];
  for (const mode of ['open', 'closed'] as const) {
    // Capacity 2 + 4 = 6 requests. open: 4× the measured 2-replica caption rate offered over 24 connections;
    // closed: 24 connections that resend the moment they are answered (a client ignoring Retry-After).
    const [replicas, maxConcurrent, maxQueue] = [2, 2, 4];
    const connections = 4 * (maxConcurrent + maxQueue);
    const measured = res.throughput!.find((t) => t.replicas === replicas && t.task === 'caption')!.reqPerS;
    const offeredRps = mode === 'open' ? Math.max(4, Math.round(4 * measured)) : null;
    const s = await server(replicas, maxConcurrent, maxQueue);
    try {
      await cannon(s.url, requestsFor('caption', x), { connections: maxConcurrent, duration: 1 });
      const d = o.quick ? 3 : 10;
      const r = await cannon(s.url, requestsFor('caption', x), { connections, duration: d, ...(offeredRps !== null ? { overallRate: offeredRps } : {}) });
      const ok = r.byStatus.get(200) ?? [];
      const rej = r.byStatus.get(503) ?? [];
      const other = [...r.byStatus.entries()].filter(([k]) => k !== 200 && k !== 503).reduce((a, [, v]) => a + v.length, 0);
      const row = {
        mode,
        offeredRps,
        replicas,
        maxConcurrent,
        maxQueue,
        connections,
        durationS: d,
        total: r.result.requests.total,
        status200: ok.length,
        status503: rej.length,
        codes503: r.codes,
        otherStatus: other,
        socketErrors: r.result.errors,
        timeouts: r.result.timeouts,
        acceptedMs: latency(ok),
        rejectedMs: latency(rej),
        retryAfter: [...r.retryAfter],
        acceptedRps: ok.length / r.result.duration,
      };
      res.overload.push(row);
      say(`overload ${mode}${offeredRps ? ` at ${offeredRps} req/s offered` : ''} (${connections} connections, capacity ${maxConcurrent}+${maxQueue}): ${ok.length} × 200 (${row.acceptedRps.toFixed(1)}/s), ${rej.length} × 503 ${JSON.stringify(r.codes)}, other ${other}, socket errors ${r.result.errors}, timeouts ${r.result.timeouts}; accepted p50 ${latency(ok).p50.toFixed(1)} ms p99 ${latency(ok).p99.toFixed(1)} ms; rejected p99 ${latency(rej).p99.toFixed(2)} ms`);
    } finally {
      await stop(s);
    }
  }

  {
    const replicas = 2;
    const n = o.soakRequests ?? (o.quick ? 600 : 10_000);
    const s = await server(replicas, replicas, 4 * replicas);
    try {
      const mixed = [...requestsFor('caption', x), ...requestsFor('ocr', x), ...requestsFor('vqa', x)];
      const samples: ServeResults['soak']['samples'] = [];
      const sample = async (requests: number): Promise<void> => {
        const st = await s.pool.stats();
        samples.push({ requests, rssMiB: process.memoryUsage().rss / 2 ** 20, tensors: st.map((q) => q?.numTensors ?? -1), heapMiB: st.map((q) => ((q?.heapUsed ?? 0) + (q?.arrayBuffers ?? 0)) / 2 ** 20) });
      };
      const beforeStats = await s.pool.stats();
      await sample(0);
      const every = Math.max(1, Math.floor(n / 20));
      let next = every;
      const t0 = performance.now();
      const r = await cannon(s.url, mixed, {
        connections: 2 * replicas,
        amount: n,
        onDone: (k) => {
          if (k >= next) {
            next += every;
            void sample(k);
          }
        },
      });
      const seconds = (performance.now() - t0) / 1000;
      const afterStats = await s.pool.stats();
      await sample(n);
      const late = samples.filter((q) => q.requests >= n / 10);
      res.soak = {
        replicas,
        requests: r.result.requests.total,
        durationS: seconds,
        reqPerS: r.result.requests.total / seconds,
        non200: r.result.non2xx,
        socketErrors: r.result.errors + r.result.timeouts,
        samples,
        rssSpread: spread(late.map((q) => q.rssMiB)),
        heapSpread: [0, 1].map((i) => spread(late.map((q) => q.heapMiB[i]))),
        tensorsAtRest: { before: beforeStats.map((q) => q?.numTensors ?? -1), after: afterStats.map((q) => q?.numTensors ?? -1) },
        tensorsMaxDuring: Math.max(...samples.flatMap((q) => q.tensors)),
      };
      say(`soak: ${res.soak.requests} requests in ${seconds.toFixed(0)} s (${res.soak.reqPerS.toFixed(1)} req/s), non-200 ${res.soak.non200}; RSS ${samples[0].rssMiB.toFixed(0)} → ${samples.at(-1)!.rssMiB.toFixed(0)} MiB (spread after 10 %: ${(res.soak.rssSpread * 100).toFixed(1)} %); tensors at rest ${res.soak.tensorsAtRest.before.join('/')} → ${res.soak.tensorsAtRest.after.join('/')}, at most ${res.soak.tensorsMaxDuring} during calls`);
    } finally {
      await stop(s);
    }
  }

  {
    const [replicas, maxConcurrent, maxQueue] = [2, 2, 8];
    const connections = 6;
    const d = o.quick ? 6 : 12;
    const killedAtS = d / 3;
    const s = await server(replicas, maxConcurrent, maxQueue);
    try {
      let killedAt = 0;
      let replacedAfterMs = NaN;
      const r = await cannon(s.url, requestsFor('caption', x), {
        connections,
        duration: d,
        during: () => {
          setTimeout(() => {
            killedAt = performance.now();
            void s.pool.kill(0);
            const poll = setInterval(() => {
              if (s.pool.allReady && s.pool.restarts > 0) {
                replacedAfterMs = performance.now() - killedAt;
                clearInterval(poll);
              }
            }, 5);
          }, killedAtS * 1000);
        },
      });
      res.kill = {
        replicas,
        connections,
        durationS: d,
        killedAtS,
        replacedAfterMs,
        total: r.result.requests.total,
        status200: r.byStatus.get(200)?.length ?? 0,
        byCode: r.codes,
        socketErrors: r.result.errors + r.result.timeouts,
      };
      say(`kill: replica 0 killed at ${killedAtS} s, replaced after ${replacedAfterMs.toFixed(0)} ms; ${res.kill.status200} × 200, errors ${JSON.stringify(r.codes)}, socket errors ${res.kill.socketErrors}`);
    } finally {
      await stop(s);
    }
  }
  res.loadAverage = { start: loadStart, end: os.loadavg() };
  return res as ServeResults;
}

const f = (v: number, d = 1): string => (Number.isFinite(v) ? v.toFixed(d) : '—');

export function serveTables(r: ServeResults): string {
  const out: string[] = [];
  out.push('## Throughput and latency per task', '', '| replicas | task | connections | req/s | p50 ms | p95 ms | p99 ms | requests | non-200 | CPU cores used |', '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const t of r.throughput) out.push(`| ${t.replicas} | ${t.task} | ${t.connections} | ${f(t.reqPerS)} | ${f(t.latencyMs.p50)} | ${f(t.latencyMs.p95)} | ${f(t.latencyMs.p99)} | ${t.requests} | ${t.non200} | ${f(t.cpuCores, 2)} |`);
  out.push('', '## Streaming: time to first token (caption, chat completions with stream: true)', '', '| replicas | concurrent streams | n | TTFT p50 ms | TTFT p95 ms | whole p50 ms | whole p95 ms |', '|---:|---:|---:|---:|---:|---:|---:|');
  for (const t of r.ttft) out.push(`| ${t.replicas} | ${t.concurrency} | ${t.n} | ${f(t.ttftMs.p50)} | ${f(t.ttftMs.p95)} | ${f(t.totalMs.p50)} | ${f(t.totalMs.p95)} |`);
  const cap = r.overload[0];
  out.push(
    '',
    '## Overload: 4× capacity',
    '',
    `${cap.replicas} replicas, max-concurrent ${cap.maxConcurrent}, max-queue ${cap.maxQueue} (capacity ${cap.maxConcurrent + cap.maxQueue} requests), ${cap.connections} connections, captions for ${cap.durationS} s each. ` +
      '"open": 4× the 2-replica caption rate measured above is offered (autocannon overallRate); "closed": every connection resends the moment it is answered, ignoring Retry-After (a retry storm: the main thread then spends its time refusing). ' +
      'Every 503 is checked for its body: the codes column counts the error codes found.',
    '',
    '| mode | offered req/s | responses | 200 | 200/s | 503 | 503 codes | other statuses | socket errors | timeouts | accepted p50 / p95 / p99 ms | 503 p50 / p99 ms | Retry-After |',
    '|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---|---|---|',
    ...r.overload.map(
      (o) =>
        `| ${o.mode} | ${o.offeredRps ?? '—'} | ${o.total} | ${o.status200} | ${f(o.acceptedRps)} | ${o.status503} | ${Object.entries(o.codes503).map(([k, v]) => `${k} ${v}`).join(', ') || '—'} | ${o.otherStatus} | ${o.socketErrors} | ${o.timeouts} | ${f(o.acceptedMs.p50)} / ${f(o.acceptedMs.p95)} / ${f(o.acceptedMs.p99)} | ${f(o.rejectedMs.p50, 2)} / ${f(o.rejectedMs.p99, 2)} | ${o.retryAfter.join(', ') || '—'} s |`,
    ),
  );
  const s = r.soak;
  const half = s.samples.filter((q) => q.requests >= s.requests / 2);
  const late = s.samples.filter((q) => q.requests >= s.requests / 10);
  const rss = late.map((q) => q.rssMiB);
  out.push(
    '',
    '## Soak',
    '',
    `${s.requests} requests (captions, OCR and VQA in turn) over ${s.replicas} replicas, 4 connections: ${f(s.durationS, 0)} s, ${f(s.reqPerS)} req/s, non-200 ${s.non200}, socket errors ${s.socketErrors}. ` +
      `After the first 10 % of the requests, RSS (the whole process: main thread and both replicas) stayed between ${f(Math.min(...rss))} and ${f(Math.max(...rss))} MiB (spread ${f(s.rssSpread * 100)} %), ` +
      `and over the second half it moved by ${f(slope(half.map((q) => q.requests / 1000), half.map((q) => q.rssMiB)), 2)} MiB per 1,000 requests (least-squares slope: flat means no leak); ` +
      `each replica's heap (V8 + ArrayBuffers, the wasm heap among them) follows the garbage collector's sawtooth (${s.samples.map((q) => Math.min(...q.heapMiB)).reduce((a, b) => Math.min(a, b)).toFixed(0)}–${s.samples.map((q) => Math.max(...q.heapMiB)).reduce((a, b) => Math.max(a, b)).toFixed(0)} MiB) without a trend; ` +
      `tfjs tensors per replica at rest: ${s.tensorsAtRest.before.join(' / ')} before, ${s.tensorsAtRest.after.join(' / ')} after (${s.tensorsAtRest.before.join() === s.tensorsAtRest.after.join() ? 'no leak' : 'CHANGED'}); at most ${s.tensorsMaxDuring} while a call ran (its own intermediates).`,
    '',
    '| requests done | RSS MiB | tensors per replica | heap MiB per replica |',
    '|---:|---:|---|---|',
    ...s.samples.map((q) => `| ${q.requests} | ${f(q.rssMiB)} | ${q.tensors.join(' / ')} | ${q.heapMiB.map((h) => f(h)).join(' / ')} |`),
  );
  const k = r.kill;
  out.push(
    '',
    '## A replica killed mid-load',
    '',
    `${k.replicas} replicas, ${k.connections} connections, captions for ${k.durationS} s; replica 0 terminated at ${k.killedAtS} s (as an OOM kill would). ` +
      `Its replacement loaded and passed its probe ${f(k.replacedAfterMs, 0)} ms later. Responses: ${k.total}; 200: ${k.status200}; errors by code: ${Object.entries(k.byCode).map(([c, v]) => `${c} ${v}`).join(', ') || 'none'}; socket errors: ${k.socketErrors}.`,
  );
  out.push('', `Load average of the machine (other work on its 2 cores): ${r.loadAverage.start.map((v) => v.toFixed(2)).join(' ')} at the start, ${r.loadAverage.end.map((v) => v.toFixed(2)).join(' ')} at the end.`);
  return out.join('\n');
}
