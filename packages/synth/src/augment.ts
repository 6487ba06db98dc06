/**
 * Training-time augmentations: the ways other software draws, resamples and
 * stores the same SynthScenes image, so a model learns the task and not one
 * renderer's pixels. Each op takes RGBA bytes and returns new ones; answers
 * never change (no op moves content by more than half a pixel or alters a
 * colour name).
 *
 *   stroke     grey-level erosion/dilation blended by t ∈ [−0.35, 0.35]:
 *              ink strokes thicker or thinner by up to ≈ ⅓ px (bolder/lighter
 *              fonts, hinting)
 *   shift      bilinear sub-pixel translation by (dx, dy) ∈ [−0.5, 0.5]²
 *   blur       separable Gaussian, σ ∈ [0.3, 1.0] px (soft renderers, focus)
 *   aliasing   edges hardened: each pixel snapped toward the nearer of its
 *              3×3 neighbourhood's extremes (renderers without anti-aliasing)
 *   resample   down to a scale s ∈ [0.5, 0.9] and back, each way nearest,
 *              bilinear or area (box) filtering (screenshots, thumbnails)
 *   tone       gamma γ ∈ [0.6, 1.6] and contrast c ∈ [0.7, 1.3] about mid-grey
 *   noise      extra Gaussian noise σ ∈ [2, 10], shared or per channel
 *   jpeg       JPEG re-encoding at quality 50–95 (jpeg-js)
 *
 * augment(image, rng, {p}) applies each op with probability p, in the order
 * above (drawing first, then capture, then storage), drawing every parameter
 * from `rng`, so a sample's augmentation is fixed by its seed.
 */
import jpeg from 'jpeg-js';
import type { RenderedImage } from './render.js';
import type { Rng } from './rng.js';

export const AUGMENTATIONS = ['stroke', 'shift', 'blur', 'aliasing', 'resample', 'tone', 'noise', 'jpeg'] as const;
export type Augmentation = (typeof AUGMENTATIONS)[number];
export type Filter = 'nearest' | 'bilinear' | 'area';
export const FILTERS: readonly Filter[] = ['nearest', 'bilinear', 'area'];

/** Float planes [3][H·W] of an RGBA image (alpha dropped: SynthScenes images are opaque). */
function planes(img: RenderedImage): Float32Array[] {
  const n = img.width * img.height;
  const out = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) out[c][i] = img.data[4 * i + c];
  return out;
}

function toImage(p: Float32Array[], width: number, height: number): RenderedImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) data[4 * i + c] = Math.round(p[c][i]);
    data[4 * i + 3] = 255;
  }
  return { data, width, height };
}

function mapPlanes(img: RenderedImage, f: (plane: Float32Array, w: number, h: number) => Float32Array): RenderedImage {
  return toImage(planes(img).map((p) => f(p, img.width, img.height)), img.width, img.height);
}

/** Min (grow dark ink) or max (thin it) over the 3×3 neighbourhood, blended: t > 0 bolder, t < 0 lighter. */
export function stroke(img: RenderedImage, t: number): RenderedImage {
  return mapPlanes(img, (p, w, h) => {
    const out = new Float32Array(p.length);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        let v = t > 0 ? Infinity : -Infinity;
        for (let dy = -1; dy <= 1; dy++)
          for (let dx = -1; dx <= 1; dx++) {
            const q = p[Math.min(h - 1, Math.max(0, y + dy)) * w + Math.min(w - 1, Math.max(0, x + dx))];
            v = t > 0 ? Math.min(v, q) : Math.max(v, q);
          }
        const i = y * w + x;
        out[i] = p[i] + Math.abs(t) * (v - p[i]);
      }
    return out;
  });
}

/** Bilinear sample of a plane at (x, y) in pixel-centre coordinates, edges clamped. */
function bilinearAt(p: Float32Array, w: number, h: number, x: number, y: number): number {
  const cx = Math.min(w - 1, Math.max(0, x));
  const cy = Math.min(h - 1, Math.max(0, y));
  const x0 = Math.floor(cx);
  const y0 = Math.floor(cy);
  const x1 = Math.min(w - 1, x0 + 1);
  const y1 = Math.min(h - 1, y0 + 1);
  const fx = cx - x0;
  const fy = cy - y0;
  return (p[y0 * w + x0] * (1 - fx) + p[y0 * w + x1] * fx) * (1 - fy) + (p[y1 * w + x0] * (1 - fx) + p[y1 * w + x1] * fx) * fy;
}

