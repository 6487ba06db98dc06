/**
 * `mobile-mm serve` as operators run it: the built CLI (bin/mobile-mm.js →
 * dist) in a child process, stopped with SIGTERM. Needs the build that
 * `npm test` runs first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { png, scenePng } from './__fixtures__/fixtures.js';

const bin = path.join(path.dirname(createRequire(import.meta.url).resolve('mobile-mm/package.json')), 'bin/mobile-mm.js');
const children: ChildProcess[] = [];

interface Cli {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exited: Promise<number | null>;
}

function cli(args: string[], env: Record<string, string> = {}): Cli {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MOBILE_MM_')));
  const child = spawn(process.execPath, [bin, ...args], { env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const c: Cli = { child, stdout: [], stderr: [], exited: new Promise((r) => child.on('exit', (code) => r(code))) };
  child.stdout!.on('data', (d) => c.stdout.push(String(d)));
  child.stderr!.on('data', (d) => c.stderr.push(String(d)));
  return c;
}

async function until<T>(f: () => T | undefined | Promise<T | undefined>, ms = 90_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const urlOf = (c: Cli): Promise<string> => until(() => /listening on (http:\/\/[^ ]+)/.exec(c.stderr.join(''))?.[1]);
const status = (url: string): Promise<number> => fetch(url).then((r) => r.status, () => -1);
const caption = (url: string, body: Uint8Array<ArrayBuffer>): Promise<Response> => fetch(`${url}/v1/caption`, { method: 'POST', headers: { 'content-type': 'image/png' }, body });

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

it('SIGTERM: readiness 503 at once, the running request finishes, exit 0', async () => {
  const c = cli(['serve', '--port', '0', '--replicas', '1', '--drain-delay-ms', '3000', '--drain-timeout-ms', '20000']);
  const url = await urlOf(c);
  await until(async () => ((await status(`${url}/health/ready`)) === 200 ? true : undefined));
  const slow = caption(url, png(2048, 2048, 11)); // ~1–2 s of decoding in the replica
  await until(async () => ((await (await fetch(`${url}/metrics`)).text()).includes('mobile_mm_requests_in_flight 1') ? true : undefined));
  c.child.kill('SIGTERM');
  await until(async () => ((await status(`${url}/health/ready`)) === 503 ? true : undefined), 3000);
  expect(await status(`${url}/health/live`)).toBe(200);
  const r = await slow;
  expect(r.status).toBe(200);
  expect(((await r.json()) as { task: string }).task).toBe('caption');
  expect(await c.exited).toBe(0);
  const log = c.stdout.join('').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { msg: string; finished?: boolean });
  expect(log.find((l) => l.msg === 'stopped')?.finished).toBe(true);
});

it('SIGTERM with a request over the grace period: it is aborted with 503 UNAVAILABLE, exit 0', async () => {
  const c = cli(['serve', '--port', '0', '--replicas', '1', '--drain-timeout-ms', '50']);
  const url = await urlOf(c);
  await until(async () => ((await status(`${url}/health/ready`)) === 200 ? true : undefined));
  const slow = caption(url, png(2048, 2048, 12));
  await until(async () => ((await (await fetch(`${url}/metrics`)).text()).includes('mobile_mm_requests_in_flight 1') ? true : undefined));
  c.child.kill('SIGTERM');
  const r = await slow;
  expect(r.status).toBe(503);
  expect(((await r.json()) as { error: { code: string } }).error.code).toBe('UNAVAILABLE');
  expect(await c.exited).toBe(0);
});

it('a bad flag or MOBILE_MM_* value exits 2 with INVALID_CONFIG naming it; --help exits 0', async () => {
  let c = cli(['serve', '--replicas', '0']);
  expect(await c.exited).toBe(2);
  expect(c.stderr.join('')).toMatch(/^error \[INVALID_CONFIG\]: config\.replicas: 0 is not accepted/);
  c = cli(['serve'], { MOBILE_MM_MAX_QUEUE: 'lots' });
  expect(await c.exited).toBe(2);
  expect(c.stderr.join('')).toContain('config.maxQueue (from MOBILE_MM_MAX_QUEUE): "lots" is not accepted');
  c = cli(['serve'], { MOBILE_MM_BACKEND: 'gpu' });
  expect(await c.exited).toBe(2);
  expect(c.stderr.join('')).toContain('config.backend (from MOBILE_MM_BACKEND)');
  c = cli(['serve', '--port', 'eighty']);
  expect(await c.exited).toBe(2);
  expect(c.stderr.join('')).toContain('error [USAGE]: --port takes a non-negative integer');
  c = cli(['serve', '--help']);
  expect(await c.exited).toBe(0);
  expect(c.stdout.join('')).toContain('MOBILE_MM_MAX_CONCURRENT_REQUESTS');
});

it('the environment configures it: MOBILE_MM_PORT, MOBILE_MM_REPLICAS, MOBILE_MM_MAX_QUEUE', async () => {
  const c = cli(['serve'], { MOBILE_MM_PORT: '0', MOBILE_MM_REPLICAS: '1', MOBILE_MM_MAX_QUEUE: '3', MOBILE_MM_MAX_CONCURRENT_REQUESTS: '2' });
  const url = await urlOf(c);
  await until(async () => ((await status(`${url}/health/ready`)) === 200 ? true : undefined));
  const metrics = await (await fetch(`${url}/metrics`)).text();
  expect(metrics).toContain('mobile_mm_max_queue 3');
  expect(metrics).toContain('mobile_mm_max_concurrent_requests 2');
  expect(metrics).toContain('mobile_mm_replicas{state="ready"} 1');
  expect((await caption(url, scenePng())).status).toBe(200);
  c.child.kill('SIGTERM');
  expect(await c.exited).toBe(0);
});
