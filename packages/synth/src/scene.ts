/**
 * Seeded sampling of the two image graphs of SynthScenes v1: a scene (1–3
 * coloured shapes on a 3×3 grid) and a text line. A graph is plain JSON: it
 * fixes everything the renderer draws, including the noise seed, so
 * render(graph) is a pure function and the answers can be recomputed from it.
 *
 * Choices the spec leaves open, fixed here:
 * - sizes are whole pixels (small 8–10, large 14–18), centres are floats;
 * - object bounding boxes keep ≥ MIN_GAP px between them (jitter is redrawn,
 *   all objects together, up to JITTER_TRIES times, then set to 0, where the
 *   gap is ≥ 21.3 − 18 = 3.3 px), so objects never overlap;
 * - a quarter of scenes have no noise; otherwise σ ~ U(0, 8], per channel or
 *   shared with equal odds; text lines stay grey (noise shared);
 * - text layout is decided from the font's own metrics (font-metrics.ts) and
 *   redrawn (size, margin, jitter) until the ink box fits with 2 px to spare;
 *   after LAYOUT_TRIES misses the text itself is redrawn. Rasterisers bleed
 *   ink past the glyph outlines (anti-aliasing, hinting: measured ≤ 1 px
 *   sideways, ≤ 1.5 px up), so the outline box is kept INK_BLEED px further
 *   in: the left margin (2–10 px) is the distance from the canvas edge to the
 *   first inked pixel column, the outline starting INK_BLEED px after it.
 */
import { MobileMMError } from '@mobile-mm/core';
import { inkBox } from './font-metrics.js';
import type { Rng } from './rng.js';
import {
  CANONICAL_RGB,
  CENTER_JITTER,
  COLOR_JITTER,
  COLORS,
  DIGITS,
  FONT_PX,
  LETTERS,
  NUMBER_DIGITS,
  POSITIONS,
  SCENE_BACKGROUND,
  SCENE_HEIGHT,
  SCENE_SIGMA,
  SCENE_WIDTH,
  SHAPES,
  SIZE_PX,
  SIZES,
  TEXT_BACKGROUND,
  TEXT_HEIGHT,
  TEXT_INK,
  TEXT_MARGIN,
  TEXT_MAX_CHARS,
  TEXT_SIGMA,
  TEXT_SPARE,
  TEXT_TOKENS,
  TEXT_V_JITTER,
  TEXT_WIDTH,
  WORD_LETTERS,
  type Color,
  type Position,
  type RGB,
  type Shape,
  type Size,
} from './vocab.js';

export interface SceneObject {
  shape: Shape;
  color: Color;
  size: Size;
  /** Grid cell 0..8, row by row; `position` is its name. */
  cell: number;
  position: Position;
  /** Centre in canvas px (pixel (i, j) covers [i, i+1) × [j, j+1)). */
  cx: number;
  cy: number;
  /** Circle diameter, square side, triangle base = height; whole px. */
  extent: number;
  /** The jittered fill colour actually drawn. */
  rgb: RGB;
}

export interface NoiseSpec {
  /** Gaussian σ in 0–255 units; 0 means no noise. */
  sigma: number;
  /** Independent noise per channel (true) or one value added to R, G and B. */
  perChannel: boolean;
  /** Seed of the noise field (uint32). */
  seed: number;
}

export interface SceneGraph {
  kind: 'scene';
  width: number;
  height: number;
  background: RGB;
  /** In reading order (by cell). */
  objects: SceneObject[];
  noise: NoiseSpec;
}

export interface TextLine {
  kind: 'text';
  width: number;
  height: number;
  text: string;
  fontPx: number;
  /** Pen position handed to fillText (alphabetic baseline). */
  x: number;
  baseline: number;
  /** Distance from the left edge to the ink (outline at margin + INK_BLEED), 2–10 px. */
  margin: number;
  /** Vertical jitter of the ink box centre from the canvas centre, −2..2 px. */
  vJitter: number;
  background: number;
  ink: number;
  noise: NoiseSpec;
}

