/** Idempotent kernel and gradient registration (tfjs warns on, and replaces, a second registration). */
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, KernelConfig } from '@tensorflow/tfjs-core';

export function registerKernelConfigs(configs: readonly KernelConfig[]): void {
  for (const config of configs) {
    if (tf.getKernel(config.kernelName, config.backendName) === undefined) tf.registerKernel(config);
  }
}

export function registerGradientConfig(config: GradConfig): void {
  if (tf.getGradient(config.kernelName) === undefined) tf.registerGradient(config);
}
