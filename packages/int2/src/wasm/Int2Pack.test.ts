/** Int2Pack and Int2Unpack on wasm: bit-exact with the scalar reference (reference.ts). */
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { describeBackends, expectNoLeak } from '@mobile-mm/core/test-utils';
import { FUSED_ATTENTION, FUSED_LAYER_NORM, isMobileMMError, type MobileMMErrorCode } from '@mobile-mm/core';
import { Int2MatMul, Int2Pack, Int2Unpack, type Bits, type QuantAttrs } from '../kernel-names.js';
import { registerWasmKernels, setWasmMemoryMode, wasmKernelConfigs } from './index.js';
import { canonicalToLayout, dequantizeReference, quantizeReference } from '../reference.js';
import { packedTensors, refWeight } from './__fixtures__/wasm-cases.js';

const WASM_ONLY = { envs: [{ name: 'wasm', backend: 'wasm' as const }] };
const attrMap = (a: QuantAttrs) => a as unknown as tf.NamedAttrMap;

function expectCode(fn: () => tf.Tensor | tf.Tensor[], code: MobileMMErrorCode): void {
  let err: unknown;
  try {
    tf.dispose(fn());
  } catch (e) {
    err = e;
  }
  expect(isMobileMMError(err, code), String(err)).toBe(true);
}

/** [K, N]: K = 200 is not a multiple of any G, N = 77 is odd (3 tail columns for the f32x4 unpack). */
const SHAPES: [number, number][] = [
  [200, 77],
  [64, 4],
  [20, 3],
  [512, 130],
];