/** Content moved by (dx, dy) px: out(x, y) = in(x − dx, y − dy), bilinear, edges clamped. */
export function shift(img: RenderedImage, dx: number, dy: number): RenderedImage {
  return mapPlanes(img, (p, w, h) => {
    const out = new Float32Array(p.length);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = bilinearAt(p, w, h, x - dx, y - dy);
    return out;
  });
}

/** The normalised 1-D Gaussian kernel of σ, radius ⌈3σ⌉. */
export function gaussianKernel(sigma: number): Float64Array {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float64Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) sum += k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  return k;
}

/** Separable Gaussian blur, edges clamped. */
export function blur(img: RenderedImage, sigma: number): RenderedImage {
  const k = gaussianKernel(sigma);
  const r = (k.length - 1) / 2;
  return mapPlanes(img, (p, w, h) => {
    const tmp = new Float32Array(p.length);
    const out = new Float32Array(p.length);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        let s = 0;
        for (let i = -r; i <= r; i++) s += k[i + r] * p[y * w + Math.min(w - 1, Math.max(0, x + i))];
        tmp[y * w + x] = s;
      }
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        let s = 0;
        for (let i = -r; i <= r; i++) s += k[i + r] * tmp[Math.min(h - 1, Math.max(0, y + i)) * w + x];
        out[y * w + x] = s;
      }
    return out;
  });
}

/**
 * Hardened edges: a pixel between its 3×3 neighbourhood's darkest and
 * brightest (by luma) takes, per channel, the value of the nearer one, as an
 * aliased renderer paints a pixel fully or not at all.
 */
export function aliasing(img: RenderedImage): RenderedImage {
  const { width: w, height: h, data } = img;
  const out = new Uint8ClampedArray(data);
  const luma = (i: number) => 0.299 * data[4 * i] + 0.587 * data[4 * i + 1] + 0.114 * data[4 * i + 2];
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let lo = -1;
      let hi = -1;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const j = Math.min(h - 1, Math.max(0, y + dy)) * w + Math.min(w - 1, Math.max(0, x + dx));
          if (lo < 0 || luma(j) < luma(lo)) lo = j;
          if (hi < 0 || luma(j) > luma(hi)) hi = j;
        }
      const i = y * w + x;
      const range = luma(hi) - luma(lo);
      if (range < 48) continue; // flat (noise only): leave it
      const pick = luma(i) - luma(lo) < luma(hi) - luma(i) ? lo : hi;
      for (let c = 0; c < 3; c++) out[4 * i + c] = data[4 * pick + c];
    }
  return { data: out, width: w, height: h };
}

/** A plane resized to (w2, h2) with `filter` (pixel-centre aligned). */
export function resizePlane(p: Float32Array, w: number, h: number, w2: number, h2: number, filter: Filter): Float32Array {
  const out = new Float32Array(w2 * h2);
  const sx = w / w2;
  const sy = h / h2;
  for (let y = 0; y < h2; y++)
    for (let x = 0; x < w2; x++) {
      if (filter === 'nearest') {
        out[y * w2 + x] = p[Math.min(h - 1, Math.floor((y + 0.5) * sy)) * w + Math.min(w - 1, Math.floor((x + 0.5) * sx))];
      } else if (filter === 'bilinear') {
        out[y * w2 + x] = bilinearAt(p, w, h, (x + 0.5) * sx - 0.5, (y + 0.5) * sy - 0.5);
      } else {
        // Area: the mean over the source footprint [x·sx, (x+1)·sx) × [y·sy, (y+1)·sy), fractional pixels weighted.
        let s = 0;
        let a = 0;
        for (let v = Math.floor(y * sy); v < Math.min(h, Math.ceil((y + 1) * sy)); v++) {
          const wy = Math.min(v + 1, (y + 1) * sy) - Math.max(v, y * sy);
          for (let u = Math.floor(x * sx); u < Math.min(w, Math.ceil((x + 1) * sx)); u++) {
            const wx = Math.min(u + 1, (x + 1) * sx) - Math.max(u, x * sx);
            s += wx * wy * p[v * w + u];
            a += wx * wy;
          }
        }
        out[y * w2 + x] = s / a;
      }
    }
  return out;
}

