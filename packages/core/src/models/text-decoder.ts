/**
 * TextDecoder: a GPT-style causal transformer decoder over tokens, optionally
 * cross-attending to an encoder's output (image captioning, OCR, translation).
 *
 *   x = token_embedding(tokens) (+ positions, unless RoPE)      [B, T, C]
 *   for each block:  x = block(x, memory)                        [B, T, C]
 *   logits = lm_head(final_norm(x))                              [B, T, V]
 *
 * Implements CausalDecoder (generation/types.ts): logits() recomputes the
 * whole sequence; step() feeds only new tokens and carries a DecoderKVCache.
 * Both run the same code path, so they agree to float rounding.
 *
 * Shapes: B=batch, T=new tokens, T0=tokens already cached, S=memory length,
 * C=model width, Cm=memory width, V=vocabulary, H=heads, D=head size.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { MobileMMError } from '../errors.js';
import type { CausalDecoder, KVCache } from '../generation/types.js';
import { type NormLayer, makeNorm } from '../layers/block-config.js';
import { buildSublayer, checkInt32, checkRank, prefixWeights, type LayerVariable } from '../layers/common.js';
import { Embedding } from '../layers/embedding.js';
import { LearnedPositionalEmbedding } from '../layers/learned-positional-embedding.js';
import { Linear } from '../layers/linear.js';
import { SinusoidalPositionalEncoding } from '../layers/sinusoidal-positional-encoding.js';
import { TransformerDecoderBlock } from '../layers/transformer-decoder-block.js';
import { DecoderKVCache, type DecoderLayerCache } from './decoder-kv-cache.js';
import { type TextDecoderConfig, type TextDecoderConfigInput, blockConfigOf, resolveTextDecoderConfig } from './text-decoder-config.js';

export interface TextDecoderOptions {
  /** Prefix of every layer (and so variable) name; lets two decoders coexist readably. Default 'text_decoder'. */
  name?: string;
}

/**
 * Note: the name shadows the WHATWG `TextDecoder` global in modules that
 * import it; import it under another name there if both are needed.
 */
export class TextDecoder implements CausalDecoder {
  readonly config: TextDecoderConfig;
  readonly tokenEmbedding: Embedding;
  /** Added positions ('learned' or 'sinusoidal'); null with RoPE (inside attention). */
  readonly positionalEncoding: LearnedPositionalEmbedding | SinusoidalPositionalEncoding | null;
  readonly blocks: TransformerDecoderBlock[];
  readonly finalNorm: NormLayer;
  /** Untied LM head [C, V] (no bias); null when tied to the token embedding. */
  readonly lmHead: Linear | null;

  constructor(config: TextDecoderConfigInput, options: TextDecoderOptions = {}) {
    const c = (this.config = resolveTextDecoderConfig(config));
    const name = options.name ?? 'text_decoder';
    const stream: tfl.Shape = [null, null, c.dim]; // [B, T, C]

    this.tokenEmbedding = new Embedding({ vocabSize: c.vocabSize, dim: c.dim, initStd: c.initStd, name: `${name}_token_embedding` });
    buildSublayer(this.tokenEmbedding, [null, null]);

    this.positionalEncoding =
      c.positional === 'learned'
        ? new LearnedPositionalEmbedding({ maxLength: c.maxLength, dim: c.dim, initStd: c.initStd, name: `${name}_position_embedding` })
        : c.positional === 'sinusoidal'
          ? new SinusoidalPositionalEncoding({ maxLength: c.maxLength, dim: c.dim, name: `${name}_position_encoding` })
          : null;
    if (this.positionalEncoding) buildSublayer(this.positionalEncoding, stream);

    const blockConfig = blockConfigOf(c);
    this.blocks = Array.from({ length: c.numLayers }, (_, i) => {
      const block = new TransformerDecoderBlock({ config: blockConfig, name: `${name}_block_${i}` });
      buildSublayer(block, c.memoryDim === null ? stream : [stream, [null, null, c.memoryDim]]);
      return block;
    });

    this.finalNorm = makeNorm(blockConfig, `${name}_final_norm`);
    buildSublayer(this.finalNorm, stream);

    this.lmHead = c.tieEmbeddings
      ? null
      : new Linear({
          inDim: c.dim,
          outDim: c.vocabSize,
          useBias: false,
          kernelInitializer: tfl.initializers.randomNormal({ mean: 0, stddev: c.initStd }),
          name: `${name}_lm_head`,
        });
    if (this.lmHead) buildSublayer(this.lmHead, stream);
  }

