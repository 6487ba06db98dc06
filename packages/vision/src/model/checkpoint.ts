/**
 * Model checkpoints: `model.safetensors` (every weight by its dotted name),
 * `config.json` ({model: VisionLanguageConfig, ...extra}) and
 * `tokenizer.json`. Loading checks names, shapes and dtypes against the
 * model the config describes, and fails with a typed error naming the tensor.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  MobileMMError,
  checkWeights,
  entryToTensor,
  joinLocation,
  loadCheckpoint,
  readText,
  saveCheckpoint,
  writeBytes,
  type WeightSpec,
} from '@mobile-mm/core';
import { VisionLanguageModel } from './model.js';
import { SceneTokenizer } from './scene-tokenizer.js';
import type { VisionLanguageConfig } from './config.js';

export const TOKENIZER_FILE = 'tokenizer.json';

/** Writes the three files into `dir` (Node). `extra` lands in config.json next to `model`. */
export async function saveModel(model: VisionLanguageModel, dir: string, extra: Record<string, unknown> = {}): Promise<void> {
  await saveCheckpoint(dir, {
    tensors: model.namedWeights(),
    config: { ...extra, model: model.config },
    metadata: { format: 'mobile-mm-vlm', version: '1' },
  });
  await writeBytes(await joinLocation(dir, TOKENIZER_FILE), `${JSON.stringify(model.tokenizer.toJSON(), null, 2)}\n`);
}

/** The names, shapes and dtypes a model of `config` expects. */
export function weightSpec(model: VisionLanguageModel): WeightSpec {
  const spec: Record<string, { shape: number[]; dtype: 'F32' }> = {};
  for (const [name, v] of Object.entries(model.namedWeights())) spec[name] = { shape: v.shape, dtype: 'F32' };
  return spec;
}

/** Builds the model a checkpoint folder (path or URL) describes and loads its weights. */
export async function loadModel(dir: string | URL): Promise<{ model: VisionLanguageModel; config: Record<string, unknown> }> {
  const tokenizer = SceneTokenizer.fromJSON(JSON.parse(await readText(await joinLocation(dir, TOKENIZER_FILE))));
  const first = await loadCheckpoint(dir);
  const config = first.config as Record<string, unknown> | null;
  if (!config || typeof config !== 'object' || !config.model) {
    throw new MobileMMError('INVALID_CONFIG', `config.model: missing in ${String(dir)}/config.json.`, { field: 'model' });
  }
  const model = new VisionLanguageModel(config.model as VisionLanguageConfig, tokenizer);
  try {
    checkWeights(first.tensors, weightSpec(model));
    const named = model.namedWeights();
    for (const [name, v] of Object.entries(named)) {
      const t = entryToTensor(first.tensors.get(name)!, name);
      v.assign(t as tf.Tensor);
      t.dispose();
    }
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, config };
}