export type ImageGraph = SceneGraph | TextLine;

/** Limits a curriculum may tighten; defaults are the spec's maxima. */
export interface SampleLimits {
  /** 1–3 objects per scene. */
  maxObjects?: number;
  /** 1–14 characters per text line, spaces counted. */
  maxTextChars?: number;
  /** 1–3 tokens per text line. */
  maxTokens?: number;
}

export const NO_NOISE_PROB = 0.25;
export const MIN_GAP = 2;
export const JITTER_TRIES = 20;
export const LAYOUT_TRIES = 8;
/** Ink bleed allowed past the glyph outlines: sideways, and up/down. */
export const INK_BLEED = 1;
export const INK_BLEED_V = 2;

export function resolveLimits(limits: SampleLimits = {}): Required<SampleLimits> {
  const out = {
    maxObjects: limits.maxObjects ?? 3,
    maxTextChars: limits.maxTextChars ?? TEXT_MAX_CHARS,
    maxTokens: limits.maxTokens ?? TEXT_TOKENS[1],
  };
  const check = (ok: boolean, field: string, accepted: string, got: unknown) => {
    if (!ok) throw new MobileMMError('INVALID_CONFIG', `limits.${field}: got ${got}; accepted: ${accepted}`, { field });
  };
  check(Number.isInteger(out.maxObjects) && out.maxObjects >= 1 && out.maxObjects <= 3, 'maxObjects', 'an integer 1–3', out.maxObjects);
  check(
    Number.isInteger(out.maxTextChars) && out.maxTextChars >= 1 && out.maxTextChars <= TEXT_MAX_CHARS,
    'maxTextChars',
    `an integer 1–${TEXT_MAX_CHARS}`,
    out.maxTextChars,
  );
  check(Number.isInteger(out.maxTokens) && out.maxTokens >= 1 && out.maxTokens <= TEXT_TOKENS[1], 'maxTokens', 'an integer 1–3', out.maxTokens);
  return out;
}

/** Centre of grid cell `cell` (0..8) on a w×h canvas. */
export function cellCenter(cell: number, width = SCENE_WIDTH, height = SCENE_HEIGHT): [number, number] {
  const col = cell % 3;
  const row = Math.floor(cell / 3);
  return [((col + 0.5) * width) / 3, ((row + 0.5) * height) / 3];
}

function boxesClear(objects: SceneObject[]): boolean {
  for (let i = 0; i < objects.length; i++) {
    for (let j = i + 1; j < objects.length; j++) {
      const a = objects[i];
      const b = objects[j];
      const gapX = Math.abs(a.cx - b.cx) - (a.extent + b.extent) / 2;
      const gapY = Math.abs(a.cy - b.cy) - (a.extent + b.extent) / 2;
      if (gapX < MIN_GAP && gapY < MIN_GAP) return false;
    }
  }
  return true;
}

function sampleNoise(rng: Rng, range: readonly [number, number], noneProb: number, perChannelProb: number): NoiseSpec {
  const none = rng.chance(noneProb);
  // σ ~ U(lo, hi], so a noisy image never draws exactly 0.
  const sigma = none ? 0 : range[1] - rng.float() * (range[1] - range[0]);
  const perChannel = rng.chance(perChannelProb);
  return { sigma, perChannel, seed: rng.next() };
}

