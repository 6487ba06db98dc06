/**
 * Model checkpoints: `model.safetensors` (every weight by its dotted name),
 * `config.json` ({model: VisionLanguageConfig, quantization?, ...extra}) and
 * `tokenizer.json`. Loading checks names, shapes and dtypes against the
 * model the config describes, and fails with a typed error naming the tensor.
 *
 * A packed (quantized) checkpoint keeps the same three files. For each packed
 * kernel `name` the safetensors file holds `name.codes` (U8), `name.scales`
 * and `name.mins` (F16/F32) in @mobile-mm/int2's canonical layout, with the
 * int2 format fields in `__metadata__` (see int2's io.ts); the other weights
 * are float tensors as usual. config.json's `quantization` lists the packed
 * kernels. Loading frees each float kernel before its codes are uploaded, so
 * no float copy of a packed weight ever exists.
 *
 * The weight names are the model's dotted paths (namedLayerWeights); a
 * projection at path P (model.linears()) stores `P.kernel` (float) or
 * `P.kernel.codes|scales|mins` (packed). This file is the only place that
 * spells a checkpoint name. @mobile-mm/int2 (and its wasm binary) is loaded
 * only for packed checkpoints, so a float model never pays for it.
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
  type ByteSource,
  type SafetensorsEntry,
  type WeightSpec,
} from '@mobile-mm/core';
import type { Bits, QuantMethod, ScaleDtype } from '@mobile-mm/int2';
import { VisionLanguageModel } from './model.js';
import { SceneTokenizer } from './scene-tokenizer.js';
import type { VisionLanguageConfig } from './config.js';

export const TOKENIZER_FILE = 'tokenizer.json';
/** How error messages name a checkpoint given as files rather than a folder. */
const CHECKPOINT_FILES_IN_HAND = '(the checkpoint files given)';

/** What config.json records about a packed checkpoint. */
export interface ModelQuantization {
  bits: Bits;
  groupSize: number;
  scaleDtype: ScaleDtype;
  /** How the codes were chosen: 'rtn', 'mse', or 'qat' (RTN of QAT-trained weights). */
  method: QuantMethod | 'qat';
  /** The packed kernels' weight names (kernelName of each packed projection), sorted. */
  kernels: string[];
}

/** The checkpoint name of the kernel of the projection at `path`. */
export function kernelName(path: string): string {
  return `${path}.kernel`;
}

/** The kernel names of every projection of the model (float or packed), sorted: what quantization can pack. */
export function linearKernelNames(model: VisionLanguageModel): string[] {
  return Object.keys(model.linears()).map(kernelName).sort();
}

/** The projection whose kernel is `name` (a kernel name, or the projection's path), or undefined. */
export function linearByName(model: VisionLanguageModel, name: string) {
  const linears = model.linears();
  return linears[name.endsWith('.kernel') ? name.slice(0, -'.kernel'.length) : name];
}

export interface SaveModelOptions {
  /** Storage dtype of the float weights. Default 'F32'. */
  floatDType?: 'F32' | 'F16';
  /** Required when the model has packed kernels: recorded as config.json's `quantization`. */
  quantization?: ModelQuantization;
}

/** Writes the three files into `dir` (Node). `extra` lands in config.json next to `model`. */
export async function saveModel(
  model: VisionLanguageModel,
  dir: string,
  extra: Record<string, unknown> = {},
  options: SaveModelOptions = {},
): Promise<void> {
  let tensors: Record<string, tf.Tensor | SafetensorsEntry> = model.namedWeights();
  let metadata: Record<string, string> = { format: 'mobile-mm-vlm', version: '1' };
  let config: Record<string, unknown> = { ...extra, model: model.config };
  if (model.packed().size > 0) {
    if (!options.quantization) {
      throw new MobileMMError('INVALID_ARGUMENT', 'saveModel: the model has packed kernels; pass options.quantization to record them.');
    }
    const { QuantizedTensor, quantizedEntries } = await import('@mobile-mm/int2');
    const packed = Object.fromEntries(
      [...model.packed()].map(([path, p]) => {
        if (!(p instanceof QuantizedTensor)) throw new MobileMMError('UNSUPPORTED', `saveModel: "${path}" is packed in a format other than @mobile-mm/int2's; only QuantizedTensor weights can be saved.`);
        return [kernelName(path), p];
      }),
    );
    const q = await quantizedEntries(packed);
    tensors = { ...tensors, ...q.entries };
    // The int2 fields own `format`; the model's format moves to `model_format`.
    metadata = { model_format: 'mobile-mm-vlm', model_version: '1', ...q.metadata };
    config = { ...config, quantization: { ...options.quantization, kernels: Object.keys(packed).sort() } };
  }
  await saveCheckpoint(dir, { tensors, config, metadata, floatDType: options.floatDType ?? 'F32' });
  await writeBytes(await joinLocation(dir, TOKENIZER_FILE), `${JSON.stringify(model.tokenizer.toJSON(), null, 2)}\n`);
}

