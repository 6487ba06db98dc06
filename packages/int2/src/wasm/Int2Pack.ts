/**
 * Int2Pack on wasm: w float32 [K, N] → codes int32 [N, Kp·b/32] ('bytes'),
 * scales and mins float32 [N, Kp/G].
 *
 * Packing is a one-off per weight, so SIMD would buy little: this runs the
 * cpu kernel's `int2PackImpl` (bit-identical to quantizeReference) on a view
 * of the input in the backend's heap and copies the three results into the
 * output tensors. Scales and mins are float32: the attributes carry no scale dtype.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { Int2Pack, type Int2PackAttrs, type Int2PackInputs, type QuantAttrs } from '../kernel-names.js';
import { numGroups, packedCodesShape } from '../format.js';
import { int2PackImpl } from '../cpu/Int2Pack.js';
import { checkQuantAttrs, checkTensor } from './validate.js';

function int2Pack(args: { inputs: Int2PackInputs; backend: BackendWasm; attrs: Int2PackAttrs }): TensorInfo[] {
  const { inputs, backend, attrs } = args;
  checkQuantAttrs(Int2Pack, attrs);
  const { bits, groupSize, inDim, outDim } = attrs;
  checkTensor(Int2Pack, 'w', inputs.w, 'float32', [inDim, outDim]);
  const groupShape = [outDim, numGroups(inDim, groupSize)];
  const codes = backend.makeOutput(packedCodesShape(inDim, outDim, bits, groupSize, 'bytes'), 'int32');
  const scales = backend.makeOutput(groupShape, 'float32');
  const mins = backend.makeOutput(groupShape, 'float32');
  // Views only after every allocation: a malloc may grow (and detach) the heap.
  const packed = int2PackImpl(backend.typedArrayFromHeap(inputs.w) as Float32Array, { ...attrs, layout: 'bytes' });
  (backend.typedArrayFromHeap(codes) as Int32Array).set(packed.codes);
  (backend.typedArrayFromHeap(scales) as Float32Array).set(packed.scales);
  (backend.typedArrayFromHeap(mins) as Float32Array).set(packed.mins);
  return [codes, scales, mins];
}

export const int2PackConfig: KernelConfig = {
  kernelName: Int2Pack,
  backendName: 'wasm',
  kernelFunc: int2Pack as unknown as KernelFunc,
};
