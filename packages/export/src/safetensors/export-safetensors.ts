/**
 * `--format safetensors`: our own checkpoint (model.safetensors, config.json,
 * tokenizer.json, as @mobile-mm/vision's saveModel writes it), float or
 * packed at a bit width.
 *
 * The model the checkpoint describes is built in memory first (rebuildModel)
 * and written with saveModel, so the files are exactly what loadModel reads:
 *   float → 2/4/8      quantizeModel (RTN or min-MSE), before this step (export.ts)
 *   packed b → b' > b  codes widened, the same scale·q + min values
 *   packed → 32        dequantized float kernels
 */
import * as tf from '@tensorflow/tfjs-core';
import { QuantizedTensor, type Bits } from '@mobile-mm/int2';
import { VisionLanguageModel, kernelName, saveModel, type ModelQuantization } from '@mobile-mm/vision';
import { readLinear, type TargetBits } from '../onnx/weights.js';

/** A new model holding `model`'s weights with its projections at `target` (the caller disposes it). */
export async function rebuildModel(
  model: VisionLanguageModel,
  target: TargetBits,
  quantization: ModelQuantization | null,
): Promise<{ model: VisionLanguageModel; quantization: ModelQuantization | null }> {
  const copy = new VisionLanguageModel(structuredClone(model.config), model.tokenizer);
  try {
    const source = model.namedWeights();
    for (const [name, v] of Object.entries(copy.namedWeights())) if (source[name]) v.assign(source[name]);
    let bits: Bits | null = null;
    for (const [path, l] of Object.entries(model.linears())) {
      if (!l.packed) continue;
      const w = await readLinear(l, target, path);
      if (w.kind === 'float') {
        tf.tidy(() => copy.namedWeights()[kernelName(path)].assign(tf.tensor2d(w.kernel, [w.inDim, w.outDim])));
      } else {
        bits = w.bits;
        copy.linears()[path].usePacked(QuantizedTensor.fromCanonical({ ...w }));
      }
    }
    return { model: copy, quantization: quantization && bits !== null ? { ...quantization, bits } : null };
  } catch (e) {
    copy.dispose();
    throw e;
  }
}

/** Writes the checkpoint into `dir` (an empty folder). */
export async function exportSafetensors(
  model: VisionLanguageModel,
  dir: string,
  target: TargetBits,
  quantization: ModelQuantization | null,
  extra: Record<string, unknown>,
): Promise<void> {
  const held = [...model.packed().values()].map((p) => (p as { bits?: number }).bits)[0] ?? 32;
  if (target === 'keep' || target === held) {
    await saveModel(model, dir, extra, quantization ? { quantization } : {});
    return;
  }
  const rebuilt = await rebuildModel(model, target, quantization);
  try {
    await saveModel(rebuilt.model, dir, extra, rebuilt.quantization ? { quantization: rebuilt.quantization } : {});
  } finally {
    rebuilt.model.dispose();
  }
}
