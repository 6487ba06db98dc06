/**
 * preprocess/toBatch against a naive float64 reference: alpha over white,
 * /255, bilinear resize with pixel-centre alignment, per-channel (x − mean)/std.
 * Tolerances: 1e-5 absolute in fp32 (cpu, wasm, webgl), 2e-3 with f16 textures
 * (10-bit mantissa: ±2^-11 relative on values ≤ 1, plus the lerp).
 */
import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectClose } from '@mobile-mm/core/test-utils';
import { expect, it } from 'vitest';
import { IMAGE_INVALID } from './errors.js';
import { preprocess, toBatch } from './preprocess.js';
import type { RgbaImage } from './types.js';
import { expectCode, randomRgba } from './__fixtures__/codecs.js';

/** Reference: float64, written from the definitions, no tfjs. */
function reference(img: RgbaImage, outH: number, outW: number, mean = [0, 0, 0], std = [1, 1, 1]): Float64Array {
  const { width: w, height: h, data } = img;
  const px = (y: number, x: number, c: number): number => {
    const a = data[(y * w + x) * 4 + 3] / 255;
    return (data[(y * w + x) * 4 + c] / 255) * a + (1 - a);
  };
  const out = new Float64Array(outH * outW * 3);
  const clamp = (v: number, n: number): number => Math.min(n - 1, Math.max(0, v));
  for (let i = 0; i < outH; i++) {
    const sy = ((i + 0.5) * h) / outH - 0.5;
    const y0 = Math.floor(sy);
    const fy = sy - y0;
    for (let j = 0; j < outW; j++) {
      const sx = ((j + 0.5) * w) / outW - 0.5;
      const x0 = Math.floor(sx);
      const fx = sx - x0;
      for (let c = 0; c < 3; c++) {
        const [ya, yb, xa, xb] = [clamp(y0, h), clamp(y0 + 1, h), clamp(x0, w), clamp(x0 + 1, w)];
        const v = (1 - fy) * ((1 - fx) * px(ya, xa, c) + fx * px(ya, xb, c)) + fy * ((1 - fx) * px(yb, xa, c) + fx * px(yb, xb, c));
        out[(i * outW + j) * 3 + c] = (v - mean[c]) / std[c];
      }
    }
  }
  return out;
}

/** Runs `fn` and checks that the tensor it returns is the only new one. */
function onlyResult<T extends tf.Tensor>(fn: () => T): T {
  const before = tf.memory().numTensors;
  const out = fn();
  expect(tf.memory().numTensors, 'tensors left besides the result').toBe(before + 1);
  return out;
}

const image = (w: number, h: number, seed: number, alpha: number | 'random' = 255): RgbaImage => ({
  data: randomRgba(w, h, seed, alpha),
  width: w,
  height: h,
});

