/**
 * Int2Unpack on wasm: codes + scales + mins → float32 [K, N], ŵ = scale·q + min.
 * SIMD (int2-simd.wat `unpack`), four columns per f32x4 store, written straight
 * into the output tensor on the backend's heap. Bit-exact with
 * fround(dequantizeReference): the product and sum are done in float64 and
 * rounded once, as the reference does. ≈ 2–2.5 ms per million weights (CPU
 * time, Node 20, any bit width); it serves the gradient (dx = dy·ŵᵀ) and the
 * 'unpack' matmul path.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { Int2Unpack, type Int2UnpackAttrs, type Int2UnpackInputs, type QuantAttrs } from '../kernel-names.js';
import { numGroups, paddedInDim } from '../format.js';
import { beginCall, type WasmCall } from './wasm-module.js';
import { checkPacked, checkQuantAttrs } from './validate.js';

/** Addresses (in the module's memory) of the packed weight. */
export interface PackedPointers {
  codes: number;
  scales: number;
  mins: number;
}

/** Dequantizes into `out` (f32 [K, N] at that address). Inputs are already validated. */
export function int2UnpackImpl(call: WasmCall, w: PackedPointers, out: number, attrs: QuantAttrs): void {
  const { bits, groupSize: G, inDim: K, outDim: N } = attrs;
  const rowBytes = (paddedInDim(K, G) * bits) / 8;
  call.exports.unpack(w.codes, rowBytes, w.scales, w.mins, numGroups(K, G), G, bits, K, N, out);
}

/** Runs the unpack into a new float32 [K, N] tensor on `backend`; the caller owns it. */
export function unpackToTensor(backend: BackendWasm, inputs: Int2UnpackInputs, attrs: QuantAttrs): TensorInfo {
  const out = backend.makeOutput([attrs.inDim, attrs.outDim], 'float32');
  const call = beginCall(backend);
  try {
    const w = { codes: call.input(inputs.codes), scales: call.input(inputs.scales), mins: call.input(inputs.mins) };
    int2UnpackImpl(call, w, call.output(out), attrs);
  } catch (e) {
    backend.disposeData(out.dataId);
    throw e;
  } finally {
    call.end();
  }
  return out;
}

function int2Unpack(args: { inputs: Int2UnpackInputs; backend: BackendWasm; attrs: Int2UnpackAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  checkQuantAttrs(Int2Unpack, attrs);
  checkPacked(Int2Unpack, inputs, attrs);
  return unpackToTensor(backend, inputs, attrs);
}

export const int2UnpackConfig: KernelConfig = {
  kernelName: Int2Unpack,
  backendName: 'wasm',
  kernelFunc: int2Unpack as unknown as KernelFunc,
};
