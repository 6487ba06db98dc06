/**
 * WebGL context loss in headless Chromium (SwiftShader), with the
 * WEBGL_lose_context extension: a request running when the context goes
 * finishes on wasm (or fails with a typed error) and never hangs; requests
 * after it go to wasm; after the context is restored, webgl is rebuilt and
 * answers again. The model loads over HTTP from the package's models/.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isMobileMMError } from '@mobile-mm/core';
import { webglContextOf, type BackendSwitch } from '@mobile-mm/resilience';
import { createRenderer, makeTaskSample, type Renderer } from '@mobile-mm/synth';
import { MobileMultiModalLLM } from './facade.js';
import { ResilientMobileMM } from './resilient.js';

const FONT_URL = new URL('../../../node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf', import.meta.url).href;
let renderer: Renderer;
let mm: ResilientMobileMM;
let wasmAlone: MobileMultiModalLLM;
const switches: BackendSwitch[] = [];

beforeAll(async () => {
  renderer = await createRenderer({ font: FONT_URL });
  wasmAlone = await MobileMultiModalLLM.create({ backend: 'wasm' });
  mm = await ResilientMobileMM.create({ backend: 'webgl', resilience: { retry: false, onBackendSwitch: (s) => switches.push(s) } });
});
afterAll(async () => {
  await mm.dispose();
  wasmAlone.dispose();
});

/** Fails the test instead of hanging. */
function within<T>(ms: number, p: Promise<T>): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms (hung)`)), ms))]);
}

async function until(cond: () => boolean, ms: number): Promise<void> {
  const t0 = performance.now();
  while (!cond()) {
    if (performance.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

it('context lost mid-request: that request and the next ones finish on wasm; after restore webgl answers again', async () => {
  const s = (k: number) => makeTaskSample(renderer, 'heldout', 'vqa', k);
  const first = await mm.vqa(s(0).image, s(0).prompt);
  expect(first.backend).toBe('webgl');
  expect(mm.health().order).toEqual(['webgl', 'wasm', 'cpu']);

  const gl = webglContextOf(tf.findBackend('webgl'))!;
  const ext = gl.getExtension('WEBGL_lose_context')!;
  expect(ext).not.toBeNull();

  // Lose the context while a caption (≈20 tokens, ≈0.5 s on SwiftShader) is running.
  const running = within(30_000, mm.caption(makeTaskSample(renderer, 'heldout', 'caption', 0).image)).catch((e: unknown) => e);
  await new Promise((r) => setTimeout(r, 50));
  ext.loseContext();
  const r = await running;
  console.log(`[context-loss] the request running at the loss: ${isMobileMMError(r) ? `error ${r.code}` : `answered by ${(r as { backend: string }).backend}`}`);
  if (isMobileMMError(r)) {
    expect(['CONTEXT_LOST', 'BACKENDS_EXHAUSTED']).toContain(r.code); // typed, never a hang
  } else {
    expect((r as { backend: string }).backend).toBe('wasm');
  }
  await until(() => mm.health().webglContext === 'lost', 5000);

  const during = await within(30_000, mm.vqa(s(1).image, s(1).prompt));
  expect(during.backend).toBe('wasm');
  expect(during.text).toBe((await wasmAlone.vqa(s(1).image, s(1).prompt)).text);
  expect(switches.some((x) => x.from === 'webgl' && x.to === 'wasm' && x.reason === 'context-lost')).toBe(true);

  ext.restoreContext();
  await until(() => mm.health().webglContext === 'restored', 5000);
  const after = await within(60_000, mm.vqa(s(2).image, s(2).prompt));
  expect(after.backend).toBe('webgl');
  expect(after.text).toBe((await wasmAlone.vqa(s(2).image, s(2).prompt)).text);
  expect(switches.at(-1)).toMatchObject({ from: 'wasm', to: 'webgl', reason: 'recovered' });
  expect(mm.health().webglContext).toBe('ok');
  console.log(`[context-loss] switches: ${switches.map((x) => `${x.from}->${x.to} (${x.reason})`).join(', ')}`);
  const probes = await mm.probe();
  expect(probes.map((p) => [p.backend, p.ok])).toEqual([
    ['webgl', true],
    ['wasm', true],
    ['cpu', true],
  ]);
});
