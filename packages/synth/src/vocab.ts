/**
 * The closed vocabulary of SynthScenes v1 (shared/spec/synthscenes-v1.md):
 * canvas sizes, the 3×3 position grid, shapes, colours with their canonical
 * RGB, size classes and the text-line alphabet. Every other file reads these
 * constants; nothing here is random.
 */

export const SPEC_VERSION = 'synthscenes-v1';

/** Scene canvas (kind "scene"): 64×64 RGB. */
export const SCENE_WIDTH = 64;
export const SCENE_HEIGHT = 64;
/** Text-line canvas (kind "text"): 32 high × 128 wide. */
export const TEXT_WIDTH = 128;
export const TEXT_HEIGHT = 32;

/** Cell index 0..8 → position name, row by row (reading order). */
export const POSITIONS = [
  'top left',
  'top',
  'top right',
  'left',
  'center',
  'right',
  'bottom left',
  'bottom',
  'bottom right',
] as const;
export type Position = (typeof POSITIONS)[number];

export const SHAPES = ['circle', 'square', 'triangle'] as const;
export type Shape = (typeof SHAPES)[number];

export const COLORS = ['red', 'green', 'blue', 'yellow'] as const;
export type Color = (typeof COLORS)[number];

export type RGB = [number, number, number];

/** Canonical colour of each name; a scene jitters each channel by up to ±COLOR_JITTER. */
export const CANONICAL_RGB: Readonly<Record<Color, Readonly<RGB>>> = {
  red: [220, 40, 40],
  green: [40, 170, 60],
  blue: [40, 70, 220],
  yellow: [230, 200, 30],
};
export const COLOR_JITTER = 20;

export const SIZES = ['small', 'large'] as const;
export type Size = (typeof SIZES)[number];

/**
 * Extent in whole pixels, inclusive: circle diameter, square side, triangle
 * base (= height). Integers so that a noise-free render can be checked to ±1 px.
 */
export const SIZE_PX: Readonly<Record<Size, readonly [number, number]>> = {
  small: [8, 10],
  large: [14, 18],
};

/** Object centre: cell centre ± up to this many pixels on each axis. */
export const CENTER_JITTER = 3;

/** Scene background: each channel uniform in this range. */
export const SCENE_BACKGROUND: readonly [number, number] = [200, 255];
/** Scene noise σ range; some scenes have none (see NO_NOISE_PROB in scene.ts). */
export const SCENE_SIGMA: readonly [number, number] = [0, 8];

/** Text line: background grey, ink grey, noise σ, font size, jitter, margin. */
export const TEXT_BACKGROUND: readonly [number, number] = [200, 255];
export const TEXT_INK: readonly [number, number] = [0, 60];
export const TEXT_SIGMA: readonly [number, number] = [4, 12];
export const FONT_PX: readonly [number, number] = [14, 20];
export const TEXT_V_JITTER = 2;
export const TEXT_MARGIN: readonly [number, number] = [2, 10];
/** The whole ink box stays this far from every canvas edge. */
export const TEXT_SPARE = 2;
/** Tokens per line, letters per word token, digits per number token, total chars. */
export const TEXT_TOKENS: readonly [number, number] = [1, 3];
export const WORD_LETTERS: readonly [number, number] = [2, 6];
export const NUMBER_DIGITS: readonly [number, number] = [1, 4];
export const TEXT_MAX_CHARS = 14;

export const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const DIGITS = '0123456789';
