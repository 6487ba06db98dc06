/**
 * The robust eval split (`npm run eval -- --split robust`) is the held-out
 * seeds drawn by RasterRenderer. These digests freeze it: a change to the
 * rasteriser, the styles or the noise changes the split, and then the model
 * cards' robust figures must be re-measured (update the digests with them).
 */
import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { sampleSpec } from '../sample.js';
import { createRasterRenderer } from './raster-renderer.js';

const FROZEN: Record<number, string> = {
  0: '24ce889b8467a1ee446c5a3605e550e5fcd9c1ea8c20067f9e7315ed65b6ba79',
  1: '0b55990c252b8d2f3489382cb40f656f68dc1535dda3ddb27417fe334ac5a17f',
  2: 'cad0275ea321aa2aac2573a7e112f690178ab6907d93f415f47292449fbe1174',
  3: 'd30d944963d9fcc26ae9e931fa86f598d5463b10caffe0b5fbdf57c13a1ef2f4',
  1000: '07392925cec4a425ec29e607e678b098deb38a3f821f50cfa93b238682f594dc',
  1001: 'a36072ba60ad80366058c51e72f480166f13d495c007f9534830e0d27c3853d9',
};

it('the robust split is frozen: SHA-256 of held-out images 0–3, 1000, 1001 as drawn by RasterRenderer', async () => {
  const r = await createRasterRenderer();
  for (const [i, digest] of Object.entries(FROZEN)) {
    expect(createHash('sha256').update(r.render(sampleSpec('heldout', Number(i)).scene).data).digest('hex'), `image ${i}`).toBe(digest);
  }
});

it('createRasterRenderer rejects bytes that are not a font with FONT_UNAVAILABLE', async () => {
  await expect(createRasterRenderer({ font: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) })).rejects.toMatchObject({ code: 'FONT_UNAVAILABLE' });
});
