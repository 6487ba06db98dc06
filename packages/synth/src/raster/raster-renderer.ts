/**
 * RasterRenderer: a second renderer of SynthScenes v1 that shares no drawing
 * code with render.ts. Shapes are polygons and text is DejaVu Sans's own glyph
 * outlines (read from the TTF with opentype.js, laid out by advance widths,
 * no shaping), filled by this package's scanline rasteriser (raster.ts) and
 * composited in JS. Each image gets a rendering style drawn from its own
 * seed, covering how other software draws the same scene:
 *
 *   aa       'on' (box filter, 8×8 samples) 40 %, 'off' 20 %, 'x' only 20 %, 'y' only 20 %
 *   gamma    coverage^γ, γ log-uniform in [0.7, 1.43] (linear vs sRGB blending)
 *   stroke   text stroke weight ×[0.8, 1.2] (the sample mask grown or shrunk)
 *   shift    the whole drawing moved by (dx, dy) ∈ [−0.5, 0.5)² px
 *   noise    the graph's σ and per-channel flag (spec), drawn with this file's
 *            own Gaussian generator (Box–Muller), not noise.ts's table
 *
 * Everything the spec fixes (sizes, positions, colours, font, text placement)
 * comes from the same image graph, so answers are unchanged: only the pixels
 * differ. Deterministic: the same graph gives the same bytes.
 */
import { MobileMMError, importNodeBuiltin, isNode } from '@mobile-mm/core';
import type { RenderedImage } from '../render.js';
import type { ImageGraph, SceneGraph, TextLine } from '../scene.js';
import { ANTI_ALIAS_MODES, SAMPLES, SampleMask, circlePolygon, flattenPath, type AntiAlias, type PathCommand, type Polygon } from './raster.js';

export interface RasterStyle {
  aa: AntiAlias;
  gamma: number;
  /** Text stroke weight factor. */
  stroke: number;
  dx: number;
  dy: number;
}

/** The glyph side of a font: what opentype.js's Font gives. */
interface GlyphFont {
  unitsPerEm: number;
  charToGlyph(ch: string): { advanceWidth?: number; getPath(x: number, y: number, size: number): { commands: PathCommand[] } };
}

/** splitmix32: this renderer's own PRNG (styles and noise). */
function splitmix32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x9e3779b9) | 0;
    let z = a;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
}

const STYLE_SALT = 0x524f4255; // 'ROBU'
const NOISE_SALT = 0x4e5a4a53;

/** The style of a graph's image, drawn from its noise seed. */
export function rasterStyle(graph: ImageGraph): RasterStyle {
  const r = splitmix32(graph.noise.seed ^ STYLE_SALT);
  const u = r();
  const aa: AntiAlias = u < 0.4 ? 'on' : ANTI_ALIAS_MODES[1 + Math.floor((u - 0.4) / 0.2)];
  return {
    aa,
    gamma: Math.exp(Math.log(0.7) + r() * (Math.log(1.43) - Math.log(0.7))),
    stroke: 0.8 + 0.4 * r(),
    dx: r() - 0.5,
    dy: r() - 0.5,
  };
}

function objectPolygon(o: SceneGraph['objects'][number], dx: number, dy: number): Polygon {
  const h = o.extent / 2;
  const [cx, cy] = [o.cx + dx, o.cy + dy];
  if (o.shape === 'circle') return circlePolygon(cx, cy, h);
  if (o.shape === 'square') return [[cx - h, cy - h], [cx + h, cy - h], [cx + h, cy + h], [cx - h, cy + h]];
  return [[cx, cy - h], [cx + h, cy + h], [cx - h, cy + h]];
}

export class RasterRenderer {
  readonly backend = 'raster';

  constructor(private readonly font: GlyphFont) {}

