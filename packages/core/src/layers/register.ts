/**
 * @mobile-mm/core/register-layers: registers core's layer classes with
 * tfjs's serialization map, as `MobileMM>ClassName`.
 *
 * Side effect on import (this module is listed in `sideEffects`): the
 * registration below. The layer modules themselves register nothing, so a
 * bundle keeps only the layers it uses. Registration is what
 * `getConfig()` → `fromConfig()` round trips by class name need (tfjs-layers'
 * model JSON, `tf.serialization.SerializationMap`); building and running the
 * layers, and this project's checkpoints (safetensors), do not need it.
 *
 *   import '@mobile-mm/core/register-layers';
 *
 * registerCoreLayers() does the same explicitly; calling it again is harmless.
 */
import * as tf from '@tensorflow/tfjs-core';
import { SERIALIZATION_PACKAGE } from './common.js';
import { Embedding } from './embedding.js';
import { FeedForward } from './feed-forward.js';
import { LayerNorm } from './layer-norm.js';
import { LearnedPositionalEmbedding } from './learned-positional-embedding.js';
import { LearnedPositionalEmbedding2D } from './learned-positional-embedding-2d.js';
import { Linear } from './linear.js';
import { MultiHeadAttention } from './multi-head-attention.js';
import { RMSNorm } from './rms-norm.js';
import { RotaryEmbedding } from './rotary-embedding.js';
import { SinusoidalPositionalEncoding } from './sinusoidal-positional-encoding.js';
import { TransformerDecoderBlock } from './transformer-decoder-block.js';
import { TransformerEncoderBlock } from './transformer-encoder-block.js';
// A new layer file under src/layers/ adds its import above and its class below.

/** Every serializable layer class of @mobile-mm/core, in file-name order. */
export const CORE_LAYER_CLASSES: readonly tf.serialization.SerializableConstructor<tf.serialization.Serializable>[] = [
  Embedding,
  FeedForward,
  LayerNorm,
  LearnedPositionalEmbedding,
  LearnedPositionalEmbedding2D,
  Linear,
  MultiHeadAttention,
  RMSNorm,
  RotaryEmbedding,
  SinusoidalPositionalEncoding,
  TransformerDecoderBlock,
  TransformerEncoderBlock,
];

/** Registers CORE_LAYER_CLASSES under SERIALIZATION_PACKAGE ('MobileMM'). Idempotent. */
export function registerCoreLayers(): void {
  for (const cls of CORE_LAYER_CLASSES) tf.serialization.registerClass(cls, SERIALIZATION_PACKAGE);
}

registerCoreLayers();
