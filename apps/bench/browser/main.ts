/**
 * Browser side of `npm run bench:browser`: runs one suite on each backend
 * named in the page's query (?suite=kernels|model&backends=cpu,wasm,webgl&quick=1)
 * and leaves the results on window.__benchResult for the Playwright driver.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from '@mobile-mm/core';
import { setupBackend } from '@mobile-mm/core/backend';
import { registerInt2Kernels } from '@mobile-mm/int2';
import { createRenderer } from '@mobile-mm/synth';
import { FULL_SHAPES, QUICK_SHAPES, runKernelSuite, type KernelCase } from '../src/kernels.js';
import { runModelSuite, type ModelBackend, type ModelCase, type ModelLoad } from '../src/model.js';

declare global {
  interface Window {
    __benchResult?:
      | { cases: KernelCase[]; userAgent: string; webgl: string | null }
      | { loads: ModelLoad[]; cases: ModelCase[]; userAgent: string; webgl: string | null }
      | { error: string };
    __benchLog?: string[];
  }
}

/** Set by browser.ts (Vite define): the OCR font, served from the repository's node_modules. */
declare const __BENCH_FONT_URL__: string;

const log = (s: string) => {
  (window.__benchLog ??= []).push(s);
  document.getElementById('log')!.textContent += `${s}\n`;
  console.log(s);
};

function webglRenderer(): string | null {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return null;
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  return String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
}

async function kernels(backends: BackendName[], quick: boolean): Promise<KernelCase[]> {
  const cases: KernelCase[] = [];
  for (const b of backends) {
    await setupBackend(b);
    registerInt2Kernels(b);
    log(`kernels on ${b} (${tf.getBackend()})`);
    cases.push(
      ...(await runKernelSuite({
        shapes: quick ? QUICK_SHAPES : FULL_SHAPES,
        bits: [2, 4, 8],
        groupSize: 64,
        time: quick ? { warmup: 1, minReps: 2, maxReps: 3, budgetMs: 50 } : { budgetMs: 1000 },
        onCase: (c) => log(`  ${c.variant} ${c.m}x${c.k}x${c.n}: ${c.stats.median.toFixed(3)} ms (${c.speedup.toFixed(2)}x f32)`),
      })),
    );
  }
  return cases;
}

async function run(): Promise<void> {
  const q = new URLSearchParams(location.search);
  const suite = q.get('suite') ?? 'kernels';
  const backends = (q.get('backends') ?? 'cpu,wasm,webgl').split(',') as BackendName[];
  const quick = q.get('quick') === '1';
  const env = { userAgent: navigator.userAgent, webgl: webglRenderer() };
  if (suite === 'kernels') {
    window.__benchResult = { cases: await kernels(backends, quick), ...env };
  } else if (suite === 'model') {
    // Fewer calls than in Node: webgl is SwiftShader (a software GPU) here, ≈0.3 s per VQA call.
    const r = await runModelSuite({
      backends: backends as ModelBackend[],
      variants: ['fp32', 'int2'],
      calls: quick ? 2 : Number(q.get('calls') ?? 16),
      warmup: quick ? 1 : 2,
      renderer: await createRenderer({ font: __BENCH_FONT_URL__ }),
      onLine: (l) => log(`  ${l}`),
    });
    window.__benchResult = { ...r, ...env };
  } else {
    throw new Error(`unknown suite "${suite}"; accepted: kernels, model`);
  }
}

run().catch((e: unknown) => {
  window.__benchResult = { error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) };
});
