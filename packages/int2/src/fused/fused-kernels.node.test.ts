/**
 * The fused decode kernels (MobileMMLayerNorm, MobileMMAttention) on every
 * backend they are registered on (cpu, wasm), against scalar float64 loops
 * written here from the definitions, on random inputs, with leak checks; then
 * the layers that use them (LayerNorm, MultiHeadAttention, a TextDecoder
 * decode step) against their composite tfjs path in the same process.
 *
 * Tolerance: the kernels accumulate in float64 and round once, so against
 * float64 they are within float32 rounding of the output:
 *   |y − y64| ≤ 2e-6 + 2e-6·|y64|    (layer norm and attention)
 * Layers, fused vs composite (the composite rounds every op to float32):
 *   |y_fused − y_composite| ≤ 2e-5 + 2e-5·|y|, greedy token ids identical;
 * for the INT2 decoder 1e-3 + 1e-3·|y| (INT2_LAYER_TOL): the wasm Int2MatMul
 * rounds its activations to int16 per group (≤ 1.5e-5 of the group's max,
 * wasm/Int2MatMul.ts), and an input one float32 ulp away can round to the
 * neighbouring integer; measured worst 8e-5 on logits of magnitude ≈ 1.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, expect, it } from 'vitest';
import { describeBackends, expectNoLeak, randn } from '@mobile-mm/core/test-utils';
import {
  FUSED_ATTENTION,
  FUSED_LAYER_NORM,
  LayerNorm,
  MultiHeadAttention,
  TextDecoder as CoreTextDecoder,
  fusedKernelAvailable,
  isMobileMMError,
  setFusedKernelsEnabled,
  type KVCache,
} from '@mobile-mm/core';
import { registerInt2Kernels } from '../register.js';
import { linearFormat } from '../linear-format.js';
import { quantizedMatMul } from '../ops.js';
import { QuantizedTensor } from '../quantized-tensor.js';
import { quantizeReference } from '../reference.js';
import type { Bits } from '../kernel-names.js';

const ATOL = 2e-6;
const RTOL = 2e-6;
const LAYER_TOL = 2e-5;
const INT2_LAYER_TOL = 1e-3;

function expectNear(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol: number, label: string): void {
  expect(actual.length, label).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= atol + rtol * Math.abs(expected[i]))) throw new Error(`${label}[${i}] = ${actual[i]}, want ${expected[i]} (err ${err})`);
  }
}

/** LayerNorm over the last dim, float64. */
function layerNorm64(x: Float32Array, C: number, g: Float32Array | null, b: Float32Array | null, eps: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let r = 0; r < x.length / C; r++) {
    const row = Array.from(x.subarray(r * C, (r + 1) * C));
    const mean = row.reduce((s, v) => s + v, 0) / C;
    const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / C;
    row.forEach((v, c) => (out[r * C + c] = ((v - mean) / Math.sqrt(variance + eps)) * (g ? g[c] : 1) + (b ? b[c] : 0)));
  }
  return out;
}

/** softmax(scale·q·kᵀ, masked keys at −∞)·v per (b, t, h), float64; q [B,T,H·D], k/v [B,H,S,D]. */
function attention64(q: Float32Array, k: Float32Array, v: Float32Array, B: number, T: number, H: number, D: number, S: number, scale: number, causal: boolean, offset: number): Float64Array {
  const out = new Float64Array(B * T * H * D);
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++)
      for (let h = 0; h < H; h++) {
        const scores = Array.from({ length: S }, (_, j) => {
          if (causal && j > offset + t) return -Infinity;
          let s = 0;
          for (let d = 0; d < D; d++) s += q[((b * T + t) * H + h) * D + d] * k[((b * H + h) * S + j) * D + d];
          return s * scale;
        });
        const max = Math.max(...scores);
        const w = scores.map((s) => Math.exp(s - max));
        const total = w.reduce((a, c) => a + c, 0);
        for (let d = 0; d < D; d++) {
          let acc = 0;
          for (let j = 0; j < S; j++) acc += (w[j] / total) * v[((b * H + h) * S + j) * D + d];
          out[((b * T + t) * H + h) * D + d] = acc;
        }
      }
  return out;
}

const f32 = (n: number, seed: number, std = 1) => Float32Array.from(randn(n, seed, std));