  get vocabSize(): number {
    return this.config.vocabSize;
  }

  get maxLength(): number {
    return this.config.maxLength;
  }

  /** True when blocks cross-attend to a memory (config.memoryDim set). */
  get hasCrossAttention(): boolean {
    return this.config.memoryDim !== null;
  }

  // ------------------------------------------------------------------ forward

  /**
   * Full recomputation: tokens int32 [B, T], memory [B, S, Cm] (required with
   * cross-attention, ignored without) → logits [B, T, V].
   * `training` turns dropout on (config.dropout > 0).
   */
  logits(tokens: tf.Tensor2D, memory: tf.Tensor3D | null = null, options: { training?: boolean } = {}): tf.Tensor3D {
    this.checkTokens(tokens, 0);
    return tf.tidy(() => this.run(tokens, memory, null, options.training ?? false).logits);
  }

  /**
   * Incremental decoding: tokens int32 [B, T] follow the T0 tokens in `cache`
   * (null = start; prefill passes the whole prompt). Returns logits [B, T, V]
   * and a new cache of T0+T tokens; `cache` is consumed (disposed).
   * Memory is read at the first step only; later steps reuse its cached K/V.
   */
  step(tokens: tf.Tensor2D, cache: KVCache | null, memory: tf.Tensor3D | null = null): { logits: tf.Tensor3D; cache: KVCache } {
    const past = cache === null ? null : this.checkCache(cache, tokens);
    const offset = past?.length ?? 0;
    this.checkTokens(tokens, offset);
    let layers: DecoderLayerCache[] = [];
    const logits = tf.tidy(() => {
      const out = this.run(tokens, memory, past, false);
      // Keep the new cache's tensors past this tidy; everything else is freed.
      for (const kv of out.layers.flatMap((l) => (l.cross ? [l.self, l.cross] : [l.self]))) {
        tf.keep(kv.key);
        tf.keep(kv.value);
      }
      layers = out.layers;
      return out.logits;
    });
    // The new cache holds the same cross-attention K/V tensors: hand them over instead of
    // cloning (a clone is a copy on wasm: 3.7 MB per token for the base preset).
    past?.releaseCross();
    past?.dispose();
    return { logits, cache: new DecoderKVCache(layers, offset + tokens.shape[1]) };
  }

  /** The shared forward pass. Call inside tf.tidy. */
  private run(tokens: tf.Tensor2D, memory: tf.Tensor3D | null, past: DecoderKVCache | null, training: boolean) {
    const offset = past?.length ?? 0;
    let x = this.tokenEmbedding.forward(tokens) as tf.Tensor3D; // [B, T, C]
    if (this.positionalEncoding) x = this.positionalEncoding.forward(x, offset) as tf.Tensor3D; // [B, T, C]

    const layers: DecoderLayerCache[] = [];
    this.blocks.forEach((block, i) => {
      const cached = past?.layer(i);
      const out = block.forward(x, { memory, past: cached?.self, crossKV: cached?.cross, training });
      x = out.output; // [B, T, C]
      // Reused cross K/V move to the new cache as they are (step() releases them from the old one).
      layers.push({ self: out.selfKV, cross: cached?.cross ?? out.crossKV });
    });

    const h = this.finalNorm.forward(x) as tf.Tensor3D; // [B, T, C]
    const logits = (this.lmHead ? this.lmHead.forward(h) : this.tokenEmbedding.attend(h)) as tf.Tensor3D; // [B, T, V]
    return { logits, layers };
  }

  // ------------------------------------------------------------------ checks

