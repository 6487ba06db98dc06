/**
 * DejaVu Sans 2.37 (npm `dejavu-fonts-ttf`, ttf/DejaVuSans.ttf) glyph metrics
 * for the text-line alphabet, read from the font's hmtx and glyf tables by
 * scripts/font-metrics.mjs. Layout decisions (font size, margin, whether a
 * string fits) are made from this table, not from a canvas's measureText, so
 * the text-line graph of sample i is the same on every machine and renderer.
 * Renderers draw with kerning off, so the drawn advances are exactly these.
 *
 * Units: font units, UNITS_PER_EM per em; y up (baseline 0).
 * Each entry: [advance, xMin, xMax, yMin, yMax] of the glyph's ink box.
 */
import { MobileMMError } from '@mobile-mm/core';

export const FONT_FAMILY = 'DejaVu Sans';
export const UNITS_PER_EM = 2048;

export const GLYPHS: Readonly<Record<string, readonly [number, number, number, number, number]>> = {
  " ": [651, 0, 0, 0, 0],
  "0": [1303, 135, 1167, -29, 1520],
  "1": [1303, 225, 1114, 0, 1493],
  "2": [1303, 150, 1098, 0, 1520],
  "3": [1303, 156, 1139, -29, 1520],
  "4": [1303, 100, 1188, 0, 1493],
  "5": [1303, 158, 1124, -29, 1493],
  "6": [1303, 143, 1174, -29, 1520],
  "7": [1303, 168, 1128, 0, 1493],
  "8": [1303, 139, 1163, -29, 1520],
  "9": [1303, 129, 1159, -29, 1520],
  "A": [1401, 16, 1384, 0, 1493],
  "B": [1405, 201, 1260, 0, 1493],
  "C": [1430, 115, 1319, -29, 1520],
  "D": [1577, 201, 1456, 0, 1493],
  "E": [1294, 201, 1163, 0, 1493],
  "F": [1178, 201, 1059, 0, 1493],
  "G": [1587, 115, 1419, -29, 1520],
  "H": [1540, 201, 1339, 0, 1493],
  "I": [604, 201, 403, 0, 1493],
  "J": [604, -106, 403, -410, 1493],
  "K": [1343, 201, 1386, 0, 1493],
  "L": [1141, 201, 1130, 0, 1493],
  "M": [1767, 201, 1567, 0, 1493],
  "N": [1532, 201, 1331, 0, 1493],
  "O": [1612, 115, 1497, -29, 1520],
  "P": [1235, 201, 1165, 0, 1493],
  "Q": [1612, 115, 1497, -264, 1520],
  "R": [1423, 201, 1364, 0, 1493],
  "S": [1300, 135, 1186, -29, 1520],
  "T": [1251, -6, 1257, 0, 1493],
  "U": [1499, 178, 1321, -29, 1493],
  "V": [1401, 16, 1384, 0, 1493],
  "W": [2025, 68, 1958, 0, 1493],
  "X": [1403, 61, 1339, 0, 1493],
  "Y": [1251, -4, 1255, 0, 1493],
  "Z": [1403, 92, 1311, 0, 1493],
};

/** Ink box of a string drawn at pen (0, baseline 0), in px; y down like canvas. */
export interface InkBox {
  /** Sum of advances (the canvas measureText width with kerning off). */
  advance: number;
  left: number;
  right: number;
  /** Above the baseline: negative y. */
  top: number;
  bottom: number;
}

export function inkBox(text: string, fontPx: number): InkBox {
  const scale = fontPx / UNITS_PER_EM;
  let pen = 0;
  let left = Infinity;
  let right = -Infinity;
  let top = Infinity;
  let bottom = -Infinity;
  for (const ch of text) {
    const g = GLYPHS[ch];
    if (g === undefined) {
      throw new MobileMMError('INVALID_ARGUMENT', `text: character ${JSON.stringify(ch)} is outside the text alphabet (A–Z, 0–9, space)`);
    }
    const [adv, xMin, xMax, yMin, yMax] = g;
    if (ch !== ' ') {
      left = Math.min(left, pen + xMin);
      right = Math.max(right, pen + xMax);
      top = Math.min(top, -yMax);
      bottom = Math.max(bottom, -yMin);
    }
    pen += adv;
  }
  if (left === Infinity) return { advance: pen * scale, left: 0, right: 0, top: 0, bottom: 0 };
  return { advance: pen * scale, left: left * scale, right: right * scale, top: top * scale, bottom: bottom * scale };
}

/** String and size used to check that a canvas really draws DejaVu Sans. */
export const FONT_PROBE_TEXT = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
export const FONT_PROBE_PX = 20;
