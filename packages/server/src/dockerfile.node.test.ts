/**
 * deploy/Dockerfile's build steps, run for real in a clean folder (no
 * container engine: a base image cannot be pulled here; see
 * __fixtures__/dockerfile.ts): `npm ci` from the lockfile and its build,
 * the production-only reinstall, the final tree. Then the image's CMD is
 * started from that tree as the Dockerfile's USER, its HEALTHCHECK command
 * run, a caption asked for, and SIGTERM sent. Slow (two `npm ci` and a
 * build: minutes), and it needs the npm registry or a warm npm cache.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MobileMultiModalLLM } from 'mobile-mm';
import { afterAll, expect, it } from 'vitest';
import { buildStages } from './__fixtures__/dockerfile.js';
import { scenePng } from './__fixtures__/fixtures.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'mobile-mm-dockerfile-'));
chmodSync(tmp, 0o755); // the image's user must reach the tree

// Two node_modules trees: removing them takes a while, so it runs on after the test run.
afterAll(() => spawn('rm', ['-rf', tmp], { detached: true, stdio: 'ignore' }).unref());

it('builds the image tree from the lockfile and serves a caption from it as the non-root user', { timeout: 1_200_000 }, async () => {
  const steps: string[] = [];
  const stages = buildStages(path.join(root, 'deploy/Dockerfile'), root, tmp, (l) => steps.push(l));
  expect(stages.map((s) => s.name)).toEqual(['build', 'prod', null]);
  const image = stages[2];
  const app = path.join(image.root, image.workdir);

  // What the final stage holds: the built packages and the models, production dependencies only.
  for (const p of ['packages/mobile-mm/models/tiny-int2/config.json', 'packages/mobile-mm/models/tiny-fp32/config.json', 'packages/mobile-mm/bin/mobile-mm.js', 'packages/server/dist/index.js', 'node_modules/fastify', 'node_modules/prom-client', 'node_modules/@tensorflow/tfjs-backend-wasm']) {
    expect(existsSync(path.join(app, p)), p).toBe(true);
  }
  for (const p of ['apps', 'packages/synth', 'node_modules/onnxruntime-node', 'node_modules/onnxruntime-web', 'node_modules/@napi-rs/canvas', 'node_modules/vitest', 'node_modules/typescript', 'node_modules/turbo', 'node_modules/openai', 'node_modules/kubernetes-models', 'node_modules/@changesets', 'packages/server/src', 'packages/mobile-mm/src']) {
    expect(existsSync(path.join(app, p)), p).toBe(false);
  }
  expect(readdirSync(path.join(app, 'packages/server/dist')).some((f) => f.includes('.test.'))).toBe(false);

  // The CMD, as USER (when this runs as root), on the loopback and a free port.
  const [uid, gid] = (image.user ?? '').split(':').map(Number);
  const asUser = process.getuid?.() === 0 && Number.isInteger(uid) ? { uid, gid } : {};
  const env = { PATH: process.env.PATH ?? '', HOME: tmp, ...image.env, MOBILE_MM_PORT: '0', MOBILE_MM_HOST: '127.0.0.1', MOBILE_MM_REPLICAS: '1' };
  const child = spawn(image.cmd![0], image.cmd!.slice(1), { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'], ...asUser });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no "listening on" line: ${stderr}`)), 120_000);
      child.stderr.on('data', () => {
        const m = /listening on (http:\/\/[^ ]+)/.exec(stderr);
        if (m) (clearTimeout(t), resolve(m[1]));
      });
      child.on('exit', () => reject(new Error(`the server exited: ${stderr}`)));
    });
    const port = new URL(url).port;
    const health = spawn(image.healthcheck![0], image.healthcheck!.slice(1), { env: { ...env, MOBILE_MM_PORT: port }, stdio: 'ignore' });
    expect(await new Promise((r) => health.on('exit', r))).toBe(0);
    for (let i = 0; i < 600 && (await fetch(`${url}/health/ready`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 100));
    const scene = scenePng();
    const r = await fetch(`${url}/v1/caption`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: scene });
    expect(r.status).toBe(200);
    const mm = await MobileMultiModalLLM.create({ backend: 'wasm', env: {}, telemetry: false });
    expect(((await r.json()) as { text: string }).text).toBe((await mm.caption(scene)).text);
    mm.dispose();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