  private checkTokens(tokens: tf.Tensor, offset: number): void {
    checkRank(tokens, 2, 'TextDecoder tokens');
    checkInt32(tokens, 'TextDecoder tokens');
    const t = tokens.shape[1] as number;
    if (t < 1 || offset + t > this.maxLength) {
      throw new MobileMMError(
        'INVALID_SHAPE',
        `TextDecoder: ${offset} cached + ${t} new tokens must be between 1 and maxLength ${this.maxLength}.`,
        { expected: this.maxLength, actual: offset + t },
      );
    }
  }

  private checkCache(cache: KVCache, tokens: tf.Tensor): DecoderKVCache {
    if (!(cache instanceof DecoderKVCache) || cache.isDisposed || cache.numLayers !== this.blocks.length) {
      throw new MobileMMError(
        'INVALID_ARGUMENT',
        `TextDecoder.step: cache must be the live DecoderKVCache returned by the previous step() or reorder() of this model (${this.blocks.length} layers).`,
      );
    }
    if (cache.batchSize !== tokens.shape[0]) {
      throw new MobileMMError('INVALID_SHAPE', `TextDecoder.step: cache batch ${cache.batchSize} != tokens batch ${tokens.shape[0]}.`, {
        expected: cache.batchSize,
        actual: tokens.shape[0],
      });
    }
    return cache;
  }

  // ------------------------------------------------------------------ weights

  private layers(): tfl.layers.Layer[] {
    return [
      this.tokenEmbedding,
      ...(this.positionalEncoding ? [this.positionalEncoding] : []),
      ...this.blocks,
      this.finalNorm,
      ...(this.lmHead ? [this.lmHead] : []),
    ];
  }

  /** Trainable LayerVariables of every sublayer, in a stable order. */
  get trainableWeights(): LayerVariable[] {
    return this.layers().flatMap((l) => l.trainableWeights);
  }

  get weights(): LayerVariable[] {
    return this.layers().flatMap((l) => l.weights);
  }

  /** The variables themselves (as tfjs-layers' getWeights), same order as `weights`. */
  getWeights(): tf.Tensor[] {
    return this.weights.map((w) => w.read());
  }

  /**
   * Every weight by a stable dotted name, e.g. `blocks.0.self_attn.q.kernel`,
   * `token_embedding.embeddings`, `final_norm.gamma`, `lm_head.kernel`.
   * Kernels are [in, out]. For checkpoints: assign() into these variables.
   */
  namedWeights(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    for (const [name, w] of Object.entries(this.namedLayerWeights())) out[name] = w.read() as tf.Variable;
    return out;
  }

  /** The same weights as namedWeights(), as the layers' LayerVariables (what linear kernel hooks key on). */
  namedLayerWeights(): Record<string, LayerVariable> {
    const out: Record<string, LayerVariable> = {};
    const add = (prefix: string, weights: Record<string, LayerVariable>) => {
      for (const [name, w] of Object.entries(weights)) out[`${prefix}.${name}`] = w;
    };
    add('token_embedding', this.tokenEmbedding.namedWeights());
    if (this.positionalEncoding) add('position_embedding', this.positionalEncoding.namedWeights());
    this.blocks.forEach((block, i) => add(`blocks.${i}`, block.namedWeights()));
    add('final_norm', this.finalNorm.namedWeights());
    if (this.lmHead) add('lm_head', this.lmHead.namedWeights());
    return out;
  }

  /** Every projection by dotted path (`blocks.0.self_attn.q`, ..., `lm_head` when untied): what quantization walks. */
  linears(): Record<string, Linear> {
    return {
      ...Object.assign({}, ...this.blocks.map((b, i) => prefixWeights(`blocks.${i}`, b.linears()))),
      ...(this.lmHead ? { lm_head: this.lmHead } : {}),
    };
  }

  /** Frees every weight, packed ones included. The model is unusable afterwards. */
  dispose(): void {
    for (const w of this.weights) w.dispose();
    for (const l of Object.values(this.linears())) l.packed?.dispose();
  }
}

