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
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const visible = causal ? Math.min(S, queryOffset + t + 1) : S;
      for (let h = 0; h < H; h++) {
        const qo = (b * T + t) * H * D + h * D;
        const kvo = (b * H + h) * S * D;
        let max = -Infinity;
        for (let j = 0; j < visible; j++) {
          const ko = kvo + j * D;
          // Four accumulators: independent adds (the dot product is the kernel's hot loop).
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          let s3 = 0;
          let e = 0;
          for (; e + 4 <= D; e += 4) {
            s0 += q[qo + e] * k[ko + e];
            s1 += q[qo + e + 1] * k[ko + e + 1];
            s2 += q[qo + e + 2] * k[ko + e + 2];
            s3 += q[qo + e + 3] * k[ko + e + 3];
          }
          for (; e < D; e++) s0 += q[qo + e] * k[ko + e];
          const s = (s0 + s1 + s2 + s3) * scale;
          p[j] = s;
          if (s > max) max = s;
        }
        let total = 0;
        for (let j = 0; j < visible; j++) {
          const w = Math.exp(p[j] - max);
          p[j] = w;
          total += w;
        }
        // Σ_j w_j·v[j, e] for each e, four columns at a time in locals (v is read with stride D: 16 KiB per head at most, in L1).
        let e = 0;
        for (; e + 4 <= D; e += 4) {
          let a0 = 0;
          let a1 = 0;
          let a2 = 0;
          let a3 = 0;
          for (let j = 0, vo = kvo + e; j < visible; j++, vo += D) {
            const w = p[j];
            a0 += w * v[vo];
            a1 += w * v[vo + 1];
            a2 += w * v[vo + 2];
            a3 += w * v[vo + 3];
          }
          out[qo + e] = a0 / total;
          out[qo + e + 1] = a1 / total;
          out[qo + e + 2] = a2 / total;
          out[qo + e + 3] = a3 / total;
        }
        for (; e < D; e++) {
          let a = 0;
          for (let j = 0; j < visible; j++) a += p[j] * v[kvo + j * D + e];
          out[qo + e] = a / total;
        }
      }
    }
  }
}