/** Down to scale s and back up to the original size. */
export function resample(img: RenderedImage, s: number, down: Filter, up: Filter): RenderedImage {
  const w2 = Math.max(1, Math.round(img.width * s));
  const h2 = Math.max(1, Math.round(img.height * s));
  return mapPlanes(img, (p, w, h) => resizePlane(resizePlane(p, w, h, w2, h2, down), w2, h2, w, h, up === 'area' ? 'bilinear' : up));
}

/** v → 255·(v/255)^γ, then contrast c about 127.5. */
export function tone(img: RenderedImage, gamma: number, contrast: number): RenderedImage {
  return mapPlanes(img, (p) => p.map((v) => 127.5 + contrast * (255 * Math.pow(v / 255, gamma) - 127.5)));
}

/** Adds N(0, σ²) noise, per channel or shared, from `rng`. */
export function noise(img: RenderedImage, sigma: number, perChannel: boolean, rng: Rng): RenderedImage {
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.float())) * Math.cos(2 * Math.PI * rng.float());
  const data = new Uint8ClampedArray(img.data);
  for (let i = 0; i < img.width * img.height; i++) {
    const shared = sigma * gauss();
    for (let c = 0; c < 3; c++) data[4 * i + c] = Math.round(data[4 * i + c] + (perChannel ? sigma * gauss() : shared));
  }
  return { data, width: img.width, height: img.height };
}

/**
 * jpeg-js's encoder returns `Buffer.from(bytes)` whenever a CommonJS `module`
 * exists, which bundlers provide in browsers too; where Node's Buffer is
 * absent, lend it the one method it calls for the duration of the call.
 */
function encodeJpeg(img: RenderedImage, quality: number): Uint8Array {
  const g = globalThis as { Buffer?: unknown };
  const lent = g.Buffer === undefined;
  if (lent) g.Buffer = { from: (bytes: ArrayLike<number>) => Uint8Array.from(bytes) };
  try {
    return jpeg.encode({ data: img.data, width: img.width, height: img.height }, quality).data;
  } finally {
    if (lent) delete g.Buffer;
  }
}

/** Encoded as a JPEG at `quality` and decoded back. */
export function jpegRoundTrip(img: RenderedImage, quality: number): RenderedImage {
  const encoded = { data: encodeJpeg(img, quality) };
  const decoded = jpeg.decode(encoded.data, { useTArray: true, formatAsRGBA: true });
  return { data: new Uint8ClampedArray(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength), width: img.width, height: img.height };
}

export interface AugmentOptions {
  /** Probability of each op (0 = none). */
  p: number;
  /** Ops to draw from (default all). */
  ops?: readonly Augmentation[];
}

/** Applies each op with probability p, parameters drawn from `rng` (see the table above). Returns the ops applied too. */
export function augment(img: RenderedImage, rng: Rng, options: AugmentOptions): { image: RenderedImage; applied: Augmentation[] } {
  const ops = new Set(options.ops ?? AUGMENTATIONS);
  const applied: Augmentation[] = [];
  let out = img;
  const u = (lo: number, hi: number) => lo + (hi - lo) * rng.float();
  for (const op of AUGMENTATIONS) {
    // Draw the coin for every op, so the stream of draws does not depend on `ops`.
    const on = rng.float() < options.p && ops.has(op);
    if (!on) continue;
    applied.push(op);
    if (op === 'stroke') out = stroke(out, u(-0.35, 0.35));
    else if (op === 'shift') out = shift(out, u(-0.5, 0.5), u(-0.5, 0.5));
    else if (op === 'blur') out = blur(out, u(0.3, 1.0));
    else if (op === 'aliasing') out = aliasing(out);
    else if (op === 'resample') out = resample(out, u(0.5, 0.9), FILTERS[rng.int(0, 2)], FILTERS[rng.int(0, 2)]);
    else if (op === 'tone') out = tone(out, Math.exp(u(Math.log(0.6), Math.log(1.6))), u(0.7, 1.3));
    else if (op === 'noise') out = noise(out, u(2, 10), rng.float() < 0.5, rng);
    else out = jpegRoundTrip(out, rng.int(50, 95));
  }
  return { image: out, applied };
}