describeBackends(
  'preprocess',
  (env) => {
    const atol = env.flags?.WEBGL_FORCE_F16_TEXTURES ? 2e-3 : 1e-5;

    it('same size: exact c/255, no resize', async () => {
      const img = image(64, 64, 1);
      const t = onlyResult(() => preprocess(img, { width: 64, height: 64 }));
      expect(t.shape).toEqual([64, 64, 3]);
      expect(t.dtype).toBe('float32');
      expectClose(await t.data(), reference(img, 64, 64), atol, 0, 'same size');
      t.dispose();
    });

    for (const [w, h, W, H] of [
      [13, 17, 32, 24], // up, different aspect
      [64, 64, 40, 40], // down
      [50, 30, 64, 64], // up in both, non-integer ratios
      [7, 5, 7, 12], // one axis only
      [1, 1, 4, 3], // a single pixel
    ]) {
      it(`bilinear ${w}×${h} → ${W}×${H} matches the float64 reference`, async () => {
        const img = image(w, h, w * 100 + h);
        const t = onlyResult(() => preprocess(img, { width: W, height: H }));
        expect(t.shape).toEqual([H, W, 3]);
        expectClose(await t.data(), reference(img, H, W), atol, 0, `${w}×${h}→${W}×${H}`);
        t.dispose();
      });
    }

    it('composites alpha over white', async () => {
      const img = image(16, 12, 5, 'random');
      const t = preprocess(img, { width: 16, height: 12 });
      expectClose(await t.data(), reference(img, 12, 16), atol, 0, 'alpha');
      // Fully transparent is white.
      const clear = preprocess({ data: new Uint8ClampedArray(4 * 4 * 4), width: 4, height: 4 }, { width: 4, height: 4 });
      expectClose(await clear.data(), new Array(48).fill(1), atol, 0, 'transparent');
      tf.dispose([t, clear]);
    });

    it('per-channel mean and std, alongside a resize', async () => {
      const img = image(20, 20, 6);
      const mean = [0.485, 0.456, 0.406] as const;
      const std = [0.229, 0.224, 0.225] as const;
      const x = onlyResult(() => preprocess(img, { width: 24, height: 16, mean, std }));
      expectClose(await x.data(), reference(img, 16, 24, [...mean], [...std]), atol / 0.224, 0, 'normalised');
      const y = preprocess(img, { width: 20, height: 20, mean: 0.5, std: 0.5 });
      expectClose(await y.data(), reference(img, 20, 20, [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]), atol * 2, 0, 'scalar mean/std');
      tf.dispose([x, y]);
    });

    it('toBatch stacks preprocessed tensors or decoded images, without leaks', async () => {
      const imgs = [image(10, 8, 7), image(12, 12, 8), image(8, 10, 9)];
      const opts = { width: 16, height: 16 };
      const before = tf.memory().numTensors;
      const a = onlyResult(() => toBatch(imgs, opts));
      expect(a.shape).toEqual([3, 16, 16, 3]);
      const singles = imgs.map((im) => preprocess(im, opts));
      const b = toBatch(singles);
      expect(singles.every((t) => !t.isDisposed)).toBe(true);
      expectClose(await a.data(), await b.data(), atol, 0, 'batch');
      const ref = imgs.flatMap((im) => Array.from(reference(im, 16, 16)));
      expectClose(await a.data(), ref, atol, 0, 'batch vs reference');
      tf.dispose([a, b, ...singles]);
      expect(tf.memory().numTensors).toBe(before);
    });

    it('rejects bad inputs with typed errors and leaves no tensor behind', async () => {
      const before = tf.memory().numTensors;
      const img = image(4, 4, 10);
      await expectCode(() => preprocess({ ...img, width: 5 }, { width: 4, height: 4 }), IMAGE_INVALID);
      await expectCode(() => preprocess({ data: new Float32Array(64), width: 4, height: 4 } as never, { width: 4, height: 4 }), IMAGE_INVALID);
      await expectCode(() => preprocess(img, { width: 0, height: 4 }), 'INVALID_ARGUMENT');
      await expectCode(() => preprocess(img, { width: 4, height: 4.5 }), 'INVALID_ARGUMENT');
      await expectCode(() => preprocess(img, { width: 4, height: 4, std: [1, 0, 1] }), 'INVALID_ARGUMENT');
      await expectCode(() => preprocess(img, { width: 4, height: 4, mean: [NaN, 0, 0] }), 'INVALID_ARGUMENT');
      await expectCode(() => preprocess(img, { width: 4, height: 4, mean: [0, 0] as never }), 'INVALID_ARGUMENT');
      await expectCode(() => toBatch([]), 'INVALID_ARGUMENT');
      await expectCode(() => toBatch([img]), 'INVALID_ARGUMENT');
      const t1 = preprocess(img, { width: 4, height: 4 });
      const t2 = preprocess(img, { width: 5, height: 4 });
      const mid = tf.memory().numTensors;
      await expectCode(() => toBatch([t1, t2]), IMAGE_INVALID);
      await expectCode(() => toBatch([t1], { width: 5, height: 4 }), IMAGE_INVALID);
      // A bad image after a good one: the good one's tensor is cleaned up too.
      await expectCode(() => toBatch([img, { ...img, height: 3 }], { width: 3, height: 3 }), IMAGE_INVALID);
      expect(tf.memory().numTensors).toBe(mid);
      tf.dispose([t1, t2]);
      expect(tf.memory().numTensors).toBe(before);
    });
  },
  { f16: true },
);
