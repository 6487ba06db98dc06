/**
 * The small model the model tests share: the tiny preset at width 64 with one
 * encoder and one decoder block (fast on every backend), optionally with the
 * 3×3 stem mixing, or with the auxiliary heads (column text tokens, OCR CTC head, scene cells).
 */
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
