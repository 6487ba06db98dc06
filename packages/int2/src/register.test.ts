import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { isMobileMMError } from '@mobile-mm/core';
import { Int2MatMul, Int2Pack, Int2Unpack } from './kernel-names.js';
import { registerInt2Kernels, type Int2Backend } from './register.js';
import { registerCpuKernels } from './cpu/index.js';

describe('registerInt2Kernels', () => {
  it('registers the cpu kernels and the gradient, idempotently', () => {
    const warn = console.warn;
    const warnings: unknown[] = [];
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      registerInt2Kernels('cpu');
      registerInt2Kernels('cpu');
      registerInt2Kernels();
      registerCpuKernels();
    } finally {
      console.warn = warn;
    }
    expect(warnings).toEqual([]);
    for (const name of [Int2Pack, Int2Unpack, Int2MatMul]) expect(tf.getKernel(name, 'cpu')).toBeDefined();
    expect(tf.getGradient(Int2MatMul)).toBeDefined();
  });

  it('registers every backend when called without one, webgpu included', () => {
    registerInt2Kernels();
    for (const backend of ['cpu', 'wasm', 'webgl', 'webgpu']) {
      for (const name of [Int2Unpack, Int2MatMul]) expect(tf.getKernel(name, backend), `${name} on ${backend}`).toBeDefined();
    }
    // webgpu has no Int2Pack (webgpu/index.ts says why).
    for (const backend of ['cpu', 'wasm', 'webgl']) expect(tf.getKernel(Int2Pack, backend)).toBeDefined();
    expect(tf.getKernel(Int2Pack, 'webgpu')).toBeUndefined();
  });

  it('rejects an unknown backend name', () => {
    let thrown: unknown;
    try {
      registerInt2Kernels('tpu' as Int2Backend);
    } catch (e) {
      thrown = e;
    }
    expect(isMobileMMError(thrown, 'INVALID_ARGUMENT')).toBe(true);
  });
});
