/**
 * A ~1M-parameter encoder-decoder transformer in plain functional tf ops, for
 * timing training steps on one backend against another. Not the project's
 * model (packages/core/src/models): a fixed, dependency-free stand-in with
 * the same kinds of products (dense layers, batched attention, embeddings).
 *
 * Legend: B=batch, S=source tokens, T=target tokens, C=channels, H=heads,
 * D=head size (C/H), F=feed-forward width, V=vocabulary.
 *
 *   src [B,S] ─embed+pos→ encoder blocks ──────────────┐ memory [B,S,C]
 *   tgt [B,T] ─embed+pos→ decoder blocks (causal self-attn, cross-attn) → norm → ·Eᵀ → logits [B·T, V]
 */
import * as tf from '@tensorflow/tfjs-core';

export interface TrainStepModelConfig {
  /** Vocabulary; the embedding is tied to the output projection. */
  vocab: number;
  /** Model width C. */
  channels: number;
  /** Attention heads H (D = C/H; 32 is the head size the attention shapes of interest use). */
  heads: number;
  /** Feed-forward width F. */
  ffn: number;
  encoderLayers: number;
  decoderLayers: number;
  /** Source length S and target length T (attention is [B·H, T, D]×[B·H, D, T]). */
  sourceLength: number;
  targetLength: number;
  /**
   * Embedding lookup: 'gather' (gradient = UnsortedSegmentSum) or 'onehot'
   * (oneHot·matMul, gradient = a matmul). Same values. tfjs-backend-cpu's
   * UnsortedSegmentSum makes one pass over the whole gradient per vocabulary
   * entry (74% of a cpu step's kernel time at batch 4), so cpu uses 'onehot'.
   */
  embedding: 'gather' | 'onehot';
}

/** ≈ 0.93M parameters (printed by the benchmark). */
export const TRAIN_STEP_MODEL: TrainStepModelConfig = {
  vocab: 1024,
  channels: 128,
  heads: 4,
  ffn: 384,
  encoderLayers: 2,
  decoderLayers: 2,
  sourceLength: 64,
  targetLength: 32,
  embedding: 'gather',
};

/** mulberry32: the same weights on every backend. */
function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let stores = 0;

export class ParamStore {
  readonly vars: tf.Variable[] = [];
  // Variable names are global in tfjs: one prefix per store lets two models coexist.
  private readonly prefix = `train_step_${stores++}`;
  private readonly next = uniform(1234);

  /** Uniform(-s, s) with s = sqrt(3/fanIn) (variance 1/fanIn). */
  weight(name: string, shape: number[], fanIn = shape[0]): tf.Variable {
    const s = Math.sqrt(3 / fanIn);
    const n = shape.reduce((p, d) => p * d, 1);
    const values = Float32Array.from({ length: n }, () => (2 * this.next() - 1) * s);
    return this.add(name, tf.tensor(values, shape));
  }

  constant(name: string, shape: number[], value: number): tf.Variable {
    return this.add(name, tf.fill(shape, value));
  }

  private add(name: string, init: tf.Tensor): tf.Variable {
    const v = tf.variable(init, true, `${this.prefix}/${name}_${this.vars.length}`);
    init.dispose();
    this.vars.push(v);
    return v;
  }

  get numParams(): number {
    return this.vars.reduce((p, v) => p + v.size, 0);
  }

  dispose(): void {
    tf.dispose(this.vars);
  }
}

interface Norm {
  g: tf.Variable;
  b: tf.Variable;
}
interface Attention {
  q: tf.Variable;
  k: tf.Variable;
  v: tf.Variable;
  o: tf.Variable;
}
interface Mlp {
  w1: tf.Variable;
  b1: tf.Variable;
  w2: tf.Variable;
  b2: tf.Variable;
}

