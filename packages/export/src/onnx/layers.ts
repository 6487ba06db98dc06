/**
 * The model's layers as ONNX subgraphs, op by op mirroring the tfjs code in
 * @mobile-mm/core (the file each function follows is named on it):
 *
 *   linear        x·W + b: Gemm (2-D) or MatMul + Add; packed W: MatMulNBits
 *                 plus the group-min term (matmul-nbits.ts)
 *   layerNorm     LayerNormalization (axis −1, the layer's ε)
 *   rmsNorm       x · 1/√(mean(x²) + ε) · γ (Mul, ReduceMean, Add, Sqrt, Reciprocal)
 *   gelu          x·σ(1.702x), as geluSigmoid (not ONNX's erf Gelu)
 *   silu          x·σ(x)
 *   attention     q·(1/√D), MatMul with kᵀ, + additive mask, Softmax, MatMul with v
 *
 * Shapes: B=batch, T=tokens, S=keys, C=width, H=heads, D=head size.
 */
import { LayerNorm, MobileMMError, RMSNorm, type FeedForward, type Linear, type MultiHeadAttention, type NormLayer } from '@mobile-mm/core';
import type { GraphBuilder } from './graph.js';
import { dequantizedMatMul, matMulNBits, type NBitsOptions } from './matmul-nbits.js';
import type { LinearWeights } from './weights.js';

/** The projections' weights, read up front (readLinear), by layer. */
export type LinearTable = ReadonlyMap<Linear, LinearWeights>;

export interface LayerContext {
  g: GraphBuilder;
  linears: LinearTable;
  nbits: NBitsOptions;
}

const f32 = (t: { read(): { dataSync(): unknown } }) => Float32Array.from(t.read().dataSync() as Float32Array);

/** core Linear (linear.ts): x [..., K] (rank `rank`) → [..., N]. */
export function linear(ctx: LayerContext, layer: Linear, x: string, rank: number): string {
  const { g } = ctx;
  const w = ctx.linears.get(layer);
  if (!w) throw new MobileMMError('INVALID_ARGUMENT', `export: projection ${layer.name} was not read.`);
  const name = layer.name;
  if (w.kind === 'packed') return ctx.nbits.op === 'dequantize' ? dequantizedMatMul(g, w, x, rank, name) : matMulNBits(g, w, x, rank, name, ctx.nbits);
  const kernel = g.weight(`${name}.kernel`, w.kernel, [w.inDim, w.outDim]);
  const bias = w.bias ? g.weight(`${name}.bias`, w.bias, [w.outDim]) : '';
  if (rank === 2) return g.op('Gemm', bias ? [x, kernel, bias] : [x, kernel], {}, { name });
  const y = g.op('MatMul', [x, kernel], {}, { name });
  return bias ? g.op('Add', [y, bias]) : y;
}

/** core LayerNorm / RMSNorm over the last axis. */
export function norm(ctx: LayerContext, layer: NormLayer, x: string): string {
  const { g } = ctx;
  if (layer instanceof LayerNorm) {
    const named = layer.namedWeights();
    const gamma = named.gamma ? g.weight(`${layer.name}.gamma`, f32(named.gamma), [layer.dim]) : g.weight(`${layer.name}.gamma`, new Float32Array(layer.dim).fill(1), [layer.dim]);
    const beta = named.beta ? g.weight(`${layer.name}.beta`, f32(named.beta), [layer.dim]) : '';
    return g.op('LayerNormalization', beta ? [x, gamma, beta] : [x, gamma], { axis: -1, epsilon: { float: layer.epsilon } }, { name: layer.name });
  }
  if (layer instanceof RMSNorm) {
    const gamma = g.weight(`${layer.name}.gamma`, f32(layer.namedWeights().gamma), [layer.dim]);
    const meanSquare = g.op('ReduceMean', [g.op('Mul', [x, x])], { axes: [-1], keepdims: 1 }); // [..., 1]
    const inv = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [meanSquare, g.f32([layer.epsilon])])])]);
    return g.op('Mul', [g.op('Mul', [x, inv]), gamma], {}, { name: layer.name });
  }
  throw new MobileMMError('UNSUPPORTED', `export: unknown norm layer ${(layer as { name?: string }).name}.`);
}

/** geluSigmoid (feed-forward.ts): x·σ(1.702x). */
export function gelu(g: GraphBuilder, x: string): string {
  return g.op('Mul', [x, g.op('Sigmoid', [g.op('Mul', [x, g.f32([1.702])])])], {}, { name: 'gelu' });
}

/** silu (feed-forward.ts): x·σ(x). */
export function silu(g: GraphBuilder, x: string): string {
  return g.op('Mul', [x, g.op('Sigmoid', [x])], {}, { name: 'silu' });
}

/** core FeedForward: gelu(x·Wup)·Wdown, or (silu(x·Wgate) ⊙ x·Wup)·Wdown. */
export function feedForward(ctx: LayerContext, ff: FeedForward, x: string, rank: number): string {
  const l = ff.linears();
  const up = linear(ctx, l.up, x, rank);
  const h = l.gate ? ctx.g.op('Mul', [silu(ctx.g, linear(ctx, l.gate, x, rank)), up]) : gelu(ctx.g, up);
  return linear(ctx, l.down, h, rank);
}

/** MultiHeadAttention.heads: x [B, T, Cin] → [B, H, T, D] through projection `which`. */
export function heads(ctx: LayerContext, attn: MultiHeadAttention, which: 'q' | 'k' | 'v', x: string): string {
  checkAttention(attn);
  const y = linear(ctx, attn.linears()[which], x, 3); // [B, T, H·D]
  const split = ctx.g.op('Reshape', [y, ctx.g.i64([0, 0, attn.numHeads, attn.headDim])]); // [B, T, H, D]
  return ctx.g.op('Transpose', [split], { perm: [0, 2, 1, 3] }, { name: `${attn.name}_${which}_heads` }); // [B, H, T, D]
}

/**
 * MultiHeadAttention.attend: queries from x [B, T, C] attend to key/value
 * [B, H, S, D]; `bias` is an additive mask broadcasting to [B, H, T, S] ('' for none).
 */
export function attend(ctx: LayerContext, attn: MultiHeadAttention, x: string, key: string, value: string, bias: string): string {
  const { g } = ctx;
  const q = g.op('Mul', [heads(ctx, attn, 'q', x), g.f32([1 / Math.sqrt(attn.headDim)])]); // [B, H, T, D]
  let scores = g.op('MatMul', [q, g.op('Transpose', [key], { perm: [0, 1, 3, 2] })]); // [B, H, T, S]
  if (bias) scores = g.op('Add', [scores, bias]);
  const weights = g.op('Softmax', [scores], { axis: -1 }); // [B, H, T, S]
  const a = g.op('MatMul', [weights, value]); // [B, H, T, D]
  const merged = g.op('Reshape', [g.op('Transpose', [a], { perm: [0, 2, 1, 3] }), g.i64([0, 0, attn.numHeads * attn.headDim])]); // [B, T, H·D]
  return linear(ctx, attn.linears().out, merged, 3); // [B, T, C]
}

function checkAttention(attn: MultiHeadAttention): void {
  if (attn.rope) throw new MobileMMError('UNSUPPORTED', `export: ${attn.name} uses RoPE, which the ONNX export does not write yet; accepted: learned or sinusoidal positions.`);
}
