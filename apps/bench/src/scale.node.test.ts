/**
 * The scale suite runs end to end (a smoke run: the tiny decoder on wasm, two
 * tokens, one round) and returns well-formed rows; bytes per token follow
 * from the shapes (checked against a count written out here), never a time.
 */
import { expect, it } from 'vitest';
import { MOBILE_MM_PRESETS, SceneTokenizer } from '@mobile-mm/vision';
import { measureBandwidth, runScaleSuite, scaleTable } from './scale.js';

it('tiny on wasm: one row per variant with the bytes a decode step reads', async () => {
  const r = await runScaleSuite({ presets: ['tiny'], backends: ['wasm'], variants: ['fp32', 'int2', 'int4'], tokens: 2, rounds: 1, bandwidthMiB: 16 });
  expect(r.rows.map((x) => x.variant)).toEqual(['fp32', 'int2', 'int4']);
  expect(r.bandwidth.readGBps).toBeGreaterThan(0);
  const { decoder: d, encoder: e } = MOBILE_MM_PRESETS.tiny;
  const V = new SceneTokenizer().vocabSize;
  const C = d.dim;
  // Per block: self q,k,v,out [C,C]; cross q,out [C,C] (k,v of the memory are cached); ff up [C,4C], down [4C,C].
  const kernels = d.numLayers * (6 * C * C + 8 * C * C);
  // Biases read: self 4C, cross q,out 2C, ff 4C + C; three norms 2C each; final norm 2C; embedding [V,C] + one row; one position row.
  const floats = d.numLayers * (4 * C + 2 * C + 5 * C + 6 * C) + 2 * C + V * C + C + C;
  const fp32 = r.rows[0];
  expect(fp32.weightBytes).toBe(4 * (kernels + floats));
  // int2 codes: 2 bits per weight as int32 words; scales and mins float32 per 64-row group of each column.
  const packed = (bits: number) =>
    d.numLayers * (6 * ((C * C * bits) / 8 + (2 * 4 * C * C) / 64) + 2 * ((4 * C * C * bits) / 8 + (2 * 4 * 4 * C * C) / 64));
  expect(r.rows[1].weightBytes).toBe(packed(2) + 4 * floats);
  expect(r.rows[2].weightBytes).toBe(packed(4) + 4 * floats);
  expect(e.dim).toBe(C); // the memory width the cross k/v would read
  for (const row of r.rows) {
    expect(row.msPerToken).toBeGreaterThan(0);
    expect(row.prefillMs).toBeGreaterThan(0);
    expect(row.gbPerS).toBeCloseTo(row.weightBytes / (row.msPerToken * 1e6), 9);
    expect(row.vsLimit).toBeCloseTo(row.msPerToken / (row.weightBytes / (r.bandwidth.readGBps * 1e6)), 9);
  }
  expect(scaleTable(r)).toMatch(/\| tiny \| wasm \| int2 \|/);
}, 60_000);

it('measureBandwidth returns positive rates for a small buffer', () => {
  const b = measureBandwidth(1, 8);
  expect(b.readGBps).toBeGreaterThan(0);
  expect(b.copyGBps).toBeGreaterThan(0);
  expect(b.bufferMiB).toBe(8);
});
