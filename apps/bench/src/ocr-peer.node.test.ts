/**
 * The ocr-peer harness on 5 held-out lines: tesseract.js starts offline
 * from node_modules, both engines answer, the figures are well-formed and
 * the markdown report renders. No timing assertions.
 */
import { expect, it } from 'vitest';
import { nodeMachine } from './machine.js';
import { ocrPeerMarkdown, runOcrPeerSuite } from './ocr-peer.js';
import { toUpscaledPgm } from './tesseract-peer.js';

it('toUpscaledPgm: header, size, and bilinear values between the neighbours', () => {
  // 2×1: black | white.
  const img = { data: new Uint8Array([0, 0, 0, 255, 255, 255, 255, 255]), width: 2, height: 1 };
  const pgm = toUpscaledPgm(img, 3);
  const header = 'P5\n6 3\n255\n';
  expect(new TextDecoder().decode(pgm.subarray(0, header.length))).toBe(header);
  const row = Array.from(pgm.subarray(header.length, header.length + 6));
  expect(pgm.length).toBe(header.length + 18);
  expect(row[0]).toBe(0);
  expect(row[5]).toBe(255);
  for (let i = 1; i < 6; i++) expect(row[i]).toBeGreaterThanOrEqual(row[i - 1]);
  expect(Array.from(toUpscaledPgm(img, 3, 'nearest').subarray(header.length, header.length + 6))).toEqual([0, 0, 0, 255, 255, 255]);
});

it('runs tesseract.js and both variants of our OCR on the same lines', async () => {
  const r = await runOcrPeerSuite({ lines: 5, warmup: 1, variants: ['int2', 'fp32'] });
  expect(r.engines.map((e) => `${e.engine} ${e.variant}`)).toEqual(['tesseract.js 4.0.0_best_int', 'mobile-mm int2', 'mobile-mm fp32']);
  for (const e of r.engines) {
    expect(e.exact).toBeGreaterThanOrEqual(0);
    expect(e.exact).toBeLessThanOrEqual(1);
    expect(e.cer).toBeGreaterThanOrEqual(0);
    expect(e.refChars).toBeGreaterThan(0);
    expect(e.stats.n).toBe(5);
    expect(e.stats.median).toBeGreaterThan(0);
    expect(e.changed).toBe(0);
    for (const m of e.mistakes) expect(typeof m.read).toBe('string');
  }
  const tess = r.engines[0];
  expect(tess.exact * 5).toBeGreaterThanOrEqual(1);
  expect(r.tesseract.tesseractJs).toBe('7.0.0');
  expect(r.tesseract.traineddataGzip).toBe(true);
  expect(r.tesseract.traineddataBytes).toBeGreaterThan(1_000_000);
  const md = ocrPeerMarkdown(r, nodeMachine(), true);
  expect(md).toContain('| tesseract.js | 4.0.0_best_int |');
  expect(md).toContain('| mobile-mm | int2 |');
});
