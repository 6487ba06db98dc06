/**
 * VisionLanguageModel: one model for captioning, OCR and VQA on SynthScenes.
 *
 *   memory = encoder(image, kind)                          [B, S, C]
 *   seq    = <bos> prompt <sep> answer <eos>               prompt and answer tokens
 *   logits = decoder(seq[:-1], memory)                     [B, L, V]
 *   loss   = Σ weight · CE(logits, seq[1:]) over answer positions
 *
 * The prompt (`caption`, `ocr`, or the question) is the decoder prefix, so
 * one decoder serves all three tasks. Captions and questions are word tokens,
 * OCR answers character tokens (scene-tokenizer.ts).
 *
 * Shapes: B=batch, L=sequence length − 1, S=memory tokens, C=width, V=vocabulary.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MobileMMError, TextDecoder as CoreTextDecoder, prefixWeights, setLinearKernelHook, type LayerVariable } from '@mobile-mm/core';
import { quantizedMatMul, type QuantizedTensor } from '@mobile-mm/int2';
import { MOBILE_MM_PRESETS, validateVisionLanguageConfig, type ImageKind, type PresetName, type VisionLanguageConfig } from './config.js';
import { SceneTokenizer } from './scene-tokenizer.js';
import { VisionEncoder } from './vision-encoder.js';

export type Task = 'caption' | 'ocr' | 'vqa';

/** One training/eval example before batching. */
export interface TaskExample {
  task: Task;
  kind: ImageKind;
  /** The decoder prompt: 'caption', 'ocr' or the question. */
  prompt: string;
  answer: string;
}

/** A batch ready for loss(): rows ordered as in `groups`. */
export interface TrainBatch {
  /** One image tensor per kind present, [Bk, H, W, 3] in [0,1]; rows in batch order. */
  groups: Array<{ kind: ImageKind; images: tf.Tensor4D }>;
  /** int32 [B, L]: seq[:-1]. */
  inputs: tf.Tensor2D;
  /** int32 [B, L]: seq[1:]. */
  targets: tf.Tensor2D;
  /** float32 [B, L]: loss weight per target (0 off the answer; per-task balanced; sums to 1). */
  weights: tf.Tensor2D;
}

export class VisionLanguageModel {
  readonly encoder: VisionEncoder;
  readonly decoder: CoreTextDecoder;
  /** Linear kernels replaced by packed weights (usePackedKernel): their float variables are freed. */
  private readonly packedKernels = new Map<string, QuantizedTensor>();

  constructor(
    readonly config: VisionLanguageConfig,
    readonly tokenizer: SceneTokenizer = new SceneTokenizer(),
  ) {
    validateVisionLanguageConfig(config);
    if (config.vocabSize !== tokenizer.vocabSize) {
      throw new MobileMMError('INVALID_CONFIG', `config.vocabSize: ${config.vocabSize} != tokenizer vocabulary ${tokenizer.vocabSize}.`, {
        field: 'vocabSize',
      });
    }
    this.encoder = new VisionEncoder(config.encoder);
    const d = config.decoder;
    this.decoder = new CoreTextDecoder({
      vocabSize: config.vocabSize,
      dim: d.dim,
      numLayers: d.numLayers,
      numHeads: d.numHeads,
      norm: d.norm,
      ff: d.ff,
      maxLength: d.maxLength,
      tieEmbeddings: d.tieEmbeddings,
      memoryDim: config.encoder.dim,
    });
  }

  static fromPreset(name: PresetName, tokenizer = new SceneTokenizer()): VisionLanguageModel {
    const preset = MOBILE_MM_PRESETS[name];
    if (!preset) {
      throw new MobileMMError('INVALID_CONFIG', `Unknown preset "${String(name)}"; accepted: ${Object.keys(MOBILE_MM_PRESETS).join(', ')}.`, {
        field: 'preset',
      });
    }
    return new VisionLanguageModel({ ...structuredClone(preset), vocabSize: tokenizer.vocabSize }, tokenizer);
  }

  /** images [B, H, W, 3] in [0,1] → memory [B, S, C]. */
  encode(images: tf.Tensor4D, kind: ImageKind, training = false): tf.Tensor3D {
    return tf.tidy(() => this.encoder.forward(images, kind, training));
  }

  /** Decoder prompt tokens: <bos> prompt <sep>. */
  promptTokens(prompt: string): number[] {
    const t = this.tokenizer;
    return [t.bosId, ...t.encode(prompt), t.sepId];
  }

  /** Answer tokens followed by <eos>: characters for OCR, words otherwise. */
  answerTokens(task: Task, answer: string): number[] {
    const t = this.tokenizer;
    return [...(task === 'ocr' ? t.encodeChars(answer) : t.encode(answer)), t.eosId];
  }

  /** Decodes generated answer tokens (specials dropped). */
  decodeAnswer(ids: number[]): string {
    return this.tokenizer.decode(ids).trim();
  }

