/**
 * Which backends have int2 kernels, for the tests. THE one place to extend
 * when a backend's kernels land: every suite that
 * runs per backend goes through describeKernelBackends below.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll } from 'vitest';
import {
  currentEnvs,
  describeBackends,
  WEBGL_F16_ENV,
  type BackendEnv,
} from '@mobile-mm/core/test-utils';

export const KERNEL_BACKENDS: readonly BackendEnv['backend'][] = ['cpu', 'wasm', 'webgl', 'webgpu'];

/** describeBackends over the envs whose backend has kernels; the others show up as skipped. */
export function describeKernelBackends(
  title: string,
  fn: (env: BackendEnv) => void,
  options: { f16?: boolean } = {},
): void {
  const all = currentEnvs(options.f16 ? [WEBGL_F16_ENV] : []);
  const envs = all.filter((e) => KERNEL_BACKENDS.includes(e.backend));
  if (envs.length > 0) describeBackends(title, withRealF16(fn), { envs });
}

/**
 * Workaround, until core's test-utils does it: WEBGL_RENDER_FLOAT32_ENABLED is
 * derived from WEBGL_FORCE_F16_TEXTURES once and then cached by tf.env(), so
 * after a plain webgl suite has run, the 'webgl-f16' env still renders to
 * float32 textures (measured: 2049 survives). Set it for the env's duration;
 * the texture manager reads it for every new texture.
 */
export function withRealF16(fn: (env: BackendEnv) => void): (env: BackendEnv) => void {
  return (env) => {
    if (isF16Env(env)) {
      let previous = true;
      beforeAll(() => {
        previous = tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED');
        tf.env().set('WEBGL_RENDER_FLOAT32_ENABLED', false);
      });
      afterAll(() => {
        tf.env().set('WEBGL_RENDER_FLOAT32_ENABLED', previous);
      });
    }
    fn(env);
  };
}

/** True when the env stores float textures in f16 (values lose precision on upload). */
export function isF16Env(env: BackendEnv): boolean {
  return env.flags?.WEBGL_FORCE_F16_TEXTURES === true;
}