const norm = (p: ParamStore, c: number): Norm => ({ g: p.constant('ln_g', [c], 1), b: p.constant('ln_b', [c], 0) });
const attention = (p: ParamStore, c: number): Attention => ({
  q: p.weight('wq', [c, c]),
  k: p.weight('wk', [c, c]),
  v: p.weight('wv', [c, c]),
  o: p.weight('wo', [c, c]),
});
const mlp = (p: ParamStore, c: number, f: number): Mlp => ({
  w1: p.weight('w1', [c, f]),
  b1: p.constant('b1', [f], 0),
  w2: p.weight('w2', [f, c]),
  b2: p.constant('b2', [c], 0),
});

/** x [N, C] → layer-normalised [N, C]. */
function layerNorm(x: tf.Tensor2D, n: Norm): tf.Tensor2D {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), n.g), n.b);
}

/** GELU as x·sigmoid(1.702x): tanh and pow are slow on wasm (TRAPS.md). */
const gelu = (x: tf.Tensor2D): tf.Tensor2D => tf.mul(x, tf.sigmoid(tf.mul(x, 1.702)));

function feedForward(x: tf.Tensor2D, m: Mlp): tf.Tensor2D {
  return tf.add(tf.matMul(gelu(tf.add(tf.matMul(x, m.w1), m.b1)), m.w2), m.b2);
}

/** [B·L, C] → [B·H, L, D] */
function splitHeads(x: tf.Tensor2D, b: number, l: number, h: number): tf.Tensor3D {
  const d = x.shape[1] / h;
  const x4 = tf.reshape(x, [b, l, h, d]); // [B, L, H, D]
  return tf.reshape(tf.transpose(x4, [0, 2, 1, 3]), [b * h, l, d]); // [B·H, L, D]
}

/** Queries from xq [B·Lq, C], keys/values from xkv [B·Lk, C] → [B·Lq, C]. */
function multiHeadAttention(
  xq: tf.Tensor2D,
  xkv: tf.Tensor2D,
  a: Attention,
  b: number,
  lq: number,
  lk: number,
  h: number,
  mask: tf.Tensor2D | null
): tf.Tensor2D {
  const c = xq.shape[1];
  const d = c / h;
  const q = splitHeads(tf.matMul(xq, a.q), b, lq, h); // [B·H, Lq, D]
  const k = splitHeads(tf.matMul(xkv, a.k), b, lk, h); // [B·H, Lk, D]
  const v = splitHeads(tf.matMul(xkv, a.v), b, lk, h); // [B·H, Lk, D]
  let scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(d)); // [B·H, Lq, Lk]
  if (mask) scores = tf.add(scores, mask);
  const out = tf.matMul(tf.softmax(scores), v); // [B·H, Lq, D]
  const merged = tf.transpose(tf.reshape(out, [b, h, lq, d]), [0, 2, 1, 3]); // [B, Lq, H, D]
  return tf.matMul(tf.reshape(merged, [b * lq, c]), a.o); // [B·Lq, C]
}

export class TrainStepModel {
  readonly params = new ParamStore();
  private readonly embed: tf.Variable; // [V, C], tied to the output
  private readonly srcPos: tf.Variable; // [S, C]
  private readonly tgtPos: tf.Variable; // [T, C]
  private readonly encoder: Array<{ n1: Norm; attn: Attention; n2: Norm; mlp: Mlp }> = [];
  private readonly decoder: Array<{ n1: Norm; self: Attention; n2: Norm; cross: Attention; n3: Norm; mlp: Mlp }> = [];
  private readonly encNorm: Norm;
  private readonly decNorm: Norm;
  private readonly causal: tf.Tensor2D; // [T, T]: 0 on and below the diagonal, -1e9 above