/** The names, shapes and dtypes of a model's float weights (less `skip`). */
export function weightSpec(model: VisionLanguageModel, skip: ReadonlySet<string> = new Set()): WeightSpec {
  const spec: Record<string, { shape: number[]; dtype: ['F32', 'F16'] }> = {};
  for (const [name, v] of Object.entries(model.namedWeights())) if (!skip.has(name)) spec[name] = { shape: v.shape, dtype: ['F32', 'F16'] };
  return spec;
}

function quantizationOf(config: Record<string, unknown>, dir: string | URL): ModelQuantization | null {
  const q = config.quantization as ModelQuantization | undefined;
  if (q === undefined) return null;
  if (!q || typeof q !== 'object' || !Array.isArray(q.kernels) || !q.kernels.every((k) => typeof k === 'string')) {
    throw new MobileMMError('INVALID_CONFIG', `config.quantization: must be an object with a "kernels" list of names (in ${String(dir)}/config.json).`, {
      field: 'quantization',
    });
  }
  return q;
}

/** A checkpoint's three files already in hand (e.g. downloaded with progress): bytes, a Blob, or a location each. */
export interface ModelFiles {
  /** config.json */
  config: ByteSource;
  /** tokenizer.json */
  tokenizer: ByteSource;
  /** model.safetensors */
  weights: ByteSource;
}

/**
 * Builds the model a checkpoint folder (path or URL) — or its three files
 * (ModelFiles) — describes and loads its weights, float or packed. A packed
 * checkpoint registers the int2 kernels on the current backend.
 */
export async function loadModel(
  source: string | URL | ModelFiles,
): Promise<{ model: VisionLanguageModel; config: Record<string, unknown>; quantization: ModelQuantization | null }> {
  const inHand = typeof source === 'object' && source !== null && !(source instanceof URL);
  const dir = inHand ? CHECKPOINT_FILES_IN_HAND : source;
  const tokenizerText = await readText(inHand ? source.tokenizer : await joinLocation(source, TOKENIZER_FILE));
  const tokenizer = SceneTokenizer.fromJSON(JSON.parse(tokenizerText));
  const file = await loadCheckpoint(inHand ? { weights: source.weights, config: source.config } : source);
  const config = file.config as Record<string, unknown> | null;
  if (!config || typeof config !== 'object' || !config.model) {
    throw new MobileMMError('INVALID_CONFIG', `config.model: missing in ${String(dir)}/config.json.`, { field: 'model' });
  }
  const quantization = quantizationOf(config, dir);
  const packedNames = new Set(quantization ? quantization.kernels : []);
  const model = new VisionLanguageModel(config.model as VisionLanguageConfig, tokenizer);
  try {
    const int2 = quantization ? await import('@mobile-mm/int2') : null;
    if (int2) {
      const inFile = new Set(int2.quantizedNames(file.tensors));
      for (const name of packedNames) {
        if (!inFile.has(name)) {
          throw new MobileMMError('WEIGHTS_MISSING', `loadModel: packed weight "${name}" (config.quantization.kernels) has no "${name}.codes" in model.safetensors.`, {
            tensor: name,
          });
        }
      }
      for (const name of packedNames) {
        if (!name.endsWith('.kernel') || !linearByName(model, name)) {
          throw new MobileMMError('WEIGHTS_MISMATCH', `loadModel: config.quantization.kernels names "${name}", which is not the kernel of a projection of this model.`, {
            tensor: name,
          });
        }
      }
      const ofPackedKernel = (k: string) => {
        const m = /^(.*)\.(codes|scales|mins)$/.exec(k);
        return m !== null && packedNames.has(m[1]);
      };
      const floatOnly = new Map([...file.tensors].filter(([k]) => !ofPackedKernel(k)));
      checkWeights(floatOnly, weightSpec(model, packedNames));
    } else {
      checkWeights(file.tensors, weightSpec(model));
    }
    for (const [name, v] of Object.entries(model.namedWeights())) {
      if (packedNames.has(name)) continue;
      const t = entryToTensor(file.tensors.get(name)!, name);
      v.assign(t.dtype === 'float32' ? (t as tf.Tensor) : tf.cast(t, 'float32'));
      t.dispose();
    }
    if (int2) {
      int2.registerInt2Kernels();
      // One kernel at a time: free the float variable, then upload its codes.
      for (const name of [...packedNames].sort()) {
        const q = int2.quantizedFromEntries(file.tensors, file.metadata, { names: [name] })[name];
        try {
          linearByName(model, name)!.usePacked(q);
        } catch (e) {
          q.dispose();
          throw e;
        }
      }
    }
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, config, quantization };
}