  /** Pixels of `graph` in its style (rasterStyle, or `options.style`); `noise: false` skips the noise. */
  render(graph: ImageGraph, options: { noise?: boolean; style?: RasterStyle } = {}): RenderedImage {
    const style = options.style ?? rasterStyle(graph);
    const { width, height } = graph;
    const rgb = new Float32Array(width * height * 3);
    if (graph.kind === 'scene') this.scene(graph, style, rgb);
    else this.text(graph, style, rgb);
    const data = new Uint8ClampedArray(width * height * 4);
    const sigma = options.noise === false ? 0 : graph.noise.sigma;
    const rand = splitmix32(graph.noise.seed ^ NOISE_SALT);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    for (let p = 0; p < width * height; p++) {
      const shared = sigma > 0 && !graph.noise.perChannel ? sigma * gauss() : 0;
      for (let c = 0; c < 3; c++) {
        const n = sigma > 0 ? (graph.noise.perChannel ? sigma * gauss() : shared) : 0;
        data[4 * p + c] = Math.round(rgb[3 * p + c] + n);
      }
      data[4 * p + 3] = 255;
    }
    return { data, width, height };
  }

  private scene(g: SceneGraph, style: RasterStyle, rgb: Float32Array): void {
    for (let p = 0; p < g.width * g.height; p++) rgb.set(g.background, 3 * p);
    for (const o of g.objects) {
      const cover = new SampleMask(g.width, g.height).fill([objectPolygon(o, style.dx, style.dy)]).coverage(style.aa);
      composite(rgb, cover, o.rgb, style.gamma);
    }
  }

  private text(line: TextLine, style: RasterStyle, rgb: Float32Array): void {
    rgb.fill(line.background);
    const polygons: Polygon[] = [];
    let x = line.x + style.dx;
    for (const ch of line.text) {
      const glyph = this.font.charToGlyph(ch);
      polygons.push(...flattenPath(glyph.getPath(x, line.baseline + style.dy, line.fontPx).commands));
      x += ((glyph.advanceWidth ?? 0) * line.fontPx) / this.font.unitsPerEm;
    }
    // A DejaVu Sans stem is ≈ 0.1 em; the weight change moves each edge by half of it.
    const stem = 0.1 * line.fontPx;
    const mask = new SampleMask(line.width, line.height).fill(polygons).morph(((style.stroke - 1) * stem * SAMPLES) / 2);
    composite(rgb, mask.coverage(style.aa), [line.ink, line.ink, line.ink], style.gamma);
  }
}

/** rgb ← rgb + (colour − rgb)·cover^γ, per pixel. */
function composite(rgb: Float32Array, cover: Float32Array, colour: readonly number[], gamma: number): void {
  for (let p = 0; p < cover.length; p++) {
    const a = cover[p] > 0 ? Math.pow(cover[p], gamma) : 0;
    if (a === 0) continue;
    for (let c = 0; c < 3; c++) rgb[3 * p + c] += (colour[c] - rgb[3 * p + c]) * a;
  }
}

export interface CreateRasterRendererOptions {
  /** DejaVuSans.ttf bytes; Node default: the installed dejavu-fonts-ttf package's file. */
  font?: ArrayBuffer | Uint8Array;
}

/** A RasterRenderer with DejaVu Sans parsed by opentype.js. */
export async function createRasterRenderer(options: CreateRasterRendererOptions = {}): Promise<RasterRenderer> {
  let bytes = options.font;
  if (bytes === undefined) {
    if (!isNode()) throw new MobileMMError('FONT_UNAVAILABLE', 'font: pass createRasterRenderer({font}) with the bytes of DejaVuSans.ttf (dejavu-fonts-ttf) outside Node');
    const { createRequire } = await importNodeBuiltin<typeof import('node:module')>('module');
    const fs = await importNodeBuiltin<typeof import('node:fs/promises')>('fs/promises');
    bytes = await fs.readFile(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'));
  }
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  // Node loads the package's UMD build (parse on the default export), bundlers its ESM build (a named export).
  const mod = (await import('opentype.js')) as { parse?: (b: ArrayBuffer) => unknown; default?: { parse: (b: ArrayBuffer) => unknown } };
  const parse = mod.parse ?? mod.default!.parse;
  let font: GlyphFont;
  try {
    font = parse(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength) as ArrayBuffer) as GlyphFont;
  } catch (e) {
    throw new MobileMMError('FONT_UNAVAILABLE', `font: DejaVuSans.ttf could not be parsed (${(e as Error).message}); accepted: the bytes of a TrueType font`);
  }
  return new RasterRenderer(font);
}
