/**
 * probeBackend on a backend nothing has imported yet (tfjs backends are
 * loaded on demand by @mobile-mm/core/backend): it loads the backend's module
 * and probes it. Fresh processes on the built package, so no earlier test has
 * registered anything.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const pkgDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

it.each(['cpu', 'wasm'])('probes %s in a process where no backend was imported', (backend) => {
  expect(existsSync(path.join(pkgDir, 'dist/probe.js')), 'run `npm run build` first (npm test does)').toBe(true);
  const code = `
    import * as tf from '@tensorflow/tfjs-core';
    import { probeBackend } from '@mobile-mm/resilience';
    const before = tf.findBackendFactory(${JSON.stringify(backend)}) != null;
    const r = await probeBackend(${JSON.stringify(backend)});
    process.stdout.write(JSON.stringify({ before, ok: r.ok, reason: r.reason, current: tf.getBackend() }));
  `;
  const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: pkgDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  expect(out).toEqual({ before: false, ok: true, reason: '', current: backend });
});
