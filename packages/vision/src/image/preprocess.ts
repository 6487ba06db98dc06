/**
 * RGBA8 image → model input tensor.
 *
 *   x = composite(rgba over white) / 255          [h, w, 3] float32 in [0, 1]
 *   x = resizeBilinear(x, [H, W])                 only when (h, w) ≠ (H, W)
 *   x = (x − mean) / std                          per channel, when given
 *
 * Alpha: composited over white, c' = (c·a + 255·(255 − a)) / 255, so a
 * transparent pixel reads as white paper, not black. SynthScenes images are
 * opaque (a = 255), where this is the identity.
 *
 * Resize: tf.image.resizeBilinear with alignCorners = false and
 * halfPixelCenters = true: sample centres line up (source coordinate
 * (i + 0.5)·in/out − 0.5, clamped at the borders), the convention of PyTorch's
 * interpolate(align_corners=False) and OpenCV. tfjs's default
 * (halfPixelCenters = false) shifts the image by up to half a source pixel.
 * No antialiasing: downscaling by more than 2× aliases, so feed images near the
 * model's size.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MobileMMError } from '@mobile-mm/core';
import { IMAGE_INVALID, imageError } from './errors.js';
import type { RgbaImage } from './types.js';

export interface PreprocessOptions {
  /** Model input width in pixels; the image is resized to it when it differs. */
  width: number;
  /** Model input height in pixels. */
  height: number;
  /** Per-channel (R, G, B) mean subtracted after scaling to [0, 1]; one number for all three. Default: none. */
  mean?: number | readonly [number, number, number];
  /** Per-channel divisor applied after the mean; must be > 0. Default: none. */
  std?: number | readonly [number, number, number];
}

function badArgument(message: string, field: string): MobileMMError {
  return new MobileMMError('INVALID_ARGUMENT', message, { field });
}

function channelTriple(v: PreprocessOptions['mean'], field: 'mean' | 'std'): [number, number, number] | undefined {
  if (v === undefined) return undefined;
  const t = typeof v === 'number' ? [v, v, v] : [...v];
  const ok = t.length === 3 && t.every((x) => Number.isFinite(x) && (field === 'mean' || x > 0));
  if (!ok) {
    throw badArgument(
      `options.${field} must be a finite number or [r, g, b]${field === 'std' ? ' with every value > 0' : ''}, got ${JSON.stringify(v)}`,
      field,
    );
  }
  return t as [number, number, number];
}

function checkOptions(o: PreprocessOptions): void {
  for (const f of ['width', 'height'] as const) {
    if (!Number.isInteger(o?.[f]) || o[f] <= 0) {
      throw badArgument(`options.${f} must be a positive integer, got ${String(o?.[f])}`, f);
    }
  }
}

function checkImage(input: RgbaImage): void {
  const image = input as { width?: unknown; height?: unknown; data?: unknown } | null;
  const { width, height, data } = image ?? {};
  const ok =
    typeof width === 'number' &&
    typeof height === 'number' &&
    Number.isInteger(width) &&
    Number.isInteger(height) &&
    width > 0 &&
    height > 0 &&
    (data instanceof Uint8ClampedArray || data instanceof Uint8Array) &&
    data.length === width * height * 4;
  if (!ok) {
    throw imageError(
      IMAGE_INVALID,
      'preprocess expects a decoded RGBA image {data: Uint8ClampedArray(width·height·4), width, height}; ' +
        'pass other inputs through decodeImage first',
    );
  }
}

/** Returns float32 [height, width, 3]; the caller owns (and disposes) it. Leaves no other tensor behind. */
export function preprocess(image: RgbaImage, options: PreprocessOptions): tf.Tensor3D {
  checkImage(image);
  checkOptions(options);
  const mean = channelTriple(options.mean, 'mean');
  const std = channelTriple(options.std, 'std');
  const { width: w, height: h, data } = image;
  const rgb = new Float32Array(w * h * 3);
  for (let p = 0; p < w * h; p++) {
    const a = data[4 * p + 3];
    for (let c = 0; c < 3; c++) rgb[3 * p + c] = (data[4 * p + c] * a + 255 * (255 - a)) / (255 * 255);
  }
  return tf.tidy(() => {
    let x: tf.Tensor3D = tf.tensor3d(rgb, [h, w, 3], 'float32');
    if (h !== options.height || w !== options.width) {
      x = tf.image.resizeBilinear(x, [options.height, options.width], false, true);
    }
    if (mean) x = tf.sub(x, tf.tensor1d(mean, 'float32'));
    if (std) x = tf.div(x, tf.tensor1d(std, 'float32'));
    return x;
  });
}

/**
 * Stacks images into a batch [B, H, W, 3]. Elements are either tensors from
 * preprocess (all the same shape) or decoded RGBA images, which are
 * preprocessed with `options` first. Input tensors are not disposed.
 */
export function toBatch(images: ReadonlyArray<tf.Tensor3D | RgbaImage>, options?: PreprocessOptions): tf.Tensor4D {
  if (!Array.isArray(images) || images.length === 0) {
    throw badArgument('toBatch needs a non-empty array of images', 'images');
  }
  return tf.tidy(() => {
    const tensors = images.map((img, i) => {
      if (img instanceof tf.Tensor) {
        if (img.rank !== 3 || img.shape[2] !== 3 || img.dtype !== 'float32') {
          throw imageError(IMAGE_INVALID, `toBatch: images[${i}] has shape [${img.shape.join(', ')}] and dtype ${img.dtype}; expected float32 [H, W, 3] (from preprocess)`, { index: i });
        }
        if (options && (img.shape[0] !== options.height || img.shape[1] !== options.width)) {
          throw imageError(IMAGE_INVALID, `toBatch: images[${i}] is ${img.shape[1]}×${img.shape[0]}, options ask for ${options.width}×${options.height}`, { index: i });
        }
        return img;
      }
      if (!options) throw badArgument('toBatch: decoded images need options {width, height} to preprocess them', 'options');
      return preprocess(img, options);
    });
    const [h, w] = tensors[0].shape;
    tensors.forEach((t, i) => {
      if (t.shape[0] !== h || t.shape[1] !== w) {
        throw imageError(IMAGE_INVALID, `toBatch: images[${i}] is ${t.shape[1]}×${t.shape[0]}, images[0] is ${w}×${h}`, { index: i });
      }
    });
    return tf.stack(tensors) as tf.Tensor4D;
  });
}
