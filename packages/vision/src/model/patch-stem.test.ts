import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBackends, expectClose, expectNoLeak, randn } from '@mobile-mm/core/test-utils';
import { isMobileMMError } from '@mobile-mm/core';
import { PatchStem } from './patch-stem.js';

const gelu = (x: number) => x / (1 + Math.exp(-1.702 * x));

/** Naive float64 stem: explicit pixel loops, no reshapes. */
function naiveStem(img: Float64Array, b: number, h: number, w: number, p: number, m: number, wts: Record<string, Float64Array>, s: number, c: number, conv: boolean) {
  const hp = h / p;
  const wp = w / p;
  const f = new Float64Array(b * hp * wp * s);
  for (let n = 0; n < b; n++)
    for (let i = 0; i < hp; i++)
      for (let j = 0; j < wp; j++)
        for (let o = 0; o < s; o++) {
          let acc = wts.b1[o];
          let idx = 0;
          for (let py = 0; py < p; py++) for (let px = 0; px < p; px++) for (let ch = 0; ch < 3; ch++, idx++) acc += img[((n * h + i * p + py) * w + j * p + px) * 3 + ch] * wts.w1[idx * s + o];
          f[((n * hp + i) * wp + j) * s + o] = gelu(acc);
        }
  let g = f;
  if (conv) {
    g = new Float64Array(f.length);
    for (let n = 0; n < b; n++)
      for (let i = 0; i < hp; i++)
        for (let j = 0; j < wp; j++)
          for (let o = 0; o < s; o++) {
            let acc = wts.bc[o];
            for (let dy = 0; dy < 3; dy++)
              for (let dx = 0; dx < 3; dx++) {
                const y = i + dy - 1;
                const x = j + dx - 1;
                if (y < 0 || y >= hp || x < 0 || x >= wp) continue;
                for (let k = 0; k < s; k++) acc += f[((n * hp + y) * wp + x) * s + k] * wts.wc[((dy * 3 + dx) * s + k) * s + o];
              }
            g[((n * hp + i) * wp + j) * s + o] = f[((n * hp + i) * wp + j) * s + o] + gelu(acc);
          }
  }
  const r = hp / m;
  const q = wp / m;
  const out = new Float64Array(b * r * q * c);
  for (let n = 0; n < b; n++)
    for (let i = 0; i < r; i++)
      for (let j = 0; j < q; j++)
        for (let o = 0; o < c; o++) {
          let acc = wts.b2[o];
          let idx = 0;
          for (let my = 0; my < m; my++) for (let mx = 0; mx < m; mx++) for (let k = 0; k < s; k++, idx++) acc += g[((n * hp + i * m + my) * wp + j * m + mx) * s + k] * wts.w2[idx * c + o];
          out[((n * r + i) * q + j) * c + o] = acc;
        }
  return out;
}

describeBackends('PatchStem', (env) => {
  const tol = env.backend === 'webgl' ? 2e-3 : 1e-4;
  for (const conv of [false, true]) {
    it(`matches a naive float64 stem (conv ${conv}) on random images, no leaks`, async () => {
      const [b, h, w, p, m, s, c] = [2, 16, 32, 4, 2, 8, 12];
      const stem = new PatchStem({ patchSize: p, merge: m, stemDim: s, dim: c, conv });
      stem.build([null, h, w, 3]);
      const named = stem.namedWeights();
      const wts: Record<string, Float64Array> = {};
      let seed = 10;
      for (const [k, v] of Object.entries(named)) {
        const shape = v.shape as number[]; // built: no unknown dims
        const vals = randn(shape.reduce((a, x) => a * x, 1), seed++, 0.3);
        const t = tf.tensor(Float32Array.from(vals), shape);
        v.write(t);
        t.dispose();
        wts[k.replace('stage1.kernel', 'w1').replace('stage1.bias', 'b1').replace('stage2.kernel', 'w2').replace('stage2.bias', 'b2').replace('conv.kernel', 'wc').replace('conv.bias', 'bc')] = Float64Array.from(await v.read().data());
      }
      const img = randn(b * h * w * 3, 99, 0.5);
      const x = tf.tensor4d(Float32Array.from(img), [b, h, w, 3]);
      const want = naiveStem(Float64Array.from(await x.data()), b, h, w, p, m, wts, s, c, conv);
      await expectNoLeak(async () => {
        const y = tf.tidy(() => stem.forward(x));
        expect(y.shape).toEqual([b, (h / p / m) * (w / p / m), c]);
        expectClose(await y.data(), want, tol, tol, 'stem');
        y.dispose();
      });
      x.dispose();
      for (const v of Object.values(named)) v.dispose();
    });
  }
});