export function sampleScene(rng: Rng, limits: SampleLimits = {}): SceneGraph {
  const { maxObjects } = resolveLimits(limits);
  const count = rng.int(1, maxObjects);
  const cells = rng.distinct(9, count).sort((a, b) => a - b);
  const objects: SceneObject[] = cells.map((cell) => {
    const shape = rng.pick(SHAPES);
    const color = rng.pick(COLORS);
    const size = rng.pick(SIZES);
    const extent = rng.int(SIZE_PX[size][0], SIZE_PX[size][1]);
    const rgb = CANONICAL_RGB[color].map((v) => v + rng.int(-COLOR_JITTER, COLOR_JITTER)) as RGB;
    const [cx, cy] = cellCenter(cell);
    return { shape, color, size, cell, position: POSITIONS[cell], cx, cy, extent, rgb };
  });
  let placed = false;
  for (let t = 0; t < JITTER_TRIES && !placed; t++) {
    for (const o of objects) {
      const [cx, cy] = cellCenter(o.cell);
      o.cx = cx + rng.uniform(-CENTER_JITTER, CENTER_JITTER);
      o.cy = cy + rng.uniform(-CENTER_JITTER, CENTER_JITTER);
    }
    placed = boxesClear(objects);
  }
  if (!placed) {
    for (const o of objects) [o.cx, o.cy] = cellCenter(o.cell);
  }
  const background: RGB = [0, 1, 2].map(() => rng.int(SCENE_BACKGROUND[0], SCENE_BACKGROUND[1])) as RGB;
  const noise = sampleNoise(rng, SCENE_SIGMA, NO_NOISE_PROB, 0.5);
  return { kind: 'scene', width: SCENE_WIDTH, height: SCENE_HEIGHT, background, objects, noise };
}

function sampleToken(rng: Rng): string {
  const word = rng.chance(0.5);
  const alphabet = word ? LETTERS : DIGITS;
  const [lo, hi] = word ? WORD_LETTERS : NUMBER_DIGITS;
  const n = rng.int(lo, hi);
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(rng.float() * alphabet.length)];
  return s;
}

/** 1–3 tokens (2–6 letters A–Z or 1–4 digits) joined by single spaces, ≤ maxChars. */
export function sampleText(rng: Rng, limits: SampleLimits = {}): string {
  const { maxTextChars, maxTokens } = resolveLimits(limits);
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const n = rng.int(TEXT_TOKENS[0], maxTokens);
    const tokens = Array.from({ length: n }, () => sampleToken(rng));
    const text = tokens.join(' ');
    if (text.length <= maxTextChars) return text;
  }
  throw new MobileMMError('INVALID_CONFIG', `limits: no text of at most ${maxTextChars} characters was drawn in 10000 tries`);
}

interface Layout {
  fontPx: number;
  x: number;
  baseline: number;
  margin: number;
  vJitter: number;
}

/** Draws size, margin and jitter for `text`; null when this draw does not fit. */
function tryLayout(rng: Rng, text: string): Layout | null {
  const fontPx = rng.int(FONT_PX[0], FONT_PX[1]);
  const margin = rng.int(TEXT_MARGIN[0], TEXT_MARGIN[1]);
  const vJitter = rng.int(-TEXT_V_JITTER, TEXT_V_JITTER);
  const box = inkBox(text, fontPx);
  const x = margin + INK_BLEED - box.left;
  const baseline = TEXT_HEIGHT / 2 + vJitter - (box.top + box.bottom) / 2;
  const right = x + box.right + INK_BLEED;
  const top = baseline + box.top - INK_BLEED_V;
  const bottom = baseline + box.bottom + INK_BLEED_V;
  const fits = right <= TEXT_WIDTH - TEXT_SPARE && top >= TEXT_SPARE && bottom <= TEXT_HEIGHT - TEXT_SPARE;
  return fits ? { fontPx, x, baseline, margin, vJitter } : null;
}

export function sampleTextLine(rng: Rng, limits: SampleLimits = {}): TextLine {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const text = sampleText(rng, limits);
    for (let t = 0; t < LAYOUT_TRIES; t++) {
      const layout = tryLayout(rng, text);
      if (layout === null) continue;
      const background = rng.int(TEXT_BACKGROUND[0], TEXT_BACKGROUND[1]);
      const ink = rng.int(TEXT_INK[0], TEXT_INK[1]);
      const noise = sampleNoise(rng, TEXT_SIGMA, 0, 0);
      return { kind: 'text', width: TEXT_WIDTH, height: TEXT_HEIGHT, text, ...layout, background, ink, noise };
    }
  }
  throw new MobileMMError('INVALID_CONFIG', 'limits: no text line fitting the canvas was drawn in 1000 tries');
}
