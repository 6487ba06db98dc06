/**
 * Our SIMD module (int2-simd.wat) and the memory it runs on.
 *
 * The memory question: the tfjs wasm backend keeps every tensor in its own
 * Emscripten heap (`backend.wasm.HEAPU8`, a tensor at
 * `dataIdMap.get(dataId).memoryOffset`), while a separately instantiated
 * module normally has a linear memory of its own. Our module *imports* its
 * memory instead, and we instantiate it with the backend's WebAssembly.Memory
 * (`backend.wasm.asm.memory`, what Emscripten exports as "memory"). The
 * kernels then read x/codes/scales/mins and write the output tensor in place:
 * no copy, no per-tensor cache and so nothing to invalidate. Scratch (the
 * quantized activations) comes from the backend's `_malloc`/`_free`, so it
 * never collides with tensors, and is freed before the kernel returns.
 * Memory growth is harmless: the instance holds the Memory object, not a view,
 * and JS views are rebuilt from `memory.buffer` on every use.
 *
 * Measured (scripts/bench-wasm.mjs, 2-bit, G = 64, CPU ms per call): copying
 * x, codes, scales and mins in and y out on every call ('copy' mode) costs
 * GEMV [1,2048]×[2048,2048] 0.364 instead of 0.239 (+52 %: 1.5 MiB copied for
 * 4 M multiply-adds), [1,1024]² 0.072 instead of 0.063, [16,2048] 3.45 instead
 * of 3.26. A per-tensor copy cache would save most of that but must be
 * invalidated when tfjs frees and reuses the memory; sharing the heap needs
 * neither.
 *
 * Fallback ('copy' mode): where that Memory is not reachable or is shared (the
 * threaded-SIMD build, in cross-origin-isolated pages, whose memory is a
 * SharedArrayBuffer), the module gets a memory of its own and each call copies
 * its inputs in and its output back. Same code, same results, slower.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { MobileMMError } from '@mobile-mm/core';
import { INT2_SIMD_WASM_BASE64 } from './int2-simd.generated.js';

/** The exports of int2-simd.wat (all pointers are byte offsets in the module's memory). */
export interface Int2SimdExports {
  quant_act(
    x: number,
    M: number,
    K: number,
    G: number,
    ng: number,
    bits: number,
    qmax: number,
    xq: number,
    stride: number,
    sa: number,
    xs: number,
    xsT: number,
    saT: number,
  ): void;
  unpack(
    codes: number,
    rowBytes: number,
    scales: number,
    mins: number,
    ng: number,
    G: number,
    bits: number,
    K: number,
    N: number,
    out: number,
  ): void;
  mm2_r4: MatMulBlockFn;
  mm2_r1c4: MatMulBlockFn;
  mm2_r1: MatMulBlockFn;
  mm4_r4: MatMulBlockFn;
  mm4_r1c4: MatMulBlockFn;
  mm4_r1: MatMulBlockFn;
  mm8_r4: MatMulBlockFn;
  mm8_r1c4: MatMulBlockFn;
  mm8_r1: MatMulBlockFn;
}

/** Rows m0.. (4 for _r4, 1 otherwise) × columns [n0, n1) of y (see int2-simd.wat). */
export type MatMulBlockFn = (
  m0: number,
  xq: number,
  stride: number,
  sa: number,
  xs: number,
  xsT: number,
  saT: number,
  M: number,
  codes: number,
  rowBytes: number,
  lastCol: number,
  scales: number,
  mins: number,
  ng: number,
  bias: number,
  hasBias: number,
  out: number,
  N: number,
  cps: number,
  pair: number,
  n0: number,
  n1: number,
) => void;

/** Pointers a kernel works with during one call, and their release. */
export interface WasmCall {
  readonly exports: Int2SimdExports;
  /** True when pointers are the backend's own heap offsets (no copies). */
  readonly zeroCopy: boolean;
  /** Address of a tensor's bytes (copied into the module's memory in copy mode). */
  input(t: TensorInfo): number;
  /** Address where an output tensor's bytes are to be written. */
  output(t: TensorInfo): number;
  /** Uninitialised scratch of `bytes` bytes, 16-byte aligned, valid until end(). */
  scratch(bytes: number): number;
  /** The module's memory now (re-read after any allocation: it may have grown). */
  buffer(): ArrayBuffer;
  /** Copies outputs back (copy mode) and frees scratch. Call exactly once, in `finally`. */
  end(): void;
}

export type WasmMemoryMode = 'auto' | 'copy';

let memoryMode: WasmMemoryMode = 'auto';

/**
 * 'auto' (default) shares the backend's heap where possible; 'copy' forces the
 * fallback, for tests and for measuring what sharing saves.
 */
export function setWasmMemoryMode(mode: WasmMemoryMode): void {
  if (mode !== 'auto' && mode !== 'copy') {
    throw new MobileMMError('INVALID_ARGUMENT', `setWasmMemoryMode: "${String(mode)}"; accepted: auto, copy.`);
  }
  memoryMode = mode;
}

export function getWasmMemoryMode(): WasmMemoryMode {
  return memoryMode;
}

