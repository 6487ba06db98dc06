/**
 * Which import has which side effect, checked in fresh Node processes on the
 * built package (dist/, as installed): the main entry and /backend register
 * no tfjs backend and load no tfjs backend package; /backend/<name> registers
 * exactly that one; setupBackend(name) loads only the backend it starts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const coreDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Probe {
  /** Backend factories registered with the tfjs engine. */
  registered: string[];
  /** tfjs backend packages loaded into the process. */
  loaded: string[];
  /** The current backend, when one was started. */
  current: string | null;
}

/** Runs `body` (ESM, top-level await) after the given imports in a new process and reports what it registered. */
function probe(imports: string[], body = ''): Probe {
  const code = `
    ${imports.map((s) => `import ${JSON.stringify(s)};`).join('\n')}
    import * as tf from '@tensorflow/tfjs-core';
    import { createRequire } from 'node:module';
    ${body}
    const require = createRequire(import.meta.url);
    const loaded = [...new Set(Object.keys(require.cache).map((f) => f.match(/tfjs-backend-(cpu|wasm|webgl|webgpu)/)?.[1]).filter(Boolean))].sort();
    const registered = ['cpu', 'wasm', 'webgl', 'webgpu'].filter((b) => tf.findBackendFactory(b) != null);
    let current = null;
    try { current = tf.engine().backendName ?? null; } catch {}
    process.stdout.write(JSON.stringify({ registered, loaded, current }));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: coreDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out) as Probe;
}

beforeAll(() => {
  if (!existsSync(path.join(coreDir, 'dist/backend/index.js'))) throw new Error('packages/core/dist is missing: run `npm run build` first (npm test does).');
});

describe('side effects of each entry point (fresh processes, built package)', () => {
  it('@mobile-mm/core registers and loads no backend', () => {
    expect(probe(['@mobile-mm/core'])).toEqual({ registered: [], loaded: [], current: null });
  });

  it('@mobile-mm/core/backend registers and loads no backend', () => {
    expect(probe(['@mobile-mm/core/backend'])).toEqual({ registered: [], loaded: [], current: null });
  });

  it.each(['cpu', 'wasm', 'webgl', 'webgpu'])('@mobile-mm/core/backend/%s registers that backend only', (name) => {
    const p = probe([`@mobile-mm/core/backend/${name}`]);
    // tfjs-backend-webgl registers its factory only in a browser, tfjs-backend-webgpu only where navigator.gpu exists.
    expect(p.registered).toEqual(name === 'webgl' || name === 'webgpu' ? [] : [name]);
    // webgl and wasm reuse tfjs-backend-cpu's shared kernel code, which registers nothing.
    expect(p.loaded).toContain(name);
    for (const other of ['wasm', 'webgl', 'webgpu'].filter((b) => b !== name)) expect(p.loaded).not.toContain(other);
  });

  it("setupBackend('wasm') loads wasm only, and starts it", () => {
    const p = probe([], "const { setupBackend } = await import('@mobile-mm/core/backend'); await setupBackend('wasm');");
    expect(p).toEqual({ registered: ['wasm'], loaded: expect.arrayContaining(['wasm']), current: 'wasm' });
    expect(p.loaded).not.toContain('webgl');
    expect(p.loaded).not.toContain('webgpu');
  });
});