describeBackends(
  'wasm Int2Pack / Int2Unpack',
  () => {
    beforeAll(() => registerWasmKernels());
    afterEach(() => setWasmMemoryMode('auto'));

    for (const bits of [2, 4, 8] as Bits[]) {
      for (const G of [32, 64, 128]) {
        it(`${bits}-bit, G ${G}: pack is bit-exact with quantizeReference`, async () => {
          await expectNoLeak(() => {
            for (const [K, N] of SHAPES) {
              const ref = refWeight(bits, G, K, N, K * N + bits + G);
              const w = tf.tensor2d(ref.w, [K, N]);
              const [codes, scales, mins] = tf.engine().runKernel(Int2Pack, { w }, attrMap(ref.attrs)) as tf.Tensor[];
              expect(codes.dtype).toBe('int32');
              expect(codes.shape).toEqual(ref.codesShape);
              expect(codes.dataSync()).toEqual(ref.codes);
              expect(scales.dataSync()).toEqual(ref.scales);
              expect(mins.dataSync()).toEqual(ref.mins);
              tf.dispose([w, codes, scales, mins]);
            }
          });
        });

        it(`${bits}-bit, G ${G}: unpack is bit-exact with fround(dequantizeReference)`, async () => {
          await expectNoLeak(() => {
            for (const [K, N] of SHAPES) {
              const ref = refWeight(bits, G, K, N, K + N + bits * G);
              const p = packedTensors(ref);
              const w = tf.engine().runKernel(Int2Unpack, p, attrMap(ref.attrs)) as tf.Tensor;
              expect(w.shape).toEqual([K, N]);
              expect(w.dataSync()).toEqual(Float32Array.from(ref.wHat));
              tf.dispose([w, p.codes, p.scales, p.mins]);
            }
          });
        });
      }
    }

    it('special groups (constant → scale 0, signed zeros, 1e-30 next to 1e30): pack and unpack still match the reference', () => {
      const K = 96;
      const N = 5;
      const w = new Float32Array(K * N);
      for (let k = 0; k < K; k++) {
        w[k * N + 0] = 1.5; // constant column: scale 0, q 0, ŵ = min
        w[k * N + 1] = k % 2 === 0 ? -0 : 0; // signed zeros: the first one seen is the min
        w[k * N + 2] = k < 32 ? 1e-30 * k : -1e30 * (k % 3); // tiny and huge ranges in different groups
        w[k * N + 3] = Math.sin(k);
        w[k * N + 4] = k;
      }
      for (const bits of [2, 4, 8] as Bits[]) {
        const attrs: QuantAttrs = { bits, groupSize: 32, inDim: K, outDim: N, layout: 'bytes' };
        const canon = quantizeReference(w, K, N, { bits, groupSize: 32, scaleDtype: 'float32' });
        const wt = tf.tensor2d(w, [K, N]);
        const [codes, scales, mins] = tf.engine().runKernel(Int2Pack, { w: wt }, attrMap(attrs)) as tf.Tensor[];
        expect(codes.dataSync()).toEqual(canonicalToLayout(canon.codes, K, N, bits, 32, 'bytes'));
        expect(scales.dataSync()).toEqual(canon.scales);
        expect(mins.dataSync()).toEqual(canon.mins);
        expect(Object.is(mins.dataSync()[3], -0), 'min of the signed-zero column is -0').toBe(true);
        const back = tf.engine().runKernel(Int2Unpack, { codes, scales, mins }, attrMap(attrs)) as tf.Tensor;
        const wHat = back.dataSync();
        expect(wHat).toEqual(Float32Array.from(dequantizeReference(canon, K, N, { bits, groupSize: 32 })));
        for (let k = 0; k < K; k++) expect(wHat[k * N + 0]).toBe(1.5);
        tf.dispose([wt, codes, scales, mins, back]);
      }
    });

    it('copy mode (own memory) unpacks identically', () => {
      setWasmMemoryMode('copy');
      for (const bits of [2, 4, 8] as Bits[]) {
        const ref = refWeight(bits, 64, 200, 77, bits);
        const p = packedTensors(ref);
        const w = tf.engine().runKernel(Int2Unpack, p, attrMap(ref.attrs)) as tf.Tensor;
        expect(w.dataSync()).toEqual(Float32Array.from(ref.wHat));
        tf.dispose([w, p.codes, p.scales, p.mins]);
      }
    });

    it('registerWasmKernels is idempotent and registers the three wasm kernels and the two fused decode kernels', () => {
      registerWasmKernels();
      registerWasmKernels();
      for (const config of wasmKernelConfigs) {
        expect(config.backendName).toBe('wasm');
        expect(tf.getKernel(config.kernelName, 'wasm')?.kernelFunc).toBe(config.kernelFunc);
      }
      expect(wasmKernelConfigs.map((c) => c.kernelName).sort()).toEqual([Int2MatMul, Int2Pack, Int2Unpack, FUSED_ATTENTION, FUSED_LAYER_NORM].sort());
    });

    it('bad input → MobileMMError with a code', () => {
      const ref = refWeight(2, 64, 128, 8, 1);
      const p = packedTensors(ref);
      const w = tf.tensor2d(ref.w, [128, 8]);
      const wInt = tf.zeros([128, 8], 'int32');
      const pack = (inputs: tf.NamedTensorMap, attrs: QuantAttrs) =>
        tf.engine().runKernel(Int2Pack, inputs, attrMap(attrs)) as tf.Tensor[];
      const unpack = (inputs: tf.NamedTensorMap, attrs: QuantAttrs) =>
        tf.engine().runKernel(Int2Unpack, inputs, attrMap(attrs)) as tf.Tensor;
      expectCode(() => pack({ w }, { ...ref.attrs, inDim: 100 }), 'INVALID_SHAPE');
      expectCode(() => pack({ w: wInt }, ref.attrs), 'INVALID_DTYPE');
      expectCode(() => pack({ w }, { ...ref.attrs, layout: 'webgl-f16' }), 'UNSUPPORTED');
      expectCode(() => pack({ w }, { ...ref.attrs, bits: 1 as Bits }), 'INVALID_ARGUMENT');
      expectCode(() => unpack({ ...p, codes: tf.slice(p.codes, [0, 0], [4, 4]) }, ref.attrs), 'INVALID_SHAPE');
      expectCode(() => unpack({ ...p, mins: wInt }, ref.attrs), 'INVALID_DTYPE');
      expectCode(
        () => unpack({ codes: p.codes, scales: p.scales } as tf.NamedTensorMap, ref.attrs),
        'INVALID_ARGUMENT',
      );
      expectCode(() => unpack(p, { ...ref.attrs, groupSize: 16 }), 'INVALID_ARGUMENT');
      tf.dispose([w, wInt, p.codes, p.scales, p.mins]);
    });
  },
  WASM_ONLY,
);
