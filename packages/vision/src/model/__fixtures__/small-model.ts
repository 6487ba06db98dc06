/**
 * The small model the model tests share: the tiny preset at width 64 with one
 * encoder and one decoder block (fast on every backend), optionally with the
 * 3×3 stem mixing, or with the auxiliary heads (column text tokens, OCR CTC head, scene cells).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { VisionLanguageModel } from '../model.js';
import { MOBILE_MM_PRESETS } from '../config.js';
import { SceneTokenizer } from '../scene-tokenizer.js';

export function smallModel(stemConv = false, aux = false): VisionLanguageModel {
  const t = new SceneTokenizer();
  const p = structuredClone(MOBILE_MM_PRESETS.tiny);
  return new VisionLanguageModel(
    {
      encoder: { ...p.encoder, dim: 64, stemDim: 32, numLayers: 1, stemConv, ...(aux ? { textTokens: 'columns' as const } : {}) },
      decoder: { ...p.decoder, dim: 64, numLayers: 1 },
      vocabSize: t.vocabSize,
      ...(aux ? { ocrCtc: true, sceneCells: true } : {}),
    },
    t,
  );
}

/** Reads text lines [B, 32, 128, 3] with the model's CTC head in one pass (the 'ctc' decoding of answer()). */
export function readLinesCtc(model: VisionLanguageModel, images: tf.Tensor4D): string[] {
  const memory = model.encode(images, 'text');
  try {
    return model.ctcHead!.read(memory).map((r) => r.text);
  } finally {
    memory.dispose();
  }
}
