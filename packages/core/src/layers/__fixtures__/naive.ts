/**
 * Naive float64 references for the layer tests: plain loops over
 * Float64Array, no tfjs. Written from the formulas, not from the layers.
 * Row-major layouts; shapes as in the layer files (B, T, S, C, H, D, F).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { randn } from '../../test-utils/backends.js';
// fromRegisteredConfig looks classes up by name: the registration module must have run.
import '../register.js';

export type F64 = Float64Array;

// ---------------------------------------------------------------- test glue

/** A float32 tensor from float64 samples. */
export function tensorOf(values: F64, shape: number[]): tf.Tensor {
  return tf.tensor(Float32Array.from(values), shape, 'float32');
}

/** Overwrites every named weight with seeded random values (γ ≈ 1 ± 0.3, others N(0, std)). */
export function randomizeWeights(weights: Record<string, LayerVariable>, seed: number, std = 0.4): void {
  Object.keys(weights)
    .sort()
    .forEach((name, i) => {
      const w = weights[name];
      const size = w.shape.reduce((a: number, b) => a * (b as number), 1);
      const values = randn(size, seed * 1000 + i, name.endsWith('gamma') ? 0.3 : std);
      if (name.endsWith('gamma')) for (let j = 0; j < size; j++) values[j] += 1;
      tf.tidy(() => {
        w.write(tensorOf(values, w.shape as number[]));
      });
    });
}

/** Reads every named weight as float64. */
export async function readWeights(weights: Record<string, LayerVariable>): Promise<Record<string, F64>> {
  const out: Record<string, F64> = {};
  for (const [name, w] of Object.entries(weights)) out[name] = Float64Array.from(await w.read().data());
  return out;
}

export async function f64(t: tf.Tensor): Promise<F64> {
  return Float64Array.from(await t.data());
}

// ---------------------------------------------------------------- math

/** a [n, k] · b [k, m] (+ bias [m]) → [n, m]. */
export function matmul(a: F64, b: F64, n: number, k: number, m: number, bias?: F64 | null): F64 {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = bias ? bias[j] : 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * m + j];
      out[i * m + j] = s;
    }
  }
  return out;
}

export function add(a: F64, b: F64): F64 {
  return a.map((v, i) => v + b[i]);
}

export function layerNorm(x: F64, c: number, gamma: F64 | null, beta: F64 | null, eps: number): F64 {
  const out = new Float64Array(x.length);
  for (let r = 0; r < x.length / c; r++) {
    let mean = 0;
    for (let j = 0; j < c; j++) mean += x[r * c + j];
    mean /= c;
    let v = 0;
    for (let j = 0; j < c; j++) v += (x[r * c + j] - mean) ** 2;
    v /= c;
    for (let j = 0; j < c; j++) {
      out[r * c + j] = ((x[r * c + j] - mean) / Math.sqrt(v + eps)) * (gamma ? gamma[j] : 1) + (beta ? beta[j] : 0);
    }
  }
  return out;
}

export function rmsNorm(x: F64, c: number, gamma: F64, eps: number): F64 {
  const out = new Float64Array(x.length);
  for (let r = 0; r < x.length / c; r++) {
    let ms = 0;
    for (let j = 0; j < c; j++) ms += x[r * c + j] ** 2;
    ms /= c;
    for (let j = 0; j < c; j++) out[r * c + j] = (x[r * c + j] / Math.sqrt(ms + eps)) * gamma[j];
  }
  return out;
}

export const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
export const gelu = (v: number): number => v * sigmoid(1.702 * v);
export const silu = (v: number): number => v * sigmoid(v);

/** Feed-forward on x [n, c]; w holds 'up.kernel', 'down.kernel', optional biases and 'gate.*'. */
export function feedForward(x: F64, n: number, c: number, f: number, w: Record<string, F64>, kind: 'gelu' | 'swiglu'): F64 {
  const up = matmul(x, w['up.kernel'], n, c, f, w['up.bias']);
  let h: F64;
  if (kind === 'swiglu') {
    const gate = matmul(x, w['gate.kernel'], n, c, f, w['gate.bias']);
    h = up.map((u, i) => silu(gate[i]) * u);
  } else {
    h = up.map(gelu);
  }
  return matmul(h, w['down.kernel'], n, f, c, w['down.bias']);
}

/** Sinusoidal PE value at (position p, channel i) for width c. */
export function sinusoid(p: number, i: number, c: number, base = 10000): number {
  const pair = i - (i % 2);
  const angle = p / Math.pow(base, pair / c);
  return i % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
}

