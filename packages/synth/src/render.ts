/**
 * Renders image graphs (scene.ts) to RGBA pixels. One drawing routine runs
 * over a minimal 2D-context interface (Ctx2D), backed by @napi-rs/canvas in
 * Node and by OffscreenCanvas in browsers and workers; noise is added
 * afterwards in JS (noise.ts), so only anti-aliasing differs between the two.
 *
 * Shapes, with (cx, cy) the object's centre and s its extent:
 *   circle    arc of radius s/2 around (cx, cy)
 *   square    axis-aligned s×s box centred on (cx, cy)
 *   triangle  upright: apex (cx, cy − s/2), base (cx ± s/2, cy + s/2)
 * Text: DejaVu Sans registered under a private family name (FONT_ALIAS), so a
 * missing font can never fall back silently to another face: createRenderer
 * measures a probe string and fails with FONT_UNAVAILABLE unless its width
 * matches DejaVu Sans's own advances. Kerning is off (layout uses advances).
 */
import { isNode, MobileMMError } from '@mobile-mm/core';
import { FONT_PROBE_PX, FONT_PROBE_TEXT, inkBox } from './font-metrics.js';
import { addNoise } from './noise.js';
import type { ImageGraph, SceneGraph, TextLine } from './scene.js';

/** The part of CanvasRenderingContext2D this package draws with. */
export interface Ctx2D {
  fillStyle: unknown;
  font: string;
  textBaseline: string;
  textAlign: string;
  fontKerning: string;
  fillRect(x: number, y: number, w: number, h: number): void;
  beginPath(): void;
  arc(x: number, y: number, r: number, start: number, end: number): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  closePath(): void;
  fill(): void;
  fillText(text: string, x: number, y: number): void;
  measureText(text: string): { width: number };
  getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
}

/** Makes a 2D context on a fresh width×height canvas. */
export type CanvasFactory = (width: number, height: number) => Ctx2D;

export interface RenderedImage {
  /** RGBA, row-major, alpha 255. */
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

export type RendererBackend = 'napi-canvas' | 'offscreen-canvas' | 'custom';

/** Family name the font is registered under (never a system font's name). */
export const FONT_ALIAS = 'SynthScenes DejaVu Sans';
/** A canvas whose probe width is off by more than this is not drawing DejaVu Sans. */
export const FONT_PROBE_TOLERANCE_PX = 0.5;

const css = (rgb: readonly number[]) => `rgb(${rgb[0]},${rgb[1]},${rgb[2]})`;

export function drawScene(ctx: Ctx2D, scene: SceneGraph): void {
  ctx.fillStyle = css(scene.background);
  ctx.fillRect(0, 0, scene.width, scene.height);
  for (const o of scene.objects) {
    const h = o.extent / 2;
    ctx.fillStyle = css(o.rgb);
    if (o.shape === 'square') {
      ctx.fillRect(o.cx - h, o.cy - h, o.extent, o.extent);
      continue;
    }
    ctx.beginPath();
    if (o.shape === 'circle') {
      ctx.arc(o.cx, o.cy, h, 0, 2 * Math.PI);
    } else {
      ctx.moveTo(o.cx, o.cy - h);
      ctx.lineTo(o.cx + h, o.cy + h);
      ctx.lineTo(o.cx - h, o.cy + h);
      ctx.closePath();
    }
    ctx.fill();
  }
}

export function fontCss(px: number): string {
  return `${px}px "${FONT_ALIAS}"`;
}

export function drawTextLine(ctx: Ctx2D, line: TextLine): void {
  ctx.fillStyle = css([line.background, line.background, line.background]);
  ctx.fillRect(0, 0, line.width, line.height);
  ctx.font = fontCss(line.fontPx);
  ctx.fontKerning = 'none';
  ctx.textBaseline = 'alphabetic';
  ctx.textAlign = 'left';
  ctx.fillStyle = css([line.ink, line.ink, line.ink]);
  ctx.fillText(line.text, line.x, line.baseline);
}

/** Throws FONT_UNAVAILABLE unless `ctx` draws FONT_ALIAS with DejaVu Sans's advances. */
export function checkFont(ctx: Ctx2D): void {
  ctx.font = fontCss(FONT_PROBE_PX);
  ctx.fontKerning = 'none';
  const got = ctx.measureText(FONT_PROBE_TEXT).width;
  const want = inkBox(FONT_PROBE_TEXT, FONT_PROBE_PX).advance;
  if (!(Math.abs(got - want) <= FONT_PROBE_TOLERANCE_PX)) {
    throw new MobileMMError(
      'FONT_UNAVAILABLE',
      `font: the canvas does not draw DejaVu Sans (probe width ${got.toFixed(2)} px, DejaVu Sans gives ${want.toFixed(2)} px); ` +
        'in browsers pass createRenderer({font}) with the URL or bytes of DejaVuSans.ttf from the dejavu-fonts-ttf package',
      { got, want },
    );
  }
}

/** What draws an image graph: the canvas Renderer here, or raster/'s RasterRenderer. */
export interface ImageRenderer {
  render(graph: ImageGraph, options?: { noise?: boolean }): RenderedImage;
}

/** Draws graphs on one cached canvas per size and returns noisy RGBA pixels. */
export class Renderer implements ImageRenderer {
  private readonly contexts = new Map<string, Ctx2D>();

  constructor(
    private readonly factory: CanvasFactory,
    readonly backend: RendererBackend = 'custom',
  ) {}

  private context(width: number, height: number): Ctx2D {
    const key = `${width}x${height}`;
    let ctx = this.contexts.get(key);
    if (ctx === undefined) {
      ctx = this.factory(width, height);
      this.contexts.set(key, ctx);
    }
    return ctx;
  }

