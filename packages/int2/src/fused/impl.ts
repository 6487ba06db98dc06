/**
 * The arithmetic of the fused decode kernels (core's layers/fused.ts names
 * them), on plain typed arrays, shared by the cpu and wasm registrations
 * (kernels.ts): float64 accumulation, one float32 rounding per output.
 *
 * Written by hand because tfjs has neither op as one kernel: the layer norm
 * is 9 ops and an attention step over the KV cache 7–10, and on the decode
 * path (one token, rows of 128–512) each op costs more to dispatch than to
 * compute.
 */

/** y = (x − mean)/√(var + ε)·γ + β over the last dim C of rows × C values. */
export function layerNormImpl(
  x: Float32Array,
  C: number,
  gamma: Float32Array | null,
  beta: Float32Array | null,
  epsilon: number,
  out: Float32Array,
): void {
  const rows = x.length / C;
  for (let r = 0; r < rows; r++) {
    const o = r * C;
    let sum = 0;
    for (let c = 0; c < C; c++) sum += x[o + c];
    const mean = sum / C;
    let sq = 0;
    for (let c = 0; c < C; c++) {
      const d = x[o + c] - mean;
      sq += d * d;
    }
    const inv = 1 / Math.sqrt(sq / C + epsilon);
    for (let c = 0; c < C; c++) {
      let y = (x[o + c] - mean) * inv;
      if (gamma !== null) y *= gamma[c];
      if (beta !== null) y += beta[c];
      out[o + c] = y;
    }
  }
}

export interface AttentionDims {
  B: number;
  T: number;
  H: number;
  D: number;
  S: number;
  scale: number;
  causal: boolean;
  queryOffset: number;
}

/**
 * out[b, t, h·D + d] = Σ_j softmax_j(scale·q[b,t,h]·k[b,h,j]) · v[b,h,j,d]
 * for q [B, T, H·D], k and v [B, H, S, D]; causal: keys j ≤ queryOffset + t
 * only (the rest have weight exactly 0, as exp(MASKED_SCORE) is in float32).
 */
export function attentionImpl(q: Float32Array, k: Float32Array, v: Float32Array, out: Float32Array, d: AttentionDims): void {
  const { B, T, H, D, S, scale, causal, queryOffset } = d;
  const p = new Float64Array(S);
  const acc = new Float64Array(D);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const visible = causal ? Math.min(S, queryOffset + t + 1) : S;
      for (let h = 0; h < H; h++) {
        const qo = (b * T + t) * H * D + h * D;
        const kvo = (b * H + h) * S * D;
        let max = -Infinity;
        for (let j = 0; j < visible; j++) {
          const ko = kvo + j * D;
          let s = 0;
          for (let e = 0; e < D; e++) s += q[qo + e] * k[ko + e];
          s *= scale;
          p[j] = s;
          if (s > max) max = s;
        }
        let total = 0;
        for (let j = 0; j < visible; j++) {
          const w = Math.exp(p[j] - max);
          p[j] = w;
          total += w;
        }
        acc.fill(0);
        for (let j = 0; j < visible; j++) {
          const w = p[j];
          const vo = kvo + j * D;
          for (let e = 0; e < D; e++) acc[e] += w * v[vo + e];
        }
        for (let e = 0; e < D; e++) out[qo + e] = acc[e] / total;
      }
    }
  }
}
