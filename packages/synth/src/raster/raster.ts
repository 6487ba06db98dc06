/**
 * A small scanline rasteriser in plain JS, independent of any canvas: the
 * second renderer of SynthScenes (raster-renderer.ts) draws with it, so a
 * model can be measured on pixels that skia (@napi-rs/canvas, Chromium) never
 * produced.
 *
 *   paths   closed polygons in pixel units (y down); curves are flattened first
 *   mask    S×S point samples per pixel (sample (i, j) of pixel (x, y) sits at
 *           (x + (i + ½)/S, y + (j + ½)/S)); inside = non-zero winding
 *   cover   the mask reduced per pixel by an anti-aliasing mode:
 *             'on'   mean of the S×S samples (box filter)
 *             'off'  the sample nearest the pixel centre (aliased, as a
 *                    renderer with AA disabled)
 *             'x'    mean of the S samples of the middle row (AA along x only,
 *                    as sub-pixel text positioning without vertical AA)
 *             'y'    mean of the S samples of the middle column
 *
 * Fill: for each sample row, the crossings of every edge with the row's
 * centre line, sorted by x, summed as winding numbers; samples whose centre
 * lies in a span of non-zero winding are set. Half-open on both axes, so two
 * polygons sharing an edge never both cover a sample.
 */

export type Point = readonly [number, number];
export type Polygon = readonly Point[];
export type AntiAlias = 'on' | 'off' | 'x' | 'y';
export const ANTI_ALIAS_MODES: readonly AntiAlias[] = ['on', 'off', 'x', 'y'];

/** Point samples per pixel along each axis. */
export const SAMPLES = 8;

/** A binary sample mask of a width×height image at S×S samples per pixel. */
export class SampleMask {
  readonly cols: number;
  readonly rows: number;
  readonly bits: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly s = SAMPLES,
  ) {
    this.cols = width * s;
    this.rows = height * s;
    this.bits = new Uint8Array(this.cols * this.rows);
  }

  /** Sets every sample inside the polygons (non-zero winding over all of them together). */
  fill(polygons: readonly Polygon[]): this {
    const { s, cols, rows, bits } = this;
    const xs: number[] = [];
    const dirs: number[] = [];
    const order: number[] = [];
    for (let r = 0; r < rows; r++) {
      const y = (r + 0.5) / s;
      xs.length = 0;
      dirs.length = 0;
      for (const poly of polygons) {
        for (let i = 0; i < poly.length; i++) {
          const [x0, y0] = poly[i];
          const [x1, y1] = poly[(i + 1) % poly.length];
          if (y0 === y1) continue;
          const lo = Math.min(y0, y1);
          const hi = Math.max(y0, y1);
          if (y < lo || y >= hi) continue;
          xs.push(x0 + ((y - y0) * (x1 - x0)) / (y1 - y0));
          dirs.push(y1 > y0 ? 1 : -1);
        }
      }
      if (xs.length === 0) continue;
      order.length = 0;
      for (let i = 0; i < xs.length; i++) order.push(i);
      order.sort((a, b) => xs[a] - xs[b]);
      let winding = 0;
      for (let n = 0; n < order.length - 1; n++) {
        winding += dirs[order[n]];
        if (winding === 0) continue;
        // Samples k with centre (k + ½)/s in [xa, xb).
        const k0 = Math.max(0, Math.ceil(xs[order[n]] * s - 0.5));
        const k1 = Math.min(cols, Math.ceil(xs[order[n + 1]] * s - 0.5));
        for (let k = k0; k < k1; k++) bits[r * cols + k] = 1;
      }
    }
    return this;
  }

  /**
   * Grows (r > 0) or shrinks (r < 0) the mask by |r| samples with a square
   * structuring element: a max (min) filter along x, then along y. Emboldens
   * or thins strokes, as renderers with another stroke weight or hinting do.
   */
  morph(r: number): this {
    if (r === 0) return this;
    const grow = r > 0;
    const k = Math.abs(Math.round(r));
    const { cols, rows } = this;
    const pass = (src: Uint8Array, along: 'x' | 'y'): Uint8Array => {
      const out = new Uint8Array(src.length);
      const [n, len] = along === 'x' ? [rows, cols] : [cols, rows];
      for (let a = 0; a < n; a++) {
        for (let b = 0; b < len; b++) {
          let v = grow ? 0 : 1;
          for (let d = -k; d <= k; d++) {
            const c = b + d;
            const bit = c < 0 || c >= len ? 0 : along === 'x' ? src[a * cols + c] : src[c * cols + a];
            v = grow ? v | bit : v & bit;
          }
          out[along === 'x' ? a * cols + b : b * cols + a] = v;
        }
      }
      return out;
    };
    this.bits.set(pass(pass(this.bits, 'x'), 'y'));
    return this;
  }

  /** Per-pixel coverage in [0, 1] under an anti-aliasing mode. */
  coverage(aa: AntiAlias): Float32Array {
    const { s, cols, width, height, bits } = this;
    const out = new Float32Array(width * height);
    const mid = s >> 1;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let sum = 0;
        let n = 0;
        for (let j = 0; j < s; j++) {
          if ((aa === 'off' || aa === 'x') && j !== mid) continue;
          for (let i = 0; i < s; i++) {
            if ((aa === 'off' || aa === 'y') && i !== mid) continue;
            sum += bits[(y * s + j) * cols + x * s + i];
            n++;
          }
        }
        out[y * width + x] = sum / n;
      }
    }
    return out;
  }
}

