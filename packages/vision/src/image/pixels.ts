/**
 * Already-decoded inputs: {data, width, height} objects (ImageData included)
 * and tf tensors, validated and converted to RGBA8.
 *
 * Tensor rule: the dtype decides the scale, never the values.
 *   int32   → 0–255 per channel (integers; anything outside is refused)
 *   float32 → 0–1 per channel, mapped to round(v·255); values outside
 *             [0, 1] by more than half a step (0.5/255) are refused
 * Shape [H, W, 3] (RGB, alpha 255) or [H, W, 4] (RGBA).
 */
import * as tf from '@tensorflow/tfjs-core';
import { IMAGE_INVALID, imageError } from './errors.js';
import { checkPixels, type ResolvedLimits } from './limits.js';
import type { RgbaImage } from './types.js';

/** {data, width, height}: RGBA (4 bytes per pixel) or RGB (3), told apart by data.length. */
export interface PixelData {
  data: Uint8ClampedArray | Uint8Array | ArrayLike<number>;
  width: number;
  height: number;
}

function invalid(message: string, details?: Record<string, unknown>): Error {
  return imageError(IMAGE_INVALID, message, details);
}

export function isTensorLike(x: unknown): x is tf.Tensor {
  if (x instanceof tf.Tensor) return true;
  // A Tensor from a second copy of tfjs-core fails instanceof; recognise it by shape.
  const t = x as { dtype?: unknown; shape?: unknown; dataId?: unknown; data?: unknown } | null;
  return typeof t === 'object' && t !== null && Array.isArray(t.shape) && typeof t.dtype === 'string' && typeof t.data === 'function' && t.dataId !== undefined;
}

export function isPixelData(x: unknown): x is PixelData {
  return typeof x === 'object' && x !== null && 'data' in x && 'width' in x && 'height' in x;
}

function checkSize(width: unknown, height: unknown, limits: ResolvedLimits, what: string): void {
  for (const [name, v] of [['width', width], ['height', height]] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
      throw invalid(`${what}: ${name} must be a positive integer, got ${String(v)}`, { field: name });
    }
  }
  checkPixels(width as number, height as number, limits, what);
}

/** Validates {data, width, height} and returns a fresh RGBA copy. */
export function fromPixelData(img: PixelData, limits: ResolvedLimits): RgbaImage {
  const what = '{data, width, height}';
  checkSize(img.width, img.height, limits, what);
  const { width, height, data } = img;
  const pixels = width * height;
  if (typeof data !== 'object' || data === null || typeof data.length !== 'number') {
    throw invalid(`${what}: data must be a Uint8ClampedArray, Uint8Array or number array`);
  }
  const len = data.length;
  if (len !== pixels * 4 && len !== pixels * 3) {
    throw invalid(
      `${what}: data has ${len} values; a ${width}×${height} image needs ${pixels * 4} (RGBA) or ${pixels * 3} (RGB)`,
      { length: len, width, height },
    );
  }
  const channels = len === pixels * 4 ? 4 : 3;
  const bytes = data instanceof Uint8Array || data instanceof Uint8ClampedArray;
  if (!bytes) {
    for (let i = 0; i < len; i++) {
      const v = data[i];
      if (!(typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 255)) {
        throw invalid(
          `${what}: data[${i}] = ${String(v)}; accepted values are integers 0–255 ` +
            '(for 0–1 floats pass a float32 tensor, or multiply by 255)',
          { index: i },
        );
      }
    }
  }
  const out = new Uint8ClampedArray(pixels * 4);
  if (channels === 4) {
    for (let i = 0; i < len; i++) out[i] = data[i];
  } else {
    for (let p = 0; p < pixels; p++) {
      out[4 * p] = data[3 * p];
      out[4 * p + 1] = data[3 * p + 1];
      out[4 * p + 2] = data[3 * p + 2];
      out[4 * p + 3] = 255;
    }
  }
  return { data: out, width, height };
}

/** Validates a Tensor3D [H,W,3|4] (int32 0–255 or float32 0–1) and reads it into RGBA. Does not dispose it. */
export async function fromTensor(t: tf.Tensor, limits: ResolvedLimits): Promise<RgbaImage> {
  const what = `tensor of shape [${t.shape.join(', ')}] and dtype ${t.dtype}`;
  if (t.shape.length !== 3) {
    throw invalid(`${what}: expected rank 3 [height, width, 3|4] (use toBatch for batches)`, { shape: t.shape });
  }
  const [height, width, channels] = t.shape;
  if (channels !== 3 && channels !== 4) {
    throw invalid(`${what}: expected 3 (RGB) or 4 (RGBA) channels, got ${channels}`, { shape: t.shape });
  }
  if (t.dtype !== 'int32' && t.dtype !== 'float32') {
    throw invalid(`${what}: dtype must be int32 (0–255) or float32 (0–1)`, { dtype: t.dtype });
  }
  checkSize(width, height, limits, 'tensor');
  const values = (await t.data()) as Int32Array | Float32Array;
  const float = t.dtype === 'float32';
  const slack = 0.5 / 255;
  const out = new Uint8ClampedArray(width * height * 4);
  const pixels = width * height;
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < 4; c++) {
      if (c === 3 && channels === 3) {
        out[4 * p + 3] = 255;
        continue;
      }
      const i = p * channels + c;
      const v = values[i];
      if (float) {
        if (!Number.isFinite(v) || v < -slack || v > 1 + slack) {
          throw invalid(
            `${what}: value ${v} at flat index ${i}; float32 images must lie in [0, 1]` +
              (Number.isFinite(v) && v > 1 ? ' (0–255 data: cast to int32 or divide by 255)' : ''),
            { index: i },
          );
        }
        out[4 * p + c] = Math.round(v * 255);
      } else {
        if (v < 0 || v > 255) {
          throw invalid(`${what}: value ${v} at flat index ${i}; int32 images must lie in 0–255`, { index: i });
        }
        out[4 * p + c] = v;
      }
    }
  }
  return { data: out, width, height };
}
