/**
 * The fused decode kernels (MobileMMLayerNorm, MobileMMAttention; contracts in
 * core's layers/fused.ts) for the cpu and wasm backends. Each validates its
 * inputs (on wasm a wrong shape would read past a tensor on the shared heap),
 * then runs impl.ts on the backend's own memory: the cpu backend's typed
 * arrays, the wasm backend's heap (views made after the output is allocated,
 * since allocation may grow the heap).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { FUSED_ATTENTION, FUSED_LAYER_NORM, MobileMMError, type FusedAttentionAttrs, type FusedLayerNormAttrs } from '@mobile-mm/core';
import { attentionImpl, layerNormImpl } from './impl.js';

type Backend = 'cpu' | 'wasm';

function fail(kernel: string, backend: Backend, message: string): never {
  throw new MobileMMError('INVALID_SHAPE', `${kernel} (${backend}): ${message}`);
}

function want(kernel: string, backend: Backend, name: string, t: TensorInfo | undefined, shape: number[]): TensorInfo {
  if (t == null) throw new MobileMMError('INVALID_ARGUMENT', `${kernel} (${backend}): input "${name}" is missing.`);
  if (t.dtype !== 'float32') throw new MobileMMError('INVALID_DTYPE', `${kernel} (${backend}): ${name} has dtype ${t.dtype}; accepted: float32.`);
  if (!tf.util.arraysEqual(t.shape, shape)) fail(kernel, backend, `${name} has shape [${t.shape.join(', ')}]; expected [${shape.join(', ')}].`);
  return t;
}

/** Reads and writes tensors of one backend as Float32Arrays. */
interface Memory {
  /** A new float32 output of `shape`. */
  output(shape: number[]): TensorInfo;
  /** The values of `t` (call after every output() of this kernel call). */
  f32(t: TensorInfo): Float32Array;
}

function memoryOf(backendName: Backend, backend: unknown): Memory {
  if (backendName === 'cpu') {
    const b = backend as MathBackendCPU;
    return {
      output: (shape) => b.makeTensorInfo(shape, 'float32', new Float32Array(tf.util.sizeFromShape(shape))),
      f32: (t) => b.data.get(t.dataId).values as Float32Array,
    };
  }
  const b = backend as BackendWasm;
  return {
    output: (shape) => b.makeOutput(shape, 'float32'),
    f32: (t) => new Float32Array((b.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.buffer, b.dataIdMap.get(t.dataId).memoryOffset, tf.util.sizeFromShape(t.shape)),
  };
}

function layerNormKernel(backendName: Backend): KernelFunc {
  return (args) => {
    const inputs = args.inputs as NamedTensorInfoMap;
    const { epsilon } = args.attrs as unknown as FusedLayerNormAttrs;
    const x = inputs.x;
    if (x == null || x.shape.length < 1) fail(FUSED_LAYER_NORM, backendName, 'x must be a float32 tensor [..., C].');
    const C = x.shape[x.shape.length - 1];
    want(FUSED_LAYER_NORM, backendName, 'x', x, x.shape);
    if (inputs.gamma) want(FUSED_LAYER_NORM, backendName, 'gamma', inputs.gamma, [C]);
    if (inputs.beta) want(FUSED_LAYER_NORM, backendName, 'beta', inputs.beta, [C]);
    if (!(typeof epsilon === 'number' && epsilon > 0)) {
      throw new MobileMMError('INVALID_ARGUMENT', `${FUSED_LAYER_NORM} (${backendName}): epsilon must be a positive number; got ${String(epsilon)}.`);
    }
    const mem = memoryOf(backendName, args.backend);
    const out = mem.output([...x.shape]);
    if (C > 0 && tf.util.sizeFromShape(x.shape) > 0) {
      layerNormImpl(mem.f32(x), C, inputs.gamma ? mem.f32(inputs.gamma) : null, inputs.beta ? mem.f32(inputs.beta) : null, epsilon, mem.f32(out));
    }
    return out;
  };
}

function attentionKernel(backendName: Backend): KernelFunc {
  return (args) => {
    const { q, key, value } = args.inputs as NamedTensorInfoMap;
    const a = args.attrs as unknown as FusedAttentionAttrs;
    const { numHeads: H, headDim: D } = a;
    if (!(Number.isInteger(H) && H > 0 && Number.isInteger(D) && D > 0)) {
      throw new MobileMMError('INVALID_ARGUMENT', `${FUSED_ATTENTION} (${backendName}): numHeads and headDim must be positive integers; got ${H}, ${D}.`);
    }
    if (!(Number.isInteger(a.queryOffset) && a.queryOffset >= 0) || !Number.isFinite(a.scale)) {
      throw new MobileMMError('INVALID_ARGUMENT', `${FUSED_ATTENTION} (${backendName}): queryOffset must be an integer ≥ 0 and scale finite; got ${a.queryOffset}, ${a.scale}.`);
    }
    if (q == null || q.shape.length !== 3) fail(FUSED_ATTENTION, backendName, `q must be [B, T, ${H * D}].`);
    const [B, T] = q.shape;
    want(FUSED_ATTENTION, backendName, 'q', q, [B, T, H * D]);
    if (key == null || key.shape.length !== 4 || key.shape[2] < 1) fail(FUSED_ATTENTION, backendName, `key must be [${B}, ${H}, S ≥ 1, ${D}].`);
    const S = key.shape[2];
    want(FUSED_ATTENTION, backendName, 'key', key, [B, H, S, D]);
    want(FUSED_ATTENTION, backendName, 'value', value, [B, H, S, D]);
    const v = value as TensorInfo;
    const mem = memoryOf(backendName, args.backend);
    const out = mem.output([B, T, H * D]);
    attentionImpl(mem.f32(q), mem.f32(key), mem.f32(v), mem.f32(out), { B, T, H, D, S, scale: a.scale, causal: !!a.causal, queryOffset: a.queryOffset });
    return out;
  };
}

function configs(backendName: Backend): KernelConfig[] {
  return [
    { kernelName: FUSED_LAYER_NORM, backendName, kernelFunc: layerNormKernel(backendName) },
    { kernelName: FUSED_ATTENTION, backendName, kernelFunc: attentionKernel(backendName) },
  ];
}

export const cpuFusedKernelConfigs: KernelConfig[] = configs('cpu');
export const wasmFusedKernelConfigs: KernelConfig[] = configs('wasm');
