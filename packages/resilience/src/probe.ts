/**
 * Health probe for one tfjs backend: make it current, run a 16×16 matMul
 * (256 elements, so webgl computes it on the GPU instead of forwarding small
 * ops to the CPU; 32×32 on webgpu, whose forwarding threshold is 1000
 * elements), read the result back and check it against a plain loop.
 * On webgl, also check that the GL context is not lost. A probe that does
 * not finish within `timeoutMs` counts as failed (a lost context can leave a
 * GPU read waiting forever).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from '@mobile-mm/core';
import { setupBackend } from '@mobile-mm/core/backend';
import { webglContextOf } from './context-loss.js';

export interface ProbeResult {
  backend: BackendName;
  ok: boolean;
  /** Why it failed ('' when ok). */
  reason: string;
  ms: number;
}

/** Side of the probe's square matMul: webgpu forwards inputs under 1000 elements (WEBGPU_CPU_HANDOFF_SIZE_THRESHOLD) to the CPU. */
function probeSize(backend: BackendName): number {
  return backend === 'webgpu' ? 32 : 16;
}
const TOLERANCE = 1e-3; // f16 textures round the inputs (≤ 1 + 15/16, so ≈5e-4 relative)

/** Deterministic inputs in [-1, 1): no zeros, no symmetry. */
function probeInputs(N: number): [Float32Array, Float32Array] {
  const a = new Float32Array(N * N);
  const b = new Float32Array(N * N);
  for (let i = 0; i < N * N; i++) {
    a[i] = ((i * 37) % 64) / 32 - 1 + 1 / 128;
    b[i] = ((i * 11 + 5) % 64) / 32 - 1 + 1 / 128;
  }
  return [a, b];
}

function referenceMatMul(a: Float32Array, b: Float32Array, N: number): Float64Array {
  const out = new Float64Array(N * N);
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) {
    let s = 0;
    for (let k = 0; k < N; k++) s += a[i * N + k] * b[k * N + j];
    out[i * N + j] = s;
  }
  return out;
}

export async function probeBackend(backend: BackendName, options: { timeoutMs?: number } = {}): Promise<ProbeResult> {
  const t0 = performance.now();
  const done = (ok: boolean, reason: string): ProbeResult => ({ backend, ok, reason, ms: performance.now() - t0 });
  const timeoutMs = options.timeoutMs ?? 5000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<ProbeResult>((resolve) => {
    timer = setTimeout(() => resolve(done(false, `no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  const run = async (): Promise<ProbeResult> => {
    // Backends are imported on demand (@mobile-mm/core/backend): start this one through setupBackend, which also
    // points wasm at its binaries (a bundled page sets MOBILE_MM_WASM_PATH; a bare tf.setBackend('wasm') would not use it).
    if (tf.findBackend(backend) == null) await setupBackend(backend).catch(() => undefined);
    if (tf.findBackend(backend) == null && !(await tf.setBackend(backend).catch(() => false))) return done(false, 'not registered or failed to start');
    if (tf.getBackend() !== backend && !(await tf.setBackend(backend))) return done(false, 'tf.setBackend returned false');
    const gl = backend === 'webgl' ? webglContextOf(tf.findBackend('webgl')) : null;
    if (gl && gl.isContextLost()) return done(false, 'WebGL context is lost');
    const N = probeSize(backend);
    const [a, b] = probeInputs(N);
    const ta = tf.tensor2d(a, [N, N]);
    const tb = tf.tensor2d(b, [N, N]);
    const tc = tf.matMul(ta, tb);
    try {
      const got = await tc.data();
      const want = referenceMatMul(a, b, N);
      for (let i = 0; i < want.length; i++) {
        if (!(Math.abs(got[i] - want[i]) <= TOLERANCE * (1 + Math.abs(want[i])))) return done(false, `matMul[${i}] = ${got[i]}, expected ${want[i]}`);
      }
      if (gl && gl.isContextLost()) return done(false, 'WebGL context is lost');
      return done(true, '');
    } finally {
      tf.dispose([ta, tb, tc]);
    }
  };
  try {
    return await Promise.race([run().catch((e: unknown) => done(false, (e as Error)?.message ?? String(e))), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
