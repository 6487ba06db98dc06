/**
 * Test helpers for the webgl kernels: the two texture precisions as backend
 * envs, reading back what the GPU actually stores, adversarial weights, and
 * exact comparisons.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { expect } from 'vitest';
import { expectNoLeak, randn, rng, WEBGL_F16_ENV, type BackendEnv } from '@mobile-mm/core/test-utils';
import type { Bits, PackedLayout } from '../../kernel-names.js';
import { numGroups } from '../../format.js';
import { canonicalCode, canonicalRowBytes, type CanonicalQuantized } from '../../reference.js';
import { webglLayout } from '../webgl-util.js';

/**
 * float32 textures, then float16 ones. WEBGL_F16_ENV must also turn off
 * WEBGL_RENDER_FLOAT32_ENABLED: tfjs caches that flag once derived, and the
 * texture manager reads it, not WEBGL_FORCE_F16_TEXTURES. Every suite checks
 * what the textures really hold (expectTexturePrecision).
 */
export const WEBGL_ENVS: BackendEnv[] = [{ name: 'webgl', backend: 'webgl' }, WEBGL_F16_ENV];

export function isHalfEnv(env: BackendEnv): boolean {
  return env.flags?.WEBGL_FORCE_F16_TEXTURES === true;
}

export function webglBackend(): MathBackendWebGL {
  expect(tf.getBackend()).toBe('webgl');
  return tf.backend() as MathBackendWebGL;
}

/** The values the texture of `t` holds: uploads `t` (tfjs then drops its CPU copy) and reads the texture back. */
export function gpuValues(t: tf.Tensor): Float32Array {
  webglBackend().uploadToGPU(t.dataId);
  return Float32Array.from(t.dataSync());
}

/**
 * expectNoLeak (tensor count) plus: tf.memory().numBytes and the backend's
 * numBytesInGPU are back where they were once `body` has disposed its outputs.
 * Inputs created before must already be on the GPU (gpuValues).
 */
export async function expectNoGpuLeak<T>(body: () => T | Promise<T>): Promise<T> {
  const before = tf.memory() as tf.MemoryInfo & { numBytesInGPU: number };
  const out = await expectNoLeak(body);
  const after = tf.memory() as tf.MemoryInfo & { numBytesInGPU: number };
  expect(after.numBytes, 'leaked tensor bytes').toBe(before.numBytes);
  expect(after.numBytesInGPU, 'leaked texture bytes').toBe(before.numBytesInGPU);
  return out;
}

/** Asserts the env's textures are what it claims: 4097 survives float32, becomes 4096 in float16. */
export function expectTexturePrecision(env: BackendEnv): void {
  const vals = new Float32Array(256).fill(1);
  vals[0] = 4097;
  const x = tf.tensor1d(vals);
  const held = gpuValues(x)[0];
  x.dispose();
  expect(held, `${env.name}: value held by a texture`).toBe(isHalfEnv(env) ? 4096 : 4097);
  expect(webglLayout()).toBe(isHalfEnv(env) ? 'webgl-f16' : 'webgl-fp32');
}

/**
 * A [K, N] weight (row-major) that exercises the rounding rules: per-column
 * scales from 1e-3 to 30 and offsets; column 0 holds exact ties
 * (min 0, max 2^b − 1 so scale = 1, values j + ½), column 1 near-ties
 * (j + ½ ± 2^-18), column 2 a constant (scale 0), column 3 a large offset
 * with tiny spread, column 4 tiny values.
 */
export function adversarialWeights(K: number, N: number, bits: Bits, groupSize: number, seed: number): Float32Array {
  const w = new Float32Array(K * N);
  const noise = randn(K * N, seed);
  const r = rng(seed + 1);
  const levels = (1 << bits) - 1;
  for (let n = 0; n < N; n++) {
    const std = 10 ** (r() * 4.5 - 3);
    const offset = (r() * 2 - 1) * std;
    for (let k = 0; k < K; k++) {
      const j = k % groupSize;
      let v: number;
      if (n === 0) v = j === 0 ? 0 : j === 1 ? levels : ((j - 2) % levels) + 0.5;
      else if (n === 1)
        v = j === 0 ? 0 : j === 1 ? levels : ((j - 2) % levels) + 0.5 + (j % 2 ? 2 ** -18 : -(2 ** -18));
      else if (n === 2) v = 0.375;
      else if (n === 3) v = 1000 + noise[k * N + n] * 1e-3;
      else if (n === 4) v = noise[k * N + n] * 1e-6;
      else v = offset + std * noise[k * N + n];
      w[k * N + n] = v;
    }
  }
  return w;
}

/** Throws at the first element whose bits differ (Object.is: -0 ≠ 0, NaN = NaN). */
export function expectSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  let mismatches = 0;
  let first = -1;
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      if (first < 0) first = i;
      mismatches++;
    }
  }
  if (mismatches > 0) {
    throw new Error(
      `${label}: ${mismatches} of ${expected.length} differ; first at ${first}: got ${actual[first]}, want ${expected[first]}`
    );
  }
}

/** Float32 bits of x: Math.fround applied elementwise. */
export function fround(values: ArrayLike<number>): Float32Array {
  return Float32Array.from(values);
}

export interface Case {
  K: number;
  N: number;
  bits: Bits;
  groupSize: number;
  layout?: PackedLayout;
}

export function caseName({ K, N, bits, groupSize, layout }: Case): string {
  return `K=${K} N=${N} b=${bits} G=${groupSize}${layout ? ` ${layout}` : ''}`;
}

/** Error of the float64 sum a + b (Knuth's TwoSum): 0 when a + b is exact. */
export function twoSumError(a: number, b: number): number {
  const sum = a + b;
  const bb = sum - a;
  return a - (sum - bb) + (b - bb);
}

/**
 * An unpack rounds scale·q + min once: wherever float64 holds it exactly
 * (scale·q is exact for 24 + 8 bits; the sum where TwoSum's error is 0),
 * `round` of it (Math.fround, or the float16 storage rounding) is the only
 * right answer. Checks those elements bit for bit and that they are most of
 * them (the others are left to the cancellation tests).
 */
export function expectRoundedOnceWhereExact(got: ArrayLike<number>, q: CanonicalQuantized, c: Case, round: (x: number) => number): void {
  const ng = numGroups(c.K, c.groupSize);
  const rowBytes = canonicalRowBytes(c.K, c.bits, c.groupSize);
  const want = new Float64Array(c.K * c.N);
  let checked = 0;
  for (let k = 0; k < c.K; k++) {
    for (let n = 0; n < c.N; n++) {
      const g = Math.floor(k / c.groupSize);
      const sq = q.scales[n * ng + g] * canonicalCode(q.codes, rowBytes, n, k, c.bits);
      const mn = q.mins[n * ng + g];
      const i = k * c.N + n;
      if (twoSumError(sq, mn) === 0) {
        want[i] = round(sq + mn);
        checked++;
      } else {
        want[i] = got[i];
      }
    }
  }
  expect(checked / want.length).toBeGreaterThan(0.75);
  expectSameBits(got, want, 'ŵ');
}
