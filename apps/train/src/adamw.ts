/**
 * AdamW (Loshchilov & Hutter) over named variables, with global-norm gradient
 * clipping. Written out instead of tf.train.adam because (1) tfjs has no
 * decoupled weight decay, (2) the moments must be saved in checkpoints by name
 * for --resume, and (3) gradients arrive as plain arrays from worker threads.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface AdamWConfig {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Clip the global gradient norm to this value (0 = off). */
  clipNorm: number;
}

export const DEFAULT_ADAMW: AdamWConfig = { beta1: 0.9, beta2: 0.98, eps: 1e-8, weightDecay: 0.01, clipNorm: 1.0 };

export class AdamW {
  readonly m = new Map<string, tf.Variable>();
  readonly v = new Map<string, tf.Variable>();
  step = 0;

  constructor(
    private readonly params: Map<string, tf.Variable>,
    readonly config: AdamWConfig = DEFAULT_ADAMW,
  ) {
    for (const [name, p] of params) {
      this.m.set(name, tf.variable(tf.zerosLike(p), false, `adam_m/${name}`));
      this.v.set(name, tf.variable(tf.zerosLike(p), false, `adam_v/${name}`));
    }
  }

  /** Decay only matrices (rank ≥ 2): not biases, norm gains or scalars. */
  private decays(name: string, p: tf.Variable): boolean {
    return p.rank >= 2 && !/norm|embedding|pos/i.test(name);
  }

  /**
   * Applies one update. `grads` maps parameter names to gradients (owned by
   * the caller). Returns the global gradient norm before clipping.
   */
  apply(grads: Map<string, tf.Tensor>, lr: number): number {
    const c = this.config;
    this.step += 1;
    const norm = tf.tidy(() => {
      const sq = [...grads.values()].map((g) => tf.sum(tf.square(g)));
      return tf.sqrt(tf.addN(sq));
    });
    const gnorm = norm.dataSync()[0];
    norm.dispose();
    const clip = c.clipNorm > 0 && gnorm > c.clipNorm ? c.clipNorm / gnorm : 1;
    const bc1 = 1 - Math.pow(c.beta1, this.step);
    const bc2 = 1 - Math.pow(c.beta2, this.step);
    tf.tidy(() => {
      for (const [name, p] of this.params) {
        const g0 = grads.get(name);
        if (!g0) continue;
        const g = clip === 1 ? g0 : tf.mul(g0, clip);
        const m = this.m.get(name)!;
        const v = this.v.get(name)!;
        m.assign(tf.add(tf.mul(m, c.beta1), tf.mul(g, 1 - c.beta1)));
        v.assign(tf.add(tf.mul(v, c.beta2), tf.mul(tf.square(g), 1 - c.beta2)));
        const update = tf.div(tf.div(m, bc1), tf.add(tf.sqrt(tf.div(v, bc2)), c.eps));
        let next = tf.sub(p, tf.mul(update, lr));
        if (c.weightDecay > 0 && this.decays(name, p)) next = tf.sub(next, tf.mul(p, lr * c.weightDecay));
        p.assign(next);
      }
    });
    return gnorm;
  }

  /** Moments by name, for checkpoints. */
  state(): Map<string, tf.Tensor> {
    const out = new Map<string, tf.Tensor>();
    for (const [name, t] of this.m) out.set(`adam_m.${name}`, t);
    for (const [name, t] of this.v) out.set(`adam_v.${name}`, t);
    return out;
  }

  load(state: Map<string, tf.Tensor>, step: number): void {
    for (const [name, t] of this.m) {
      const s = state.get(`adam_m.${name}`);
      if (s) t.assign(s);
    }
    for (const [name, t] of this.v) {
      const s = state.get(`adam_v.${name}`);
      if (s) t.assign(s);
    }
    this.step = step;
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
  }
}
