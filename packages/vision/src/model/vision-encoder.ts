/**
 * VisionEncoder: image → memory tokens for the decoder's cross-attention.
 *
 *   x = stem(image)                        [B, T, C]   two-stage patch MLP (text: optionally full-height columns)
 *   x = x + pos2d[kind](rows, cols)        [B, T, C]   one learned row+column table per image kind
 *   for each block: x = block(x)           [B, T, C]   pre-norm, bidirectional
 *   memory = norm(x) + pos2d[kind]         [B, T, C]   positions again, for the decoder
 *
 * The per-kind position tables double as the "which image kind" signal, and
 * give every memory token a 2-D address the decoder can attend by (the
 * caption and `where` answers name grid positions).
 *
 * Shapes: B=batch, T=R·Q tokens on an R×Q grid, C=width.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  LearnedPositionalEmbedding2D,
  type Linear,
  TransformerEncoderBlock,
  makeNorm,
  prefixWeights,
  resolveBlockConfig,
  type NormLayer,
} from '@mobile-mm/core';
import { PatchStem } from './patch-stem.js';
import { IMAGE_SIZES, tokenGrid, type ImageKind, type VisionEncoderConfig } from './config.js';

export class VisionEncoder {
  readonly stem: PatchStem;
  readonly positions: Record<ImageKind, LearnedPositionalEmbedding2D>;
  readonly blocks: TransformerEncoderBlock[];
  readonly norm: NormLayer;

  constructor(readonly config: VisionEncoderConfig, name = 'vision_encoder') {
    const c = config;
    const tokens: tfl.Shape = [null, null, c.dim];
    this.stem = new PatchStem({ patchSize: c.patchSize, merge: c.merge, stemDim: c.stemDim, dim: c.dim, conv: c.stemConv ?? false,
      columnRows: c.textTokens === 'columns' ? IMAGE_SIZES.text[0] / c.patchSize : 0,
      name: `${name}_stem`,
    });
    this.stem.build([null, null, null, 3]);
    const pos = (kind: ImageKind) => {
      const [rows, cols] = tokenGrid(c, kind);
      // initStd 0.5, not the usual 0.02: stem features are O(1), and a position
      // signal 50× weaker than content left where/shape_at/OCR at chance (EXPERIMENTS.md, run 1).
      const layer = new LearnedPositionalEmbedding2D({ maxRows: rows, maxCols: cols, dim: c.dim, initStd: c.positionInitStd ?? 0.5, name: `${name}_${kind}_pos` });
      layer.build(tokens);
      return layer;
    };
    this.positions = { scene: pos('scene'), text: pos('text') };
    const block = resolveBlockConfig({ dim: c.dim, numHeads: c.numHeads, norm: c.norm, ff: c.ff });
    this.blocks = Array.from({ length: c.numLayers }, (_, i) => {
      const b = new TransformerEncoderBlock({ config: block, name: `${name}_block_${i}` });
      b.build(tokens);
      return b;
    });
    this.norm = makeNorm(block, `${name}_norm`);
    this.norm.build(tokens);
  }

  /** images [B, H, W, 3] in [0,1] of one kind → memory [B, T, C]. Call inside tf.tidy. */
  forward(images: tf.Tensor4D, kind: ImageKind, training = false): tf.Tensor3D {
    const columns = kind === 'text' && this.config.textTokens === 'columns';
    let x = columns ? this.stem.forwardColumns(images) : this.stem.forward(images); // [B, T, C]
    const grid = tokenGrid(this.config, kind);
    x = this.positions[kind].forward(x, grid) as tf.Tensor3D; // [B, T, C]
    for (const block of this.blocks) x = block.forward(x, { training });
    // Re-add the positions after the final norm: every memory token carries its
    // 2-D address into the decoder's cross-attention, however the blocks mixed it.
    const memory = this.norm.forward(x) as tf.Tensor3D;
    return this.config.memoryPositions === false ? memory : (this.positions[kind].forward(memory, grid) as tf.Tensor3D); // [B, T, C]
  }

  /** Every projection by dotted path (`stem.stage1`, `blocks.0.attn.q`, ...). */
  linears(): Record<string, Linear> {
    return {
      ...prefixWeights('stem', this.stem.linears()),
      ...Object.assign({}, ...this.blocks.map((b, i) => prefixWeights(`blocks.${i}`, b.linears()))),
    };
  }

  namedWeights(): Record<string, tfl.LayerVariable> {
    return {
      ...prefixWeights('stem', this.stem.namedWeights()),
      ...prefixWeights('scene_pos', this.positions.scene.namedWeights()),
      ...prefixWeights('text_pos', this.positions.text.namedWeights()),
      ...Object.assign({}, ...this.blocks.map((b, i) => prefixWeights(`blocks.${i}`, b.namedWeights()))),
      ...prefixWeights('norm', this.norm.namedWeights()),
    };
  }
}