describeBackends('fused decode kernels', (env) => {
  it('are registered by registerInt2Kernels and used outside gradients only', () => {
    registerInt2Kernels(env.backend as 'cpu' | 'wasm');
    expect(fusedKernelAvailable(FUSED_LAYER_NORM)).toBe(true);
    expect(fusedKernelAvailable(FUSED_ATTENTION)).toBe(true);
    let inside: boolean | null = null;
    const x = tf.ones([2]);
    const dx = tf.grad((v: tf.Tensor) => {
      inside = fusedKernelAvailable(FUSED_LAYER_NORM);
      return tf.sum(v);
    })(x);
    expect(inside).toBe(false);
    tf.dispose([x, dx]);
  });

  for (const [rows, C, affine] of [[1, 128, true], [3, 37, false], [70, 512, true]] as const) {
    it(`MobileMMLayerNorm [${rows}, ${C}]${affine ? ' with gamma, beta' : ''} vs float64`, async () => {
      registerInt2Kernels(env.backend as 'cpu' | 'wasm');
      const x = f32(rows * C, rows + C, 3);
      for (let i = 0; i < C; i++) x[i] += 5; // an offset row: the mean matters
      const g = affine ? f32(C, 11) : null;
      const b = affine ? f32(C, 12) : null;
      const got = await expectNoLeak(async () => {
        const xt = tf.tensor2d(x, [rows, C]);
        const inputs: tf.NamedTensorMap = { x: xt };
        if (g && b) Object.assign(inputs, { gamma: tf.tensor1d(g), beta: tf.tensor1d(b) });
        const y = tf.engine().runKernel(FUSED_LAYER_NORM, inputs, { epsilon: 1e-5 }) as tf.Tensor;
        expect(y.shape).toEqual([rows, C]);
        const data = await y.data();
        tf.dispose([y, ...Object.values(inputs)]);
        return data;
      });
      expectNear(got, layerNorm64(x, C, g, b, 1e-5), ATOL, RTOL, 'layer norm');
    });
  }

  const attentionCases = [
    // [B, T, H, D, S, causal, offset]
    [1, 1, 4, 32, 9, true, 8], // a decode step: the 9th token over the self-attention cache
    [1, 1, 8, 64, 64, false, 0], // a decode step's cross-attention to 64 memory tokens
    [2, 5, 3, 8, 5, true, 0], // a prompt: causal within itself
    [2, 3, 2, 16, 7, true, 4], // three new tokens after four cached ones
    [1, 4, 2, 4, 1, false, 0], // one key
    [1, 2, 3, 7, 5, true, 3], // a head size that is not a multiple of 4 (the kernel's unrolled loops have tails)
  ] as const;
  for (const [B, T, H, D, S, causal, offset] of attentionCases) {
    it(`MobileMMAttention B ${B}, T ${T}, H ${H}, D ${D}, S ${S}${causal ? `, causal offset ${offset}` : ''} vs float64`, async () => {
      registerInt2Kernels(env.backend as 'cpu' | 'wasm');
      const seed = B * 1000 + T * 100 + S;
      const q = f32(B * T * H * D, seed, 1);
      const k = f32(B * H * S * D, seed + 1, 1);
      const v = f32(B * H * S * D, seed + 2, 1);
      const scale = 1 / Math.sqrt(D);
      const got = await expectNoLeak(async () => {
        const inputs = { q: tf.tensor3d(q, [B, T, H * D]), key: tf.tensor4d(k, [B, H, S, D]), value: tf.tensor4d(v, [B, H, S, D]) };
        const y = tf.engine().runKernel(FUSED_ATTENTION, inputs, { numHeads: H, headDim: D, scale, causal, queryOffset: offset }) as tf.Tensor;
        expect(y.shape).toEqual([B, T, H * D]);
        const data = await y.data();
        tf.dispose([y, ...Object.values(inputs)]);
        return data;
      });
      expectNear(got, attention64(q, k, v, B, T, H, D, S, scale, causal, offset), ATOL, RTOL, 'attention');
    });
  }

  it('reject inconsistent shapes with a typed error and leak nothing', async () => {
    registerInt2Kernels(env.backend as 'cpu' | 'wasm');
    await expectNoLeak(() => {
      const q = tf.zeros([1, 1, 8]);
      const k = tf.zeros([1, 2, 3, 4]);
      const vBad = tf.zeros([1, 2, 2, 4]);
      const run = (inputs: tf.NamedTensorMap, attrs: object) => () => tf.engine().runKernel(FUSED_ATTENTION, inputs, attrs as tf.NamedAttrMap);
      const attrs = { numHeads: 2, headDim: 4, scale: 0.5, causal: false, queryOffset: 0 };
      expect(run({ q, key: k, value: vBad }, attrs)).toThrow(expect.objectContaining({ code: 'INVALID_SHAPE' }));
      expect(run({ q, key: k, value: k }, { ...attrs, headDim: 3 })).toThrow(expect.objectContaining({ code: 'INVALID_SHAPE' }));
      const x = tf.zeros([2, 6]);
      const g = tf.zeros([5]);
      let err: unknown;
      try {
        tf.engine().runKernel(FUSED_LAYER_NORM, { x, gamma: g }, { epsilon: 1e-5 });
      } catch (e) {
        err = e;
      }
      expect(isMobileMMError(err, 'INVALID_SHAPE')).toBe(true);
      tf.dispose([q, k, vBad, x, g]);
    });
  });
});