  /** Pixels of `graph`; `noise: false` skips the noise (for tests and figures). */
  render(graph: ImageGraph, options: { noise?: boolean } = {}): RenderedImage {
    const { width, height } = graph;
    const ctx = this.context(width, height);
    if (graph.kind === 'scene') drawScene(ctx, graph);
    else drawTextLine(ctx, graph);
    const src = ctx.getImageData(0, 0, width, height).data;
    const data = src instanceof Uint8ClampedArray ? src : Uint8ClampedArray.from(src);
    if (options.noise !== false) addNoise(data, graph.noise);
    return { data, width, height };
  }
}

/** RGBA → packed RGB (H×W×3). */
export function toRGB(image: RenderedImage): Uint8Array {
  const n = image.width * image.height;
  const out = new Uint8Array(3 * n);
  for (let i = 0; i < n; i++) {
    out[3 * i] = image.data[4 * i];
    out[3 * i + 1] = image.data[4 * i + 1];
    out[3 * i + 2] = image.data[4 * i + 2];
  }
  return out;
}

export interface CreateRendererOptions {
  /** 'auto': napi-canvas under Node, OffscreenCanvas elsewhere. */
  backend?: 'auto' | 'napi-canvas' | 'offscreen-canvas';
  /**
   * DejaVuSans.ttf. Node: a file path (default: the installed dejavu-fonts-ttf
   * package). Browser: a URL or the file's bytes (default: a system font named
   * "DejaVu Sans", checked by the probe).
   */
  font?: string | ArrayBuffer | Uint8Array;
}

/** Imports a module without letting bundlers see the specifier (Node-only code). */
async function importHidden<T>(spec: string): Promise<T> {
  return (await import(/* @vite-ignore */ spec)) as T;
}

interface NapiCanvasModule {
  createCanvas(width: number, height: number): { getContext(kind: '2d'): unknown };
  GlobalFonts: { registerFromPath(path: string, alias?: string): unknown; has(name: string): boolean };
}

let napiFontPath: string | null = null;

async function napiFactory(font?: string): Promise<CanvasFactory> {
  let canvas: NapiCanvasModule;
  try {
    canvas = await importHidden<NapiCanvasModule>(['@napi-rs', 'canvas'].join('/'));
  } catch (e) {
    throw new MobileMMError(
      'BACKEND_UNAVAILABLE',
      `renderer: @napi-rs/canvas could not be loaded (${(e as Error).message}); install @napi-rs/canvas@1.1.1 or use backend 'offscreen-canvas'`,
    );
  }
  let path = font;
  if (path === undefined) {
    const { createRequire } = await importHidden<typeof import('node:module')>('node:module');
    path = createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
  }
  if (napiFontPath !== path) {
    const key = canvas.GlobalFonts.registerFromPath(path, FONT_ALIAS);
    if (key == null || !canvas.GlobalFonts.has(FONT_ALIAS)) {
      throw new MobileMMError('FONT_UNAVAILABLE', `font: registering ${path} as "${FONT_ALIAS}" failed; accepted: the path of DejaVuSans.ttf`);
    }
    napiFontPath = path;
  }
  return (w, h) => canvas.createCanvas(w, h).getContext('2d') as Ctx2D;
}

interface FontFaceSetLike {
  add(face: FontFace): void;
}

async function offscreenFactory(font?: string | ArrayBuffer | Uint8Array): Promise<CanvasFactory> {
  if (typeof OffscreenCanvas === 'undefined') {
    throw new MobileMMError('BACKEND_UNAVAILABLE', "renderer: OffscreenCanvas is not available here; accepted: a browser or worker, or backend 'napi-canvas' in Node");
  }
  const g = globalThis as { document?: { fonts: FontFaceSetLike }; fonts?: FontFaceSetLike };
  const fonts = g.document?.fonts ?? g.fonts;
  if (typeof FontFace === 'undefined' || fonts === undefined) {
    throw new MobileMMError('FONT_UNAVAILABLE', 'font: this context has no FontFace API to load DejaVu Sans');
  }
  const source =
    font === undefined
      ? 'local("DejaVu Sans")'
      : typeof font === 'string'
        ? `url(${JSON.stringify(font)})`
        : font instanceof Uint8Array
          ? font.slice().buffer
          : font;
  const face = new FontFace(FONT_ALIAS, source);
  try {
    await face.load();
  } catch (e) {
    throw new MobileMMError('FONT_UNAVAILABLE', `font: DejaVu Sans could not be loaded (${(e as Error).message}); pass createRenderer({font}) with the URL or bytes of DejaVuSans.ttf`);
  }
  fonts.add(face);
  return (w, h) => {
    const ctx = new OffscreenCanvas(w, h).getContext('2d', { willReadFrequently: true });
    if (ctx === null) throw new MobileMMError('BACKEND_UNAVAILABLE', 'renderer: OffscreenCanvas.getContext("2d") returned null');
    return ctx as unknown as Ctx2D;
  };
}

/** A renderer for this environment, with DejaVu Sans registered and checked. */
export async function createRenderer(options: CreateRendererOptions = {}): Promise<Renderer> {
  const backend = options.backend ?? 'auto';
  const useNapi = backend === 'napi-canvas' || (backend === 'auto' && isNode());
  if (useNapi && options.font !== undefined && typeof options.font !== 'string') {
    throw new MobileMMError('INVALID_ARGUMENT', 'font: napi-canvas takes a file path; accepted: the path of DejaVuSans.ttf');
  }
  const factory = useNapi ? await napiFactory(options.font as string | undefined) : await offscreenFactory(options.font);
  checkFont(factory(8, 8));
  return new Renderer(factory, useNapi ? 'napi-canvas' : 'offscreen-canvas');
}