  constructor(readonly config: TrainStepModelConfig) {
    const { vocab: V, channels: C, ffn: F, sourceLength: S, targetLength: T } = config;
    const p = this.params;
    this.embed = p.weight('embed', [V, C], C);
    this.srcPos = p.weight('src_pos', [S, C], C * 10);
    this.tgtPos = p.weight('tgt_pos', [T, C], C * 10);
    for (let i = 0; i < config.encoderLayers; i++) {
      this.encoder.push({ n1: norm(p, C), attn: attention(p, C), n2: norm(p, C), mlp: mlp(p, C, F) });
    }
    for (let i = 0; i < config.decoderLayers; i++) {
      this.decoder.push({
        n1: norm(p, C),
        self: attention(p, C),
        n2: norm(p, C),
        cross: attention(p, C),
        n3: norm(p, C),
        mlp: mlp(p, C, F),
      });
    }
    this.encNorm = norm(p, C);
    this.decNorm = norm(p, C);
    const mask = new Float32Array(T * T);
    for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) mask[i * T + j] = -1e9;
    this.causal = tf.tensor2d(mask, [T, T]);
  }

  /** ids [B, L] → [B, L, C] */
  private lookup(ids: tf.Tensor2D): tf.Tensor3D {
    const [b, l] = ids.shape;
    const { vocab: V, channels: C } = this.config;
    if (this.config.embedding === 'gather') return tf.gather(this.embed, ids) as tf.Tensor3D;
    const hot = tf.oneHot(tf.reshape(ids, [b * l]), V); // [B·L, V]
    return tf.reshape(tf.matMul(hot, this.embed), [b, l, C]); // [B, L, C]
  }

  /** Mean next-token cross-entropy of tgt given src; src [B,S], tgt and labels [B,T] int32. */
  loss(src: tf.Tensor2D, tgt: tf.Tensor2D, labels: tf.Tensor2D): tf.Scalar {
    const { heads: H, channels: C, vocab: V, sourceLength: S, targetLength: T } = this.config;
    const B = src.shape[0];
    let x = tf.reshape(tf.add(this.lookup(src), this.srcPos), [B * S, C]) as tf.Tensor2D; // [B·S, C]
    for (const blk of this.encoder) {
      const h = layerNorm(x, blk.n1);
      x = tf.add(x, multiHeadAttention(h, h, blk.attn, B, S, S, H, null));
      x = tf.add(x, feedForward(layerNorm(x, blk.n2), blk.mlp));
    }
    const memory = layerNorm(x, this.encNorm); // [B·S, C]
    let y = tf.reshape(tf.add(this.lookup(tgt), this.tgtPos), [B * T, C]) as tf.Tensor2D; // [B·T, C]
    for (const blk of this.decoder) {
      const h = layerNorm(y, blk.n1);
      y = tf.add(y, multiHeadAttention(h, h, blk.self, B, T, T, H, this.causal));
      y = tf.add(y, multiHeadAttention(layerNorm(y, blk.n2), memory, blk.cross, B, T, S, H, null));
      y = tf.add(y, feedForward(layerNorm(y, blk.n3), blk.mlp));
    }
    const logits = tf.matMul(layerNorm(y, this.decNorm), this.embed, false, true); // [B·T, V]
    const target = tf.oneHot(tf.reshape(labels, [B * T]), V); // [B·T, V]
    return tf.neg(tf.mean(tf.sum(tf.mul(target, tf.logSoftmax(logits)), -1))) as tf.Scalar;
  }

  dispose(): void {
    this.params.dispose();
    this.causal.dispose();
  }
}

/** Random token batch (same on every backend): src [B,S], tgt/labels [B,T] int32. */
export function tokenBatch(config: TrainStepModelConfig, batch: number, seed = 99) {
  const r = uniform(seed);
  const ids = (n: number) => Int32Array.from({ length: n }, () => Math.floor(r() * config.vocab));
  return {
    src: tf.tensor2d(ids(batch * config.sourceLength), [batch, config.sourceLength], 'int32'),
    tgt: tf.tensor2d(ids(batch * config.targetLength), [batch, config.targetLength], 'int32'),
    labels: tf.tensor2d(ids(batch * config.targetLength), [batch, config.targetLength], 'int32'),
  };
}
