/**
 * The contract between decoders and the generation loop. Any model that
 * implements CausalDecoder can be driven by generate() (greedy, beam,
 * sampling, streaming), with or without a KV cache.
 *
 * Shapes: B=batch, T=tokens so far, t=new tokens, S=memory length,
 * C=model width, V=vocabulary, H=heads, D=head size.
 */
import type * as tf from '@tensorflow/tfjs-core';

/** Keys and values of one attention layer: [B, H, T, D] each. */
export interface LayerKV {
  key: tf.Tensor4D;
  value: tf.Tensor4D;
}

/**
 * Everything an incremental decoder keeps between steps. Owned by the caller
 * of step(): step() consumes (disposes) the cache it is given and returns a
 * new one; the caller disposes the last one.
 */
export interface KVCache {
  /** Tokens already seen (the position of the next token). */
  readonly length: number;
  /** Batch size B of the cached tensors. */
  readonly batchSize: number;
  /** A new cache whose row i is row indices[i] of this one (beam search). Disposes this one. */
  reorder(indices: number[]): KVCache;
  dispose(): void;
}

export interface CausalDecoder {
  readonly vocabSize: number;
  /** Largest sequence length the positional encoding supports. */
  readonly maxLength: number;
  /**
   * Full recomputation. tokens: int32 [B, T]; memory: encoder output [B, S, C]
   * (cross-attention) or null for a decoder-only model. Returns logits [B, T, V].
   */
  logits(tokens: tf.Tensor2D, memory?: tf.Tensor3D | null): tf.Tensor3D;
  /**
   * Incremental decoding. tokens: int32 [B, t], the tokens after those in
   * `cache` (null = start of sequence; prefill passes the whole prompt).
   * Returns logits [B, t, V] for the new tokens and the updated cache; the
   * input cache is consumed. Must match logits() within 1e-4.
   */
  step(
    tokens: tf.Tensor2D,
    cache: KVCache | null,
    memory?: tf.Tensor3D | null,
  ): { logits: tf.Tensor3D; cache: KVCache };
}