let compiled: WebAssembly.Module | null = null;

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Compiles the embedded module once (synchronous: it is a few KiB). */
function compiledModule(): WebAssembly.Module {
  if (compiled === null) {
    try {
      compiled = new WebAssembly.Module(decodeBase64(INT2_SIMD_WASM_BASE64));
    } catch (e) {
      throw new MobileMMError(
        'BACKEND_UNAVAILABLE',
        `int2 wasm kernels: this engine cannot compile the SIMD module (${(e as Error).message}). ` +
          'WebAssembly SIMD is required (Node ≥ 16.4, Chrome ≥ 91, Firefox ≥ 89, Safari ≥ 16.4).',
      );
    }
  }
  return compiled;
}

interface EmscriptenHeap {
  HEAPU8: Uint8Array;
  asm?: { memory?: unknown };
  _malloc(bytes: number): number;
  _free(ptr: number): void;
}

function heapOf(backend: BackendWasm): EmscriptenHeap {
  return backend.wasm as unknown as EmscriptenHeap;
}

/** The backend's Memory when our module can import it (non-shared, and really the heap). */
function shareableMemory(backend: BackendWasm): WebAssembly.Memory | null {
  const heap = heapOf(backend);
  const mem = heap.asm?.memory;
  if (!(mem instanceof WebAssembly.Memory)) return null;
  if (typeof SharedArrayBuffer !== 'undefined' && mem.buffer instanceof SharedArrayBuffer) return null;
  if (mem.buffer !== heap.HEAPU8.buffer) return null;
  return mem;
}

interface Binding {
  exports: Int2SimdExports;
  memory: WebAssembly.Memory;
  zeroCopy: boolean;
}

const sharedBindings = new WeakMap<object, Binding>();
let copyBinding: Binding | null = null;

function instantiate(memory: WebAssembly.Memory, zeroCopy: boolean): Binding {
  const instance = new WebAssembly.Instance(compiledModule(), { env: { memory } });
  return { exports: instance.exports as unknown as Int2SimdExports, memory, zeroCopy };
}

/** Lazily instantiated on first use, once per backend heap (or once for copy mode). */
function binding(backend: BackendWasm): Binding {
  if (memoryMode === 'auto') {
    const mem = shareableMemory(backend);
    if (mem !== null) {
      let b = sharedBindings.get(mem);
      if (b === undefined) {
        b = instantiate(mem, true);
        sharedBindings.set(mem, b);
      }
      return b;
    }
  }
  if (copyBinding === null) copyBinding = instantiate(new WebAssembly.Memory({ initial: 16 }), false);
  return copyBinding;
}

function byteLength(t: TensorInfo): number {
  let n = 1;
  for (const d of t.shape) n *= d;
  return n * 4; // float32 and int32 only
}

const ALIGN = 16;
/** Kept free below every copy-mode block, so reading a few bytes before one stays in memory. */
const GUARD = 64;

/** Starts one kernel call on `backend`. */
export function beginCall(backend: BackendWasm): WasmCall {
  const b = binding(backend);
  return b.zeroCopy ? sharedCall(backend, b) : copyCall(backend, b);
}

function sharedCall(backend: BackendWasm, b: Binding): WasmCall {
  const heap = heapOf(backend);
  const allocated: number[] = [];
  return {
    exports: b.exports,
    zeroCopy: true,
    input: (t) => backend.dataIdMap.get(t.dataId).memoryOffset,
    output: (t) => backend.dataIdMap.get(t.dataId).memoryOffset,
    scratch(bytes) {
      // Over-allocate to align to 16 (malloc gives 8 on wasm32).
      const raw = heap._malloc(bytes + ALIGN) >>> 0;
      if (raw === 0) throw new MobileMMError('OUT_OF_MEMORY', `int2 wasm: cannot allocate ${bytes} bytes of scratch.`);
      allocated.push(raw);
      return (raw + ALIGN - 1) & ~(ALIGN - 1);
    },
    buffer: () => b.memory.buffer,
    end() {
      for (const p of allocated) heap._free(p);
      allocated.length = 0;
    },
  };
}

function copyCall(backend: BackendWasm, b: Binding): WasmCall {
  let top = GUARD;
  const outputs: { t: TensorInfo; ptr: number }[] = [];
  const reserve = (bytes: number): number => {
    const ptr = (top + ALIGN - 1) & ~(ALIGN - 1);
    top = ptr + bytes + GUARD;
    const need = top - b.memory.buffer.byteLength;
    if (need > 0) b.memory.grow(Math.ceil(need / 65536));
    return ptr;
  };
  return {
    exports: b.exports,
    zeroCopy: false,
    input(t) {
      const bytes = byteLength(t);
      const ptr = reserve(bytes);
      const src = backend.dataIdMap.get(t.dataId).memoryOffset;
      new Uint8Array(b.memory.buffer, ptr, bytes).set(heapOf(backend).HEAPU8.subarray(src, src + bytes));
      return ptr;
    },
    output(t) {
      const ptr = reserve(byteLength(t));
      outputs.push({ t, ptr });
      return ptr;
    },
    scratch: reserve,
    buffer: () => b.memory.buffer,
    end() {
      for (const { t, ptr } of outputs) {
        if (!backend.dataIdMap.has(t.dataId)) continue; // disposed after a failure
        const bytes = byteLength(t);
        const dst = backend.dataIdMap.get(t.dataId).memoryOffset;
        heapOf(backend).HEAPU8.set(new Uint8Array(b.memory.buffer, ptr, bytes), dst);
      }
      outputs.length = 0;
    },
  };
}