describeBackends('Int2MatMul with the fused gelu epilogue', (env) => {
  const gelu64 = (y: number) => y / (1 + Math.exp(-1.702 * y));
  for (const [bits, M, K, N] of [[2, 1, 256, 300], [2, 5, 130, 64], [4, 3, 64, 70]] as [Bits, number, number, number][]) {
    it(`bits ${bits}, [${M}, ${K}] · [${K}, ${N}] + bias: gelu(y) of the kernel's own linear output, in float64`, async () => {
      registerInt2Kernels(env.backend as 'cpu' | 'wasm');
      const w = Float32Array.from(randn(K * N, bits + K, 0.2));
      const q = QuantizedTensor.fromCanonical({ ...quantizeReference(w, K, N, { bits, groupSize: 64, scaleDtype: 'float32' }), inDim: K, outDim: N, bits, groupSize: 64, scaleDtype: 'float32' });
      const x = tf.tensor2d(f32(M * K, M + N, 1), [M, K]);
      const bias = tf.tensor1d(f32(N, 70, 0.5));
      const [lin, fused] = await expectNoLeak(async () => {
        const a = quantizedMatMul(x, q, bias);
        const b = q.matMulGelu(x, bias);
        const out = [(await a.data()) as Float32Array, (await b.data()) as Float32Array];
        tf.dispose([a, b]);
        return out;
      });
      expectNear(fused, Float64Array.from(lin, gelu64), 1e-6, 1e-6, 'gelu epilogue');
      // Under a gradient tape the epilogue runs as tfjs ops (the kernel has no gradient for it): same values, and a gradient.
      const g = tf.grad((xv: tf.Tensor) => tf.sum(q.matMulGelu(xv as tf.Tensor2D, bias)))(x);
      const gRef = tf.grad((xv: tf.Tensor) => {
        const y = quantizedMatMul(xv as tf.Tensor2D, q, bias);
        return tf.sum(tf.mul(y, tf.sigmoid(tf.mul(y, 1.702))));
      })(x);
      expectNear((await g.data()) as Float32Array, Float64Array.from((await gRef.data()) as Float32Array), 1e-5, 1e-5, 'gradient');
      tf.dispose([g, gRef, x, bias]);
      q.dispose();
    });
  }

  it('rejects an unknown activation with INVALID_ARGUMENT', () => {
    registerInt2Kernels(env.backend as 'cpu' | 'wasm');
    const q = QuantizedTensor.fromCanonical({ ...quantizeReference(new Float32Array(64 * 4).fill(1), 64, 4, { bits: 2, groupSize: 64, scaleDtype: 'float32' }), inDim: 64, outDim: 4, bits: 2, groupSize: 64, scaleDtype: 'float32' });
    const x = tf.ones([1, 64]) as tf.Tensor2D;
    const inputs = { x, codes: q.codes, scales: q.scales, mins: q.mins };
    expect(() => tf.engine().runKernel('Int2MatMul', inputs, { ...q.attrs, activation: 'tanh' } as unknown as tf.NamedAttrMap)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    x.dispose();
    q.dispose();
  });
});

describeBackends('layers on the fused kernels vs their composite path', (env) => {
  afterEach(() => setFusedKernelsEnabled(true));

  /** Runs `body` with the fused kernels on and off; returns both results. */
  async function bothWays(body: () => Promise<Float32Array>): Promise<[Float32Array, Float32Array]> {
    registerInt2Kernels(env.backend as 'cpu' | 'wasm');
    setFusedKernelsEnabled(true);
    const fused = await expectNoLeak(body);
    setFusedKernelsEnabled(false);
    const composite = await expectNoLeak(body);
    setFusedKernelsEnabled(true);
    return [fused, composite];
  }

  it('LayerNorm', async () => {
    const ln = new LayerNorm({ dim: 96, name: 'fused_test_ln' });
    ln.build([null, 96]);
    ln.getWeights().forEach((w, i) => (w as tf.Variable).assign(tf.tensor1d(f32(96, 40 + i))));
    const x = tf.tensor3d(f32(2 * 3 * 96, 41, 2), [2, 3, 96]);
    const [a, b] = await bothWays(async () => {
      const y = tf.tidy(() => ln.forward(x));
      const d = (await y.data()) as Float32Array;
      y.dispose();
      return d;
    });
    expectNear(a, b, LAYER_TOL, LAYER_TOL, 'LayerNorm');
    x.dispose();
  });

  it('MultiHeadAttention: a decode step over a KV cache and cross-attention', async () => {
    const self = new MultiHeadAttention({ dim: 64, numHeads: 4, name: 'fused_test_self' });
    self.build([null, null, 64]);
    const cross = new MultiHeadAttention({ dim: 64, numHeads: 4, kvDim: 48, name: 'fused_test_cross' });
    cross.build([[null, null, 64], [null, null, 48]]);
    const past = { key: tf.tensor4d(f32(2 * 4 * 6 * 16, 50), [2, 4, 6, 16]), value: tf.tensor4d(f32(2 * 4 * 6 * 16, 51), [2, 4, 6, 16]) };
    const x = tf.tensor3d(f32(2 * 1 * 64, 52), [2, 1, 64]);
    const memory = tf.tensor3d(f32(2 * 10 * 48, 53), [2, 10, 48]);
    const [a, b] = await bothWays(async () => {
      const y = tf.tidy(() => {
        const s = self.selfAttend(x, { causal: true, past });
        return tf.concat([s.output, cross.attend(s.output, cross.keyValue(memory))], 2);
      });
      const d = (await y.data()) as Float32Array;
      y.dispose();
      return d;
    });
    expectNear(a, b, LAYER_TOL, LAYER_TOL, 'attention');
    tf.dispose([past.key, past.value, x, memory]);
  });

  for (const variant of ['fp32', 'int2'] as const) {
    it(`TextDecoder (${variant}): prefill + 6 greedy steps give the same tokens and close logits`, async () => {
      const dec = new CoreTextDecoder({ vocabSize: 50, dim: 64, numLayers: 2, numHeads: 4, maxLength: 16, memoryDim: 32 }, { name: `fused_test_dec_${variant}` });
      dec.getWeights().forEach((w, i) => (w as tf.Variable).assign(tf.randomNormal(w.shape, 0, 0.3, 'float32', 60 + i)));
      if (variant === 'int2') for (const l of Object.values(dec.linears())) l.toQuantized(linearFormat({ bits: 2 }));
      const memory = tf.tensor3d(f32(10 * 32, 61), [1, 10, 32]);
      const decode = async (): Promise<Float32Array> => {
        const all: number[] = [];
        let cache: KVCache | null = null;
        let input = tf.tensor2d([[1, 7, 9]], [1, 3], 'int32');
        for (let s = 0; s < 7; s++) {
          const r: { logits: tf.Tensor3D; cache: KVCache } = dec.step(input, cache, memory);
          cache = r.cache;
          input.dispose();
          const T = r.logits.shape[1];
          const lastT = tf.slice(r.logits, [0, T - 1, 0], [1, 1, 50]);
          const last = (await lastT.data()) as Float32Array;
          tf.dispose([lastT, r.logits]);
          all.push(...last);
          let best = 0;
          for (let i = 1; i < 50; i++) if (last[i] > last[best]) best = i;
          all.push(best);
          input = tf.tensor2d([[best]], [1, 1], 'int32');
        }
        input.dispose();
        cache?.dispose();
        return Float32Array.from(all);
      };
      const [a, b] = await bothWays(decode);
      const tokens = (v: Float32Array) => Array.from({ length: 7 }, (_, s) => v[s * 51 + 50]);
      expect(tokens(a)).toEqual(tokens(b));
      const tol = variant === 'int2' ? INT2_LAYER_TOL : LAYER_TOL;
      expectNear(a, b, tol, tol, 'logits');
      memory.dispose();
      dec.dispose();
    });
  }
});
