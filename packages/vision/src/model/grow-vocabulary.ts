/**
 * Moving a trained float model onto a larger vocabulary that extends its own:
 * SceneTokenizer.v2() keeps every v1 id and appends the six languages' words
 * and tags, so an English checkpoint can be fine-tuned into the multilingual
 * one instead of trained again from scratch (`npm run train -- --init DIR
 * --languages ...`).
 *
 * Every weight is copied. The weights with a vocabulary axis — the token
 * embedding [V, C] (also the tied LM head) and an untied LM head [C, V] —
 * keep their first V₀ entries and start the new ones at the mean of the old
 * ones along that axis: a new word's embedding sits at the centre of the
 * learnt ones, and its logit starts at the average logit rather than at a
 * random offset, so the first steps do not spend their loss undoing noise.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MobileMMError } from '@mobile-mm/core';
import { VisionLanguageModel } from './model.js';
import type { SceneTokenizer } from './scene-tokenizer.js';

function samePrefix(old: readonly string[], grown: readonly string[]): boolean {
  return old.length <= grown.length && old.every((w, i) => grown[i] === w);
}

/** A new model with `tokenizer` (which must extend the model's own vocabulary id for id) and the model's weights. */
export function growVocabulary(model: VisionLanguageModel, tokenizer: SceneTokenizer): VisionLanguageModel {
  const old = model.tokenizer;
  if (model.packed().size > 0) {
    throw new MobileMMError('UNSUPPORTED', 'growVocabulary: the model has packed (int2) projections; grow the float checkpoint, then quantize.', { accepted: 'a float model' });
  }
  const extends_ = old.words.length === tokenizer.words.length && samePrefix(old.words, tokenizer.words) && old.chars.length === tokenizer.chars.length && samePrefix(old.chars, tokenizer.chars) && samePrefix(old.extraWords, tokenizer.extraWords);
  if (!extends_) {
    throw new MobileMMError('INVALID_ARGUMENT', `growVocabulary: the new tokenizer (${tokenizer.vocabSize} ids) does not keep the model's ${old.vocabSize} ids in order; accepted: the same words and characters, extra words appended.`, { option: 'tokenizer' });
  }
  const grown = new VisionLanguageModel({ ...structuredClone(model.config), vocabSize: tokenizer.vocabSize }, tokenizer);
  const from = model.namedWeights();
  const v0 = old.vocabSize;
  const v1 = tokenizer.vocabSize;
  for (const [name, target] of Object.entries(grown.namedWeights())) {
    const source = from[name];
    if (!source) throw new MobileMMError('INTERNAL', `growVocabulary: ${name} has no source weight.`);
    tf.tidy(() => {
      const axis = source.shape.findIndex((d, i) => d !== target.shape[i]);
      if (axis < 0) return target.assign(source);
      if (source.shape[axis] !== v0 || target.shape[axis] !== v1 || source.shape.some((d, i) => i !== axis && d !== target.shape[i])) {
        throw new MobileMMError('INTERNAL', `growVocabulary: ${name} is [${source.shape}] in the model and [${target.shape}] in the grown one; only a vocabulary axis (${v0} → ${v1}) may differ.`);
      }
      const mean = tf.mean(source, axis, true);
      const reps = target.shape.map((_, i) => (i === axis ? v1 - v0 : 1));
      target.assign(tf.concat([source, tf.tile(mean, reps)], axis));
    });
  }
  return grown;
}
