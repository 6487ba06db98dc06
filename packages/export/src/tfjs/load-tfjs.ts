/**
 * Loading a `--format tfjs` folder with tf.io: model.json's weights manifest
 * is read by tf.io's own weights loader (`tf.io.weightsLoaderFactory`, given
 * a function that reads shard files), which dequantizes uint8 / float16
 * entries; the model is then built from the config in model.json.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MobileMMError, joinLocation, readBytes, readText } from '@mobile-mm/core';
import { SceneTokenizer, VisionLanguageModel, type VisionLanguageConfig } from '@mobile-mm/vision';
import { TFJS_MODEL_FILE, type TfjsWeightsJson } from './export-tfjs.js';

/** model.json of a folder (path or URL) and the named tensors its manifest describes (the caller disposes them). */
export async function loadTfjsWeights(dir: string | URL): Promise<{ json: TfjsWeightsJson; tensors: tf.NamedTensorMap }> {
  const json = JSON.parse(await readText(await joinLocation(dir, TFJS_MODEL_FILE))) as TfjsWeightsJson;
  if (!Array.isArray(json.weightsManifest)) {
    throw new MobileMMError('INVALID_CONFIG', `${TFJS_MODEL_FILE}: no weightsManifest in ${String(dir)}.`, { field: 'weightsManifest' });
  }
  const fetchShards = async (paths: string[]) =>
    Promise.all(
      paths.map(async (p) => {
        const bytes = await readBytes(await joinLocation(dir, p.split('/').pop()!));
        return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      }),
    );
  const tensors = await tf.io.weightsLoaderFactory(fetchShards)(json.weightsManifest, '');
  return { json, tensors };
}

/** A float VisionLanguageModel from a tfjs export folder. */
export async function loadTfjsModel(dir: string | URL): Promise<VisionLanguageModel> {
  const { json, tensors } = await loadTfjsWeights(dir);
  try {
    const tokenizer = SceneTokenizer.fromJSON(JSON.parse(await readText(await joinLocation(dir, 'tokenizer.json'))));
    const model = new VisionLanguageModel(json.userDefinedMetadata.config.model as VisionLanguageConfig, tokenizer);
    for (const [name, v] of Object.entries(model.namedWeights())) {
      const t = tensors[name];
      if (!t) {
        model.dispose();
        throw new MobileMMError('WEIGHTS_MISSING', `${TFJS_MODEL_FILE}: no weight "${name}" in the manifest.`, { tensor: name });
      }
      v.assign(t);
    }
    return model;
  } finally {
    tf.dispose(Object.values(tensors));
  }
}
