/**
 * encoder_<kind>.onnx: one image kind's vision encoder, mirroring
 * @mobile-mm/vision's VisionEncoder.forward and PatchStem:
 *
 *   pixel_values [B, H, W, 3] in [0, 1]
 *   stage 1   reshape/transpose into p×p×3 patches → GELU(Linear)          [B·H/p·W/p, S]
 *   (conv)    f + GELU(Linear(3×3 neighbours of f)), Pad + 9 Slices + Concat
 *   stage 2   m×m blocks → Linear, or (text columns) full-height columns → Linear   [B, T, C]
 *   x = x + pos[kind]                     the 2-D table, row + column, as one [T, C] constant
 *   blocks    x = x + attn(LN(x)); x = x + ff(LN(x))
 *   memory = LN(x) (+ pos[kind])          last_hidden_state [B, T, C]
 *   (text, ocrCtc) ctc_log_probs = LogSoftmax(Linear(memory))   [B, T, K]
 *
 * Shapes: B=batch (dynamic), p=patch, m=merge, S=stem width, R×Q=token grid,
 * T=tokens, C=width, K=CTC classes (blank + characters).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Linear } from '@mobile-mm/core';
import { IMAGE_SIZES, tokenGrid, type ImageKind, type VisionLanguageModel } from '@mobile-mm/vision';
import { GraphBuilder } from './graph.js';
import { attend, feedForward, gelu, heads, linear, norm, type LayerContext, type LinearTable } from './layers.js';
import type { NBitsOptions } from './matmul-nbits.js';
import type { IGraphProto } from './proto.js';

export const ENCODER_INPUT = 'pixel_values';
export const ENCODER_OUTPUT = 'last_hidden_state';
export const CTC_OUTPUT = 'ctc_log_probs';

export function encoderGraph(model: VisionLanguageModel, kind: ImageKind, linears: LinearTable, nbits: NBitsOptions): { graph: IGraphProto; g: GraphBuilder } {
  const g = new GraphBuilder();
  const ctx: LayerContext = { g, linears, nbits };
  const enc = model.encoder;
  const c = enc.config;
  const stem = enc.stem;
  const sl = stem.linears();
  const [h, w] = IMAGE_SIZES[kind];
  const p = c.patchSize;
  const m = c.merge;
  const S = c.stemDim;
  const C = c.dim;
  const hp = h / p;
  const wp = w / p;
  const images = g.input(ENCODER_INPUT, 'float32', ['batch_size', h, w, 3]);

  // PatchStem.stage1
  let x = g.op('Reshape', [images, g.i64([-1, hp, p, wp, p, 3])]); // [B, H/p, p, W/p, p, 3]
  x = g.op('Transpose', [x], { perm: [0, 1, 3, 2, 4, 5] }); // [B, H/p, W/p, p, p, 3]
  x = g.op('Reshape', [x, g.i64([-1, p * p * 3])]); // [B·H/p·W/p, p·p·3]
  x = gelu(g, linear(ctx, sl.stage1, x, 2)); // [B·H/p·W/p, S]
  if (sl.conv) x = mix3x3(ctx, sl.conv, x, hp, wp, S); // [B·H/p·W/p, S]

  const columns = kind === 'text' && c.textTokens === 'columns';
  if (columns) {
    // PatchStem.forwardColumns
    x = g.op('Reshape', [x, g.i64([-1, hp, wp, S])]); // [B, H/p, W/p, S]
    x = g.op('Transpose', [x], { perm: [0, 2, 1, 3] }); // [B, W/p, H/p, S]
    x = g.op('Reshape', [x, g.i64([-1, hp * S])]); // [B·W/p, H/p·S]
    x = linear(ctx, sl.column!, x, 2); // [B·W/p, C]
  } else {
    const r = hp / m;
    const q = wp / m;
    x = g.op('Reshape', [x, g.i64([-1, r, m, q, m, S])]); // [B, R, m, Q, m, S]
    x = g.op('Transpose', [x], { perm: [0, 1, 3, 2, 4, 5] }); // [B, R, Q, m, m, S]
    x = g.op('Reshape', [x, g.i64([-1, m * m * S])]); // [B·R·Q, m·m·S]
    x = linear(ctx, sl.stage2, x, 2); // [B·R·Q, C]
  }
  const grid = tokenGrid(c, kind);
  const T = grid[0] * grid[1];
  x = g.op('Reshape', [x, g.i64([-1, T, C])]); // [B, T, C]

  // The position table row[r] + col[c] as the layer computes it (float32), one constant.
  const table = tf.tidy(() => Float32Array.from(enc.positions[kind].forward(tf.zeros([1, T, C]), grid).dataSync()));
  const pos = g.weight(`${kind}_pos`, table, [T, C]);
  x = g.op('Add', [x, pos]); // [B, T, C]

  for (const block of enc.blocks) {
    const a = norm(ctx, block.attnNorm, x);
    x = g.op('Add', [x, attend(ctx, block.attn, a, heads(ctx, block.attn, 'k', a), heads(ctx, block.attn, 'v', a), '')]);
    x = g.op('Add', [x, feedForward(ctx, block.ff, norm(ctx, block.ffNorm, x), 3)]);
  }
  let memory = norm(ctx, enc.norm, x); // [B, T, C]
  if (c.memoryPositions !== false) memory = g.op('Add', [memory, pos]);
  g.output(memory, ENCODER_OUTPUT, 'float32', ['batch_size', T, C]);

  if (kind === 'text' && model.ctcHead) {
    const head = model.ctcHead.head;
    const logits = linear(ctx, head.linear, memory, 3); // [B, T, K]
    g.output(g.op('LogSoftmax', [logits], { axis: -1 }), CTC_OUTPUT, 'float32', ['batch_size', T, head.classes]);
  }
  return { graph: g.graph(`mobile_mm_encoder_${kind}`, `mobile-mm vision encoder, ${kind} images ${h}×${w}`), g };
}

/** PatchStem.mix3x3: f [B·R·Q, S] → f + GELU(Linear(concat of the 3×3 zero-padded neighbours)). */
function mix3x3(ctx: LayerContext, conv: Linear, flat: string, r: number, q: number, s: number): string {
  const { g } = ctx;
  const f = g.op('Reshape', [flat, g.i64([-1, r, q, s])]); // [B, R, Q, S]
  const padded = g.op('Pad', [f, g.i64([0, 1, 1, 0, 0, 1, 1, 0])]); // [B, R+2, Q+2, S]
  const taps: string[] = [];
  for (let dy = 0; dy < 3; dy++) {
    for (let dx = 0; dx < 3; dx++) taps.push(g.op('Slice', [padded, g.i64([dy, dx]), g.i64([dy + r, dx + q]), g.i64([1, 2])])); // [B, R, Q, S]
  }
  const cols = g.op('Reshape', [g.op('Concat', taps, { axis: 3 }), g.i64([-1, 9 * s])]); // [B·R·Q, 9·S]
  return g.op('Add', [flat, gelu(g, linear(ctx, conv, cols, 2))]); // [B·R·Q, S]
}
