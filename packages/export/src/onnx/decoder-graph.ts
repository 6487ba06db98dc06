/**
 * decoder.onnx: one step of core's TextDecoder with a KV cache, in the
 * Optimum / Transformers.js naming, mirroring TextDecoder.step:
 *
 *   inputs   input_ids                          int64 [B, T]         new tokens (prefill: the whole prompt)
 *            encoder_hidden_states              [B, S, C]            the encoder memory, or [B, 0, C] once cached
 *            past_key_values.{i}.decoder.key    [B, H, P, D]         (and .value) self-attention cache, P ≥ 0
 *            past_key_values.{i}.encoder.key    [B, H, S', D]        (and .value) cross-attention cache, S' = 0 at first
 *   outputs  logits                             [B, T, V]
 *            present.{i}.decoder.key/value      [B, H, P+T, D]
 *            present.{i}.encoder.key/value      [B, H, S'+S, D]
 *
 * First step: encoder_hidden_states = memory, both pasts empty (P = S' = 0).
 * Later steps: encoder_hidden_states [B, 0, C] and the presents fed back, so
 * the cross keys/values are projected once (the new ones are empty and the
 * Concat keeps the cached ones), as TextDecoder.step reuses its cross K/V.
 * One static graph, no If node.
 *
 *   x = Gather(E, ids) + Gather(pos, Range(P, P+T))                       [B, T, C]
 *   for each block:
 *     k, v = Concat(past, heads(LN(x)))                                  [B, H, P+T, D]
 *     x = x + attn(LN(x), k, v, causal bias)        bias[t, s] = −30000 where s > P+t (MASKED_SCORE)
 *     x = x + attn(LN(x), Concat(past_enc, heads(memory)))
 *     x = x + ff(LN(x))
 *   logits = LN(x)·Eᵀ (tied) or lm_head
 *
 * Shapes: B=batch, T=new tokens, P=cached tokens, S=memory tokens,
 * C=width, H=heads, D=head size, V=vocabulary.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MASKED_SCORE, MobileMMError } from '@mobile-mm/core';
import type { VisionLanguageModel } from '@mobile-mm/vision';
import { GraphBuilder } from './graph.js';
import { attend, feedForward, heads, linear, norm, type LayerContext, type LinearTable } from './layers.js';
import type { NBitsOptions } from './matmul-nbits.js';
import type { IGraphProto } from './proto.js';

export const DECODER_NAMES = {
  inputIds: 'input_ids',
  memory: 'encoder_hidden_states',
  logits: 'logits',
  past: (layer: number, part: 'decoder' | 'encoder', kv: 'key' | 'value') => `past_key_values.${layer}.${part}.${kv}`,
  present: (layer: number, part: 'decoder' | 'encoder', kv: 'key' | 'value') => `present.${layer}.${part}.${kv}`,
} as const;

const f32 = (t: tf.Tensor) => Float32Array.from(t.dataSync() as Float32Array);

export function decoderGraph(model: VisionLanguageModel, linears: LinearTable, nbits: NBitsOptions): { graph: IGraphProto; g: GraphBuilder } {
  const g = new GraphBuilder();
  const ctx: LayerContext = { g, linears, nbits };
  const dec = model.decoder;
  const c = dec.config;
  if (!dec.positionalEncoding) {
    throw new MobileMMError('UNSUPPORTED', "export: decoder.positional 'rope' is not written by the ONNX export yet; accepted: 'learned', 'sinusoidal'.");
  }
  if (c.memoryDim === null) throw new MobileMMError('UNSUPPORTED', 'export: the decoder has no cross-attention; a vision-language decoder needs memoryDim.');
  const { dim: C, numHeads: H, headDim: D, vocabSize: V, maxLength: L } = c;
  const B = 'batch_size';
  const N = DECODER_NAMES;

  const ids = g.input(N.inputIds, 'int64', [B, 'sequence_length']);
  const memory = g.input(N.memory, 'float32', [B, 'encoder_sequence_length', c.memoryDim]);
  const past = dec.blocks.map((_, i) => ({
    key: g.input(N.past(i, 'decoder', 'key'), 'float32', [B, H, 'past_sequence_length', D]),
    value: g.input(N.past(i, 'decoder', 'value'), 'float32', [B, H, 'past_sequence_length', D]),
    encKey: g.input(N.past(i, 'encoder', 'key'), 'float32', [B, H, 'past_encoder_sequence_length', D]),
    encValue: g.input(N.past(i, 'encoder', 'value'), 'float32', [B, H, 'past_encoder_sequence_length', D]),
  }));

  // Positions P .. P+T−1 of the new tokens.
  const scalar = (x: string, axis: number) => g.op('Gather', [g.op('Shape', [x]), g.i64([axis], [])], { axis: 0 });
  const P = scalar(past[0].key, 2);
  const end = g.op('Add', [P, scalar(ids, 1)]);
  const positions = g.op('Range', [P, end, g.i64([1], [])], {}, { name: 'positions' }); // [T]

  const table = g.weight('token_embedding', f32(dec.tokenEmbedding.table.read()), [V, C]);
  const posTable = tf.tidy(() => f32(dec.positionalEncoding!.forward(tf.zeros([1, L, C]), 0)));
  let x = g.op('Gather', [table, ids], { axis: 0 }); // [B, T, C]
  x = g.op('Add', [x, g.op('Gather', [g.weight('position_embedding', posTable, [L, C]), positions], { axis: 0 })]); // [B, T, C]

  // causalBias(T, P+T, P): query P+t sees keys s ≤ P+t.
  const keyPos = g.op('Range', [g.i64([0], []), end, g.i64([1], [])]); // [P+T]
  const later = g.op('Greater', [keyPos, g.op('Unsqueeze', [positions, g.i64([1])])]); // [T, P+T]
  const bias = g.op('Where', [later, g.f32([MASKED_SCORE]), g.f32([0])], {}, { name: 'causal_bias' }); // [T, P+T]

  dec.blocks.forEach((block, i) => {
    const h = norm(ctx, block.selfAttnNorm, x);
    const key = g.op('Concat', [past[i].key, heads(ctx, block.selfAttn, 'k', h)], { axis: 2 }); // [B, H, P+T, D]
    const value = g.op('Concat', [past[i].value, heads(ctx, block.selfAttn, 'v', h)], { axis: 2 });
    x = g.op('Add', [x, attend(ctx, block.selfAttn, h, key, value, bias)]);
    g.output(key, N.present(i, 'decoder', 'key'), 'float32', [B, H, 'total_sequence_length', D]);
    g.output(value, N.present(i, 'decoder', 'value'), 'float32', [B, H, 'total_sequence_length', D]);

    const cross = block.crossAttn!;
    const encKey = g.op('Concat', [past[i].encKey, heads(ctx, cross, 'k', memory)], { axis: 2 }); // [B, H, S'+S, D]
    const encValue = g.op('Concat', [past[i].encValue, heads(ctx, cross, 'v', memory)], { axis: 2 });
    x = g.op('Add', [x, attend(ctx, cross, norm(ctx, block.crossAttnNorm!, x), encKey, encValue, '')]);
    g.output(encKey, N.present(i, 'encoder', 'key'), 'float32', [B, H, 'encoder_sequence_length_out', D]);
    g.output(encValue, N.present(i, 'encoder', 'value'), 'float32', [B, H, 'encoder_sequence_length_out', D]);

    x = g.op('Add', [x, feedForward(ctx, block.ff, norm(ctx, block.ffNorm, x), 3)]);
  });

  const h = norm(ctx, dec.finalNorm, x); // [B, T, C]
  const logits = dec.lmHead ? linear(ctx, dec.lmHead, h, 3) : g.op('MatMul', [h, g.op('Transpose', [table], { perm: [1, 0] })]); // [B, T, V]
  g.output(logits, N.logits, 'float32', [B, 'sequence_length', V]);
  return { graph: g.graph('mobile_mm_decoder', 'mobile-mm text decoder, one step with a KV cache'), g };
}
