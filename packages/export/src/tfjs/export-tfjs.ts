/**
 * The tf.io weights format: `model.json` with a `weightsManifest` (name,
 * shape, dtype and, with --bits 8 or 16, the tf.io `quantization` field)
 * and binary shards `group1-shardNofM.bin` of at most 4 MiB, as the tfjs
 * converter writes them. Any tf.io weights loader reads it
 * (`tf.io.weightsLoaderFactory(fetch)(manifest, dir)`, or `tf.io.decodeWeights`
 * on the concatenated shards), dequantizing on load.
 *
 *   --bits 32 (default)  float32
 *   --bits 16            float16 ({dtype: 'float16'})
 *   --bits 8             uint8 per tensor, w ≈ scale·q + min ({dtype: 'uint8', scale, min})
 *
 * model.json has no `modelTopology`: the model is not a tfjs-layers or graph
 * model. Its layers are mobile-mm classes (MobileMMLinear, PatchStem, ...)
 * registered by @mobile-mm/core and /vision, and inference is an encoder plus
 * a decoder driven step by step with a KV cache, which neither
 * `tf.loadLayersModel` nor `tf.loadGraphModel` can express. A user loads the
 * named tensors with tf.io and builds the model with @mobile-mm/vision
 * (`loadTfjsModel` here does both). Packed (2/4-bit) weights are written
 * dequantized: tf.io quantization is per tensor, not per 64-row group.
 */
import * as tf from '@tensorflow/tfjs-core';
import { float32ToFloat16Bits } from '@mobile-mm/core';
import { kernelName, type VisionLanguageModel } from '@mobile-mm/vision';
import { dequantizeLinear, readLinear } from '../onnx/weights.js';

export const TFJS_MODEL_FILE = 'model.json';
const SHARD_BYTES = 4 * 1024 * 1024;

export type TfjsBits = 8 | 16 | 32;

export interface TfjsWeightsJson {
  format: 'mobile-mm-vlm-weights';
  generatedBy: string;
  convertedBy: string;
  weightsManifest: tf.io.WeightsManifestConfig;
  /** config.json's content (the model config among it), so the folder stands alone. */
  userDefinedMetadata: { config: Record<string, unknown> };
}

/** Every weight as float32 host values by checkpoint name; packed projections dequantized. */
export async function floatWeights(model: VisionLanguageModel): Promise<Array<{ name: string; shape: number[]; values: Float32Array }>> {
  const out: Array<{ name: string; shape: number[]; values: Float32Array }> = [];
  for (const [name, v] of Object.entries(model.namedWeights())) out.push({ name, shape: [...v.shape], values: Float32Array.from(await v.data()) });
  for (const [path, l] of Object.entries(model.linears())) {
    if (!l.packed) continue;
    const w = await readLinear(l, 'keep', path);
    const f = w.kind === 'packed' ? dequantizeLinear(w) : w;
    out.push({ name: kernelName(path), shape: [l.inDim, l.outDim], values: f.kernel });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

function encode(values: Float32Array, bits: TfjsBits): { bytes: Uint8Array; dtype: 'float32'; quantization?: tf.io.WeightsManifestEntry['quantization'] } {
  if (bits === 32) return { bytes: new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)), dtype: 'float32' };
  if (bits === 16) {
    const h = Uint16Array.from(values, (v) => float32ToFloat16Bits(v));
    return { bytes: new Uint8Array(h.buffer), dtype: 'float32', quantization: { dtype: 'float16' } };
  }
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const scale = max > min ? (max - min) / 255 : 1;
  const q = Uint8Array.from(values, (v) => Math.min(255, Math.max(0, Math.round((v - min) / scale))));
  return { bytes: q, dtype: 'float32', quantization: { dtype: 'uint8', scale, min } };
}

/** model.json and its shards. */
export async function exportTfjs(model: VisionLanguageModel, bits: TfjsBits, config: Record<string, unknown>): Promise<Map<string, Uint8Array>> {
  const weights = await floatWeights(model);
  const specs: tf.io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  for (const w of weights) {
    const e = encode(w.values, bits);
    specs.push({ name: w.name, shape: w.shape, dtype: e.dtype, ...(e.quantization ? { quantization: e.quantization } : {}) });
    parts.push(e.bytes);
  }
  const total = parts.reduce((s, p) => s + p.length, 0);
  const all = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    all.set(p, off);
    off += p.length;
  }
  const count = Math.max(1, Math.ceil(total / SHARD_BYTES));
  const files = new Map<string, Uint8Array>();
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `group1-shard${i + 1}of${count}.bin`;
    paths.push(name);
    files.set(name, all.subarray(i * SHARD_BYTES, Math.min(total, (i + 1) * SHARD_BYTES)));
  }
  const json: TfjsWeightsJson = {
    format: 'mobile-mm-vlm-weights',
    generatedBy: `@tensorflow/tfjs-core ${tf.version_core}`,
    convertedBy: 'mobile-mm export 0.1.0',
    weightsManifest: [{ paths, weights: specs }],
    userDefinedMetadata: { config },
  };
  files.set(TFJS_MODEL_FILE, new TextEncoder().encode(`${JSON.stringify(json, null, 2)}\n`));
  return files;
}