  /**
   * Builds the token side of a batch. Rows must already be grouped by kind
   * (the caller stacks images in the same order). `taskWeights` balances the
   * loss per task: each task's answer tokens share weight w_task/Σw.
   */
  batchTokens(examples: TaskExample[], taskWeights: Partial<Record<Task, number>> = {}) {
    const seqs = examples.map((e) => [...this.promptTokens(e.prompt), ...this.answerTokens(e.task, e.answer)]);
    const len = Math.max(...seqs.map((s) => s.length)) - 1;
    if (len + 1 > this.config.decoder.maxLength) {
      throw new MobileMMError('INVALID_ARGUMENT', `A training sequence has ${len + 1} tokens; decoder.maxLength is ${this.config.decoder.maxLength}.`);
    }
    const b = examples.length;
    const inputs = new Int32Array(b * len);
    const targets = new Int32Array(b * len);
    const weights = new Float32Array(b * len);
    const tasks = [...new Set(examples.map((e) => e.task))];
    const wsum = tasks.reduce((s, t) => s + (taskWeights[t] ?? 1), 0);
    const tokensPerTask = new Map<Task, number>();
    examples.forEach((e, i) => {
      const answerStart = this.promptTokens(e.prompt).length - 1; // target index of the first answer token
      tokensPerTask.set(e.task, (tokensPerTask.get(e.task) ?? 0) + seqs[i].length - 1 - answerStart);
    });
    seqs.forEach((s, i) => {
      const e = examples[i];
      const answerStart = this.promptTokens(e.prompt).length - 1;
      const w = (taskWeights[e.task] ?? 1) / wsum / tokensPerTask.get(e.task)!;
      for (let j = 0; j < len; j++) {
        inputs[i * len + j] = j < s.length - 1 ? s[j] : this.tokenizer.padId;
        targets[i * len + j] = j + 1 < s.length ? s[j + 1] : this.tokenizer.padId;
        weights[i * len + j] = j >= answerStart && j + 1 < s.length ? w : 0;
      }
    });
    return { inputs, targets, weights, shape: [b, len] as [number, number] };
  }

  /** Memory for a batch's image groups, concatenated in batch order: [B, S, C]. */
  private batchMemory(groups: TrainBatch['groups'], training: boolean): tf.Tensor3D {
    const parts = groups.map((g) => this.encoder.forward(g.images, g.kind, training));
    const s = new Set(parts.map((p) => p.shape[1]));
    if (s.size > 1) throw new MobileMMError('INVALID_CONFIG', 'Image kinds give different token counts; they cannot share a batch.');
    return parts.length === 1 ? parts[0] : (tf.concat(parts, 0) as tf.Tensor3D);
  }

  /** Weighted cross-entropy of a batch (a scalar). Call inside tf.tidy / a gradient function. */
  loss(batch: TrainBatch, training = true): tf.Scalar {
    const memory = this.batchMemory(batch.groups, training);
    const logits = this.decoder.logits(batch.inputs, memory, { training }); // [B, L, V]
    const logp = tf.logSoftmax(logits); // [B, L, V]
    const picked = tf.sum(tf.mul(tf.oneHot(batch.targets, this.config.vocabSize), logp), -1); // [B, L]
    return tf.neg(tf.sum(tf.mul(picked, batch.weights))) as tf.Scalar;
  }

  /** Every layer variable by a stable dotted name (`encoder.…`, `decoder.…`), packed kernels included. */
  namedLayerWeights(): Record<string, LayerVariable> {
    return {
      ...prefixWeights('encoder', this.encoder.namedWeights()),
      ...prefixWeights('decoder', this.decoder.namedLayerWeights()),
    };
  }

  /** Every float weight by its dotted name; packed kernels (see packed()) are not float and not listed. */
  namedWeights(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    for (const [k, v] of Object.entries(this.namedLayerWeights())) if (!this.packedKernels.has(k)) out[k] = v.read() as tf.Variable;
    return out;
  }

  /** The packed (quantized) kernels by weight name. */
  packed(): ReadonlyMap<string, QuantizedTensor> {
    return this.packedKernels;
  }

  /**
   * Replaces the linear kernel `name` by the packed weight `q` (same [K, N]):
   * the float variable is freed and every matmul through it becomes
   * quantizedMatMul (the int2 kernels must be registered on the backend).
   * The model takes ownership of `q`.
   */
  usePackedKernel(name: string, q: QuantizedTensor): void {
    const v = this.namedLayerWeights()[name];
    if (!v || !name.endsWith('.kernel') || this.packedKernels.has(name)) {
      throw new MobileMMError('INVALID_ARGUMENT', `usePackedKernel: "${name}" is not a float linear kernel of this model.`, { tensor: name });
    }
    const [k, n] = v.shape as number[];
    if (q.inDim !== k || q.outDim !== n) {
      throw new MobileMMError('WEIGHTS_MISMATCH', `usePackedKernel: "${name}" is [${k}, ${n}]; the packed weight is [${q.inDim}, ${q.outDim}].`, {
        tensor: name,
        shape: [q.inDim, q.outDim],
        expected: [k, n],
      });
    }
    v.dispose();
    this.packedKernels.set(name, q);
    setLinearKernelHook(v, (x, _kernel, bias) => quantizedMatMul(x, q, bias ? (bias.read() as tf.Tensor1D) : undefined));
  }

  /** Bytes held by the weights: float variables at 4 bytes per value plus the packed tensors. */
  weightBytes(): { float: number; packed: number; total: number } {
    const float = Object.values(this.namedWeights()).reduce((s, v) => s + 4 * v.size, 0);
    const packed = [...this.packedKernels.values()].reduce((s, q) => s + q.byteSize, 0);
    return { float, packed, total: float + packed };
  }

  parameterCount(): number {
    const packed = [...this.packedKernels.values()].reduce((s, q) => s + q.inDim * q.outDim, 0);
    return Object.values(this.namedWeights()).reduce((s, v) => s + v.size, 0) + packed;
  }

  dispose(): void {
    for (const v of Object.values(this.namedWeights())) v.dispose();
    for (const q of this.packedKernels.values()) q.dispose();
    this.packedKernels.clear();
  }
}