/** A circle as a polygon of `n` vertices (n = 96: its area is within 0.1 % of πr²). */
export function circlePolygon(cx: number, cy: number, r: number, n = 96): Polygon {
  return Array.from({ length: n }, (_, i) => [cx + r * Math.cos((2 * Math.PI * i) / n), cy + r * Math.sin((2 * Math.PI * i) / n)] as const);
}

/** Path commands as opentype.js gives them (absolute coordinates). */
export type PathCommand =
  | { type: 'M' | 'L'; x: number; y: number }
  | { type: 'Q'; x1: number; y1: number; x: number; y: number }
  | { type: 'C'; x1: number; y1: number; x2: number; y2: number; x: number; y: number }
  | { type: 'Z' };

/** Closed polygons of a path; quadratic and cubic segments become `steps` line segments each. */
export function flattenPath(commands: readonly PathCommand[], steps = 8): Polygon[] {
  const out: Point[][] = [];
  let cur: Point[] = [];
  let at: Point = [0, 0];
  const close = () => {
    if (cur.length > 2) out.push(cur);
    cur = [];
  };
  for (const c of commands) {
    if (c.type === 'M') {
      close();
      at = [c.x, c.y];
      cur.push(at);
    } else if (c.type === 'L') {
      at = [c.x, c.y];
      cur.push(at);
    } else if (c.type === 'Q') {
      const [x0, y0] = at;
      for (let i = 1; i <= steps; i++) {
        const t = i / steps;
        const u = 1 - t;
        cur.push([u * u * x0 + 2 * u * t * c.x1 + t * t * c.x, u * u * y0 + 2 * u * t * c.y1 + t * t * c.y]);
      }
      at = [c.x, c.y];
    } else if (c.type === 'C') {
      const [x0, y0] = at;
      for (let i = 1; i <= steps; i++) {
        const t = i / steps;
        const u = 1 - t;
        cur.push([
          u * u * u * x0 + 3 * u * u * t * c.x1 + 3 * u * t * t * c.x2 + t * t * t * c.x,
          u * u * u * y0 + 3 * u * u * t * c.y1 + 3 * u * t * t * c.y2 + t * t * t * c.y,
        ]);
      }
      at = [c.x, c.y];
    } else {
      close();
    }
  }
  close();
  return out;
}
