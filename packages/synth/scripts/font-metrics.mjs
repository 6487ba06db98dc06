// Prints the DejaVu Sans glyph metrics that src/font-metrics.ts hard-codes:
// for each character of the text alphabet, the advance width, the ink box
// (xMin, xMax, yMin, yMax) in font units, and the font's units per em.
// Usage: node packages/synth/scripts/font-metrics.mjs
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const file = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const buf = readFileSync(file);
const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);

const tables = {};
const numTables = dv.getUint16(4);
for (let i = 0; i < numTables; i++) {
  const rec = 12 + 16 * i;
  const tag = buf.toString('latin1', rec, rec + 4);
  tables[tag] = dv.getUint32(rec + 8);
}
const unitsPerEm = dv.getUint16(tables.head + 18);
const indexToLocFormat = dv.getInt16(tables.head + 50);
const numHMetrics = dv.getUint16(tables.hhea + 34);

// cmap: find a format-4 subtable (Unicode BMP).
function glyphIndex(code) {
  const cmap = tables.cmap;
  const n = dv.getUint16(cmap + 2);
  for (let i = 0; i < n; i++) {
    const off = cmap + dv.getUint32(cmap + 4 + 8 * i + 4);
    if (dv.getUint16(off) !== 4) continue;
    const segX2 = dv.getUint16(off + 6);
    const ends = off + 14;
    const starts = ends + segX2 + 2;
    const deltas = starts + segX2;
    const ranges = deltas + segX2;
    for (let s = 0; s < segX2 / 2; s++) {
      const end = dv.getUint16(ends + 2 * s);
      if (code > end) continue;
      const start = dv.getUint16(starts + 2 * s);
      if (code < start) return 0;
      const delta = dv.getInt16(deltas + 2 * s);
      const ro = dv.getUint16(ranges + 2 * s);
      if (ro === 0) return (code + delta) & 0xffff;
      const g = dv.getUint16(ranges + 2 * s + ro + 2 * (code - start));
      return g === 0 ? 0 : (g + delta) & 0xffff;
    }
  }
  throw new Error('no format-4 cmap');
}

function loca(g) {
  return indexToLocFormat === 0 ? 2 * dv.getUint16(tables.loca + 2 * g) : dv.getUint32(tables.loca + 4 * g);
}

const out = {};
for (const ch of ' ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789') {
  const g = glyphIndex(ch.charCodeAt(0));
  const advance = dv.getUint16(tables.hmtx + 4 * Math.min(g, numHMetrics - 1));
  const start = loca(g);
  const empty = loca(g + 1) === start;
  const gl = tables.glyf + start;
  out[ch] = empty
    ? [advance, 0, 0, 0, 0]
    : [advance, dv.getInt16(gl + 2), dv.getInt16(gl + 6), dv.getInt16(gl + 4), dv.getInt16(gl + 8)];
}
console.log(JSON.stringify({ unitsPerEm, glyphs: out }));