/** Rotate one head vector v [d] at position p (rotate-half pairs (j, j + d/2)). */
export function ropeVector(v: F64, p: number, base = 10000): F64 {
  const d = v.length;
  const half = d / 2;
  const out = new Float64Array(d);
  for (let j = 0; j < half; j++) {
    const theta = p / Math.pow(base, (2 * j) / d);
    const [a, b] = [v[j], v[j + half]];
    out[j] = a * Math.cos(theta) - b * Math.sin(theta);
    out[j + half] = b * Math.cos(theta) + a * Math.sin(theta);
  }
  return out;
}

export interface NaiveAttentionOptions {
  b: number;
  t: number;
  s: number;
  c: number;
  ckv: number;
  h: number;
  d: number;
  causal?: boolean;
  /** Absolute position of query 0 (keys are at 0..s-1). */
  queryOffset?: number;
  /** [b, s], 0 = padding. */
  mask?: F64 | null;
  rope?: boolean;
}

/**
 * Multi-head attention of queries from x [b, t, c] over src [b, s, ckv]
 * with weights w ('q.kernel', 'q.bias', ... 'out.bias'; biases optional).
 */
export function attention(x: F64, src: F64, w: Record<string, F64>, o: NaiveAttentionOptions): F64 {
  const { b, t, s, c, ckv, h, d } = o;
  const hd = h * d;
  const q = matmul(x, w['q.kernel'], b * t, c, hd, w['q.bias']); // [b, t, h·d]
  const k = matmul(src, w['k.kernel'], b * s, ckv, hd, w['k.bias']); // [b, s, h·d]
  const v = matmul(src, w['v.kernel'], b * s, ckv, hd, w['v.bias']);
  const offset = o.queryOffset ?? 0;
  const head = (m: F64, len: number, bi: number, pos: number, hi: number, ropePos: number): F64 => {
    const vec = m.slice((bi * len + pos) * hd + hi * d, (bi * len + pos) * hd + (hi + 1) * d);
    return o.rope ? ropeVector(vec, ropePos) : vec;
  };
  const merged = new Float64Array(b * t * hd);
  for (let bi = 0; bi < b; bi++) {
    for (let hi = 0; hi < h; hi++) {
      for (let i = 0; i < t; i++) {
        const qi = head(q, t, bi, i, hi, offset + i);
        const scores = new Float64Array(s).fill(-Infinity);
        for (let j = 0; j < s; j++) {
          if (o.causal && j > offset + i) continue;
          if (o.mask && o.mask[bi * s + j] === 0) continue;
          const kj = head(k, s, bi, j, hi, j);
          let dot = 0;
          for (let e = 0; e < d; e++) dot += qi[e] * kj[e];
          scores[j] = dot / Math.sqrt(d);
        }
        const max = Math.max(...scores);
        let z = 0;
        const p = scores.map((sc) => {
          const e = sc === -Infinity ? 0 : Math.exp(sc - max);
          z += e;
          return e;
        });
        for (let j = 0; j < s; j++) {
          if (p[j] === 0) continue;
          for (let e = 0; e < d; e++) merged[(bi * t + i) * hd + hi * d + e] += (p[j] / z) * v[(bi * s + j) * hd + hi * d + e];
        }
      }
    }
  }
  return matmul(merged, w['out.kernel'], b * t, hd, c, w['out.bias']);
}

/** Picks `prefix.*` entries of a weight map, without the prefix. */
export function sub(w: Record<string, F64>, prefix: string): Record<string, F64> {
  const out: Record<string, F64> = {};
  for (const [name, v] of Object.entries(w)) if (name.startsWith(`${prefix}.`)) out[name.slice(prefix.length + 1)] = v;
  return out;
}

/** getConfig → the registered class's fromConfig (what model loading does). Throws if not registered. */
export function fromRegisteredConfig<T>(layer: { getClassName(): string; getConfig(): tf.serialization.ConfigDict }): T {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[layer.getClassName()];
  if (!entry) throw new Error(`${layer.getClassName()} is not registered for serialization`);
  const [cls, fromConfig] = entry;
  return fromConfig(cls, layer.getConfig()) as T;
}

