/**
 * ResilientMobileMM where WebGPU has an adapter (browser-webgpu project):
 * 'auto' puts webgpu first in the fallback order and webgpu answers; the
 * health probe passes on every backend. Skips without an adapter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeWebgpu } from '@mobile-mm/core/test-utils';
import { createRenderer, makeTaskSample, type Renderer } from '@mobile-mm/synth';
import { ResilientMobileMM } from './resilient.js';

const GPU = await probeWebgpu();
const FONT_URL = new URL('../../../node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf', import.meta.url).href;

describe.skipIf(!GPU.available)(`ResilientMobileMM with webgpu${GPU.available ? '' : ` (skipped: ${GPU.reason})`}`, () => {
  let renderer: Renderer;
  let mm: ResilientMobileMM;
  beforeAll(async () => {
    renderer = await createRenderer({ font: FONT_URL });
    mm = await ResilientMobileMM.create({ resilience: { retry: false } });
  });
  afterAll(async () => {
    await mm.dispose();
  });

  it("'auto' orders webgpu → webgl → wasm → cpu, and webgpu answers", async () => {
    expect(mm.health().order).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
    const s = makeTaskSample(renderer, 'heldout', 'vqa', 0);
    const r = await mm.vqa(s.image, s.prompt);
    expect(r.backend).toBe('webgpu');
    expect(r.text.length).toBeGreaterThan(0);
    expect(mm.health().active).toBe('webgpu');
  });

  it('the health probe passes on every backend', async () => {
    const results = await mm.probe();
    expect(results.map((p) => p.backend)).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
    for (const p of results) expect(p.ok, `${p.backend}: ${p.reason}`).toBe(true);
  });
});
