/**
 * @mobile-mm/core/test-utils: vitest helpers shared by the packages' tests
 * (vitest is an optional peer dependency). describeBackends runs a suite on
 * every backend of the environment, starting each with setupBackend.
 */
export {
  NODE_ENVS,
  BROWSER_ENVS,
  WEBGL_F16_ENV,
  WEBGPU_ENV,
  probeWebgpu,
  currentEnvs,
  activate,
  describeBackends,
  expectNoLeak,
  rng,
  randn,
  expectClose,
  type BackendEnv,
  type WebgpuProbe,
} from './backends.js';