/** Expects `fn` to throw a MobileMMError with `code` (and, for configs, naming `field`). */
export function expectCode(fn: () => unknown, code: string, text?: string): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  if (!(error instanceof Error) || (error as { code?: string }).code !== code) {
    throw new Error(`expected MobileMMError ${code}, got ${error instanceof Error ? `${(error as { code?: string }).code}: ${error.message}` : String(error)}`);
  }
  if (text !== undefined && !error.message.includes(text)) {
    throw new Error(`error message "${error.message}" does not mention "${text}"`);
  }
}

/**
 * tf.variableGrads of `loss` over `vars`: every variable gets a gradient that
 * is finite and not all zero. Disposes everything it creates.
 */
export async function expectFiniteGrads(loss: () => tf.Scalar, vars: LayerVariable[]): Promise<void> {
  const list = vars.map((v) => v.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(loss, list);
  try {
    if (!Number.isFinite((await value.data())[0])) throw new Error('loss is not finite');
    for (const v of list) {
      const g = grads[v.name];
      if (!g) throw new Error(`no gradient for ${v.name}`);
      const data = await g.data();
      if (!data.every(Number.isFinite)) throw new Error(`non-finite gradient for ${v.name}`);
      if (!data.some((e) => e !== 0)) throw new Error(`all-zero gradient for ${v.name}`);
    }
  } finally {
    tf.dispose([value, ...Object.values(grads)]);
  }
}

/** LayerNorm or RMSNorm (weights 'gamma', 'beta') on rows of width c. */
export function norm(kind: 'layer' | 'rms', x: F64, c: number, w: Record<string, F64>, eps: number): F64 {
  return kind === 'rms' ? rmsNorm(x, c, w.gamma, eps) : layerNorm(x, c, w.gamma, w.beta ?? null, eps);
}

export interface NaiveBlockConfig {
  dim: number;
  numHeads: number;
  headDim: number;
  ffHiddenDim: number;
  norm: 'layer' | 'rms';
  ff: 'gelu' | 'swiglu';
  rope: boolean;
  normEpsilon: number;
  memoryDim: number | null;
}

/** Pre-norm encoder block on x [b, t, C]; `mask` [b, t] marks padding keys. */
export function encoderBlock(x: F64, b: number, t: number, w: Record<string, F64>, cfg: NaiveBlockConfig, mask?: F64 | null): F64 {
  const c = cfg.dim;
  const h1 = norm(cfg.norm, x, c, sub(w, 'attn_norm'), cfg.normEpsilon);
  const a = attention(h1, h1, sub(w, 'attn'), { b, t, s: t, c, ckv: c, h: cfg.numHeads, d: cfg.headDim, rope: cfg.rope, mask });
  const x1 = add(x, a);
  const h2 = norm(cfg.norm, x1, c, sub(w, 'ff_norm'), cfg.normEpsilon);
  return add(x1, feedForward(h2, b * t, c, cfg.ffHiddenDim, sub(w, 'ff'), cfg.ff));
}

/** Pre-norm decoder block on x [b, t, C] (positions offset..), memory [b, s, memoryDim] when cross-attending. */
export function decoderBlock(x: F64, b: number, t: number, w: Record<string, F64>, cfg: NaiveBlockConfig, memory: F64 | null, s: number, memoryMask?: F64 | null): F64 {
  const c = cfg.dim;
  const h1 = norm(cfg.norm, x, c, sub(w, 'self_attn_norm'), cfg.normEpsilon);
  const a = attention(h1, h1, sub(w, 'self_attn'), { b, t, s: t, c, ckv: c, h: cfg.numHeads, d: cfg.headDim, rope: cfg.rope, causal: true });
  let y = add(x, a);
  if (cfg.memoryDim !== null && memory) {
    const h2 = norm(cfg.norm, y, c, sub(w, 'cross_attn_norm'), cfg.normEpsilon);
    const m = cfg.memoryDim;
    y = add(y, attention(h2, memory, sub(w, 'cross_attn'), { b, t, s, c, ckv: m, h: cfg.numHeads, d: cfg.headDim, mask: memoryMask }));
  }
  const h3 = norm(cfg.norm, y, c, sub(w, 'ff_norm'), cfg.normEpsilon);
  return add(y, feedForward(h3, b * t, c, cfg.ffHiddenDim, sub(w, 'ff'), cfg.ff));
}

/** tf.tidy for functions returning objects with interface types (LayerKV), which TensorContainer's typing rejects. */
export function tidyAny<T>(fn: () => T): T {
  return tf.tidy(fn as unknown as () => tf.TensorContainer) as unknown as T;
}
