/**
 * Two fixes for tfjs-backend-wasm 4.22 (TRAPS.md, wasm section):
 *
 *   segmentSum   registers UnsortedSegmentSum, which the gradient of `gather`
 *                (every embedding) needs and wasm lacks
 *   batchMatMul  replaces BatchMatMul with a kernel that keeps transposed and
 *                batched products on XNNPACK (wasm/BatchMatMul.ts)
 *
 * Registration is global (tfjs's kernel registry) and reversible: the stock
 * BatchMatMul config is kept, so the fix can be switched off and on again for
 * A/B measurement. setupBackend('wasm') calls registerWasmFixes().
 *
 *   registerWasmFixes()                                    // both on
 *   registerWasmFixes({ segmentSum: true, batchMatMul: false }) // stock matmul, gather grads work
 *   unregisterWasmFixes()                                  // stock tfjs-wasm
 */
import {
  BatchMatMul,
  UnsortedSegmentSum,
  getKernel,
  registerKernel,
  unregisterKernel,
  type KernelConfig,
} from '@tensorflow/tfjs-core';
import { MobileMMError } from '../errors.js';
import { createBatchMatMulConfig, type BatchMatMulOptions } from './wasm/BatchMatMul.js';
import { unsortedSegmentSumConfig } from './wasm/UnsortedSegmentSum.js';

export interface WasmFixesOptions {
  /** Register UnsortedSegmentSum on wasm (gather's gradient). Default true. */
  segmentSum?: boolean;
  /** Use the XNNPACK-everywhere BatchMatMul; an object tunes it (measurement). Default true. */
  batchMatMul?: boolean | BatchMatMulOptions;
}

export interface WasmFixesState {
  segmentSum: boolean;
  batchMatMul: boolean;
}

const WASM = 'wasm';

function registered(kernelName: string): KernelConfig | undefined {
  try {
    return getKernel(kernelName, WASM);
  } catch {
    return undefined;
  }
}

// tfjs-wasm's own BatchMatMul, captured the first time we replace it.
let stockBatchMatMul: KernelConfig | undefined;
// Configs we registered, to recognise them in the registry.
let ourSegmentSum: KernelConfig | undefined;
let ourBatchMatMul: KernelConfig | undefined;

function replace(config: KernelConfig): void {
  if (registered(config.kernelName) !== undefined) unregisterKernel(config.kernelName, WASM);
  registerKernel(config);
}

/**
 * Sets which fixes are registered on the wasm backend: each one on unless
 * its option is false (false restores the stock state). Idempotent.
 * Throws BACKEND_UNAVAILABLE when tfjs-backend-wasm's kernels are not loaded.
 */
export function registerWasmFixes(options: WasmFixesOptions = {}): void {
  const segmentSum = options.segmentSum ?? true;
  const batchMatMul = options.batchMatMul ?? true;

  const current = registered(BatchMatMul);
  if (current === undefined && stockBatchMatMul === undefined) {
    throw new MobileMMError(
      'BACKEND_UNAVAILABLE',
      'registerWasmFixes: no BatchMatMul kernel on wasm; import @tensorflow/tfjs-backend-wasm first.'
    );
  }

  if (segmentSum) {
    if (registered(UnsortedSegmentSum) !== unsortedSegmentSumConfig) replace(unsortedSegmentSumConfig);
    ourSegmentSum = unsortedSegmentSumConfig;
  } else {
    removeSegmentSum();
  }

  if (batchMatMul !== false) {
    if (current !== undefined && current !== ourBatchMatMul) stockBatchMatMul = current;
    ourBatchMatMul = createBatchMatMulConfig(stockBatchMatMul!, batchMatMul === true ? {} : batchMatMul);
    replace(ourBatchMatMul);
  } else {
    removeBatchMatMul();
  }
}

/** Back to stock tfjs-backend-wasm: no UnsortedSegmentSum, the original BatchMatMul. */
export function unregisterWasmFixes(): void {
  removeSegmentSum();
  removeBatchMatMul();
}

/** Which fixes are registered now. */
export function wasmFixesState(): WasmFixesState {
  const ss = registered(UnsortedSegmentSum);
  const mm = registered(BatchMatMul);
  return {
    segmentSum: ss !== undefined && ss === ourSegmentSum,
    batchMatMul: mm !== undefined && mm === ourBatchMatMul,
  };
}

function removeSegmentSum(): void {
  // Only ours: a kernel someone else registered under the name stays.
  const current = registered(UnsortedSegmentSum);
  if (current !== undefined && current === ourSegmentSum) unregisterKernel(UnsortedSegmentSum, WASM);
}

function removeBatchMatMul(): void {
  const current = registered(BatchMatMul);
  if (current !== undefined && current === ourBatchMatMul && stockBatchMatMul !== undefined) replace(stockBatchMatMul);
}
