/**
 * The few parts of tfjs-backend-wasm 4.22's BackendWasm that our JS kernels
 * touch, typed structurally (the package's own typings mark some private).
 * Checked once per backend by `asWasmBackend`, so a future tfjs that renames
 * them makes the kernels fall back instead of corrupting memory.
 *
 * Heap rules (TRAPS.md): never keep a HEAPU8/Float32Array view across a call
 * that can allocate (`makeOutput`, any C kernel): wasm memory can grow, which
 * detaches every view. Offsets (plain numbers) stay valid.
 */
import type { DataId, DataType, TensorInfo } from '@tensorflow/tfjs-core';

/** The Emscripten module of tfjs-backend-wasm (dist/backend_wasm.js sets `tfjs`). */
export interface WasmModuleLike {
  HEAPU8: Uint8Array;
  cwrap(name: string, returnType: null, argTypes: string[]): (...args: unknown[]) => void;
  tfjs: {
    /** register_tensor(id, size, memoryOffset): the C side's id → buffer map. */
    registerTensor(id: number, size: number, memoryOffset: number): void;
    /** dispose_data(id): forgets the id and drops XNNPACK operators cached on it; frees nothing. */
    disposeData(id: number): void;
  };
}

export interface WasmTensorData {
  id: number;
  memoryOffset: number;
  shape: number[];
  dtype: DataType;
}

export interface WasmBackendLike {
  wasm: WasmModuleLike;
  dataIdNextNumber: number;
  dataIdMap: { get(dataId: DataId): WasmTensorData | undefined };
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  disposeData(dataId: DataId, force?: boolean): boolean;
}

const checked = new WeakMap<object, boolean>();

/** The backend as WasmBackendLike when it has every member we use, else null. */
export function asWasmBackend(backend: unknown): WasmBackendLike | null {
  if (typeof backend !== 'object' || backend === null) return null;
  let ok = checked.get(backend);
  if (ok === undefined) {
    const b = backend as Partial<WasmBackendLike>;
    ok =
      typeof b.dataIdNextNumber === 'number' &&
      typeof b.dataIdMap?.get === 'function' &&
      typeof b.makeOutput === 'function' &&
      typeof b.disposeData === 'function' &&
      b.wasm?.HEAPU8 instanceof Uint8Array &&
      typeof b.wasm?.cwrap === 'function' &&
      typeof b.wasm?.tfjs?.registerTensor === 'function' &&
      typeof b.wasm?.tfjs?.disposeData === 'function';
    checked.set(backend, ok);
  }
  return ok ? (backend as WasmBackendLike) : null;
}

/** Heap record of a tensor; throws if the backend does not know it. */
export function tensorData(backend: WasmBackendLike, t: TensorInfo): WasmTensorData {
  const data = backend.dataIdMap.get(t.dataId);
  if (data === undefined) throw new Error(`wasm: tensor data for shape [${t.shape}] is not on this backend`);
  return data;
}

/** Fresh Float32Array/Int32Array over a tensor's heap bytes (valid until the next allocation). */
export function heapView(backend: WasmBackendLike, t: TensorInfo, size: number): Float32Array | Int32Array {
  const { memoryOffset } = tensorData(backend, t);
  const buffer = backend.wasm.HEAPU8.buffer;
  switch (t.dtype) {
    case 'float32':
      return new Float32Array(buffer, memoryOffset, size);
    case 'int32':
      return new Int32Array(buffer, memoryOffset, size);
    default:
      throw new Error(`wasm: no heap view for dtype ${t.dtype}`);
  }
}

/**
 * Registers a C-side tensor id over `size` float32 elements of memory that
 * belongs to another tensor (no copy, no allocation). Release it with
 * `releaseView`, never with `_free`.
 */
export function registerView(backend: WasmBackendLike, memoryOffset: number, size: number): number {
  const id = backend.dataIdNextNumber++;
  backend.wasm.tfjs.registerTensor(id, size, memoryOffset);
  return id;
}

/** Forgets a view id (and any XNNPACK operator cached on it). Does not free memory. */
export function releaseView(backend: WasmBackendLike, id: number): void {
  backend.wasm.tfjs.disposeData(id);
}