it('rejects images whose size is not a multiple of patch·merge', () => {
  const stem = new PatchStem({ patchSize: 4, merge: 2, stemDim: 8, dim: 8 });
  stem.build([null, null, null, 3]);
  const x = tf.zeros([1, 12, 16, 3]) as tf.Tensor4D;
  try {
    stem.forward(x);
    expect.unreachable();
  } catch (e) {
    expect(isMobileMMError(e, 'INVALID_SHAPE')).toBe(true);
  } finally {
    x.dispose();
  }
});

/** Naive float64 column tokens: stage 1 per 4-px patch, then each full-height column of features → one token. */
function naiveColumns(img: Float64Array, b: number, h: number, w: number, p: number, wts: Record<string, Float64Array>, s: number, c: number) {
  const hp = h / p;
  const wp = w / p;
  const f = (n: number, i: number, j: number, o: number) => {
    let acc = wts.b1[o];
    let idx = 0;
    for (let py = 0; py < p; py++) for (let px = 0; px < p; px++) for (let ch = 0; ch < 3; ch++, idx++) acc += img[((n * h + i * p + py) * w + j * p + px) * 3 + ch] * wts.w1[idx * s + o];
    return gelu(acc);
  };
  const out = new Float64Array(b * wp * c);
  for (let n = 0; n < b; n++)
    for (let j = 0; j < wp; j++) {
      const col: number[] = [];
      for (let i = 0; i < hp; i++) for (let k = 0; k < s; k++) col.push(f(n, i, j, k));
      for (let o = 0; o < c; o++) {
        let acc = wts.bcol[o];
        for (let t = 0; t < col.length; t++) acc += col[t] * wts.wcol[t * c + o];
        out[(n * wp + j) * c + o] = acc;
      }
    }
  return out;
}

describeBackends('PatchStem columns', (env) => {
  const tol = env.backend === 'webgl' ? 2e-3 : 1e-4;
  it('forwardColumns matches a naive float64 column embedding on random images, no leaks', async () => {
    const [b, h, w, p, s, c] = [2, 16, 24, 4, 6, 10];
    const stem = new PatchStem({ patchSize: p, merge: 2, stemDim: s, dim: c, columnRows: h / p });
    stem.build([null, null, null, 3]);
    const named = stem.namedWeights();
    expect(Object.keys(named)).toContain('column.kernel');
    const short: Record<string, string> = { 'stage1.kernel': 'w1', 'stage1.bias': 'b1', 'column.kernel': 'wcol', 'column.bias': 'bcol' };
    const wts: Record<string, Float64Array> = {};
    let seed = 40;
    for (const [k, v] of Object.entries(named)) {
      const shape = v.shape as number[];
      const t = tf.tensor(Float32Array.from(randn(shape.reduce((a, x) => a * x, 1), seed++, 0.3)), shape);
      v.write(t);
      t.dispose();
      if (short[k]) wts[short[k]] = Float64Array.from(await v.read().data());
    }
    const x = tf.tensor4d(Float32Array.from(randn(b * h * w * 3, 7, 0.5)), [b, h, w, 3]);
    const want = naiveColumns(Float64Array.from(await x.data()), b, h, w, p, wts, s, c);
    await expectNoLeak(async () => {
      const y = tf.tidy(() => stem.forwardColumns(x));
      expect(y.shape).toEqual([b, w / p, c]);
      expectClose(await y.data(), want, tol, tol, 'columns');
      y.dispose();
    });
    // A column stem needs images exactly columnRows·p high.
    const tall = tf.zeros([1, h + p, w, 3]) as tf.Tensor4D;
    expect(() => stem.forwardColumns(tall)).toThrowError(/px high/);
    tf.dispose([x, tall]);
    for (const v of Object.values(named)) v.dispose();
  });
});

it('@mobile-mm/vision/register-layers registers PatchStem, TokenClassHead and core\'s layers (Linear included) by class name', async () => {
  const { registerVisionLayers } = await import('../register-layers.js');
  registerVisionLayers();
  const names = Object.keys(tf.serialization.SerializationMap.getMap().classNameMap);
  for (const n of ['MobileMMPatchStem', 'MobileMMTokenClassHead', 'MobileMMLinear']) expect(names).toContain(n);
});
