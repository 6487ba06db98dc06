/**
 * VisionLanguageModel: one model for captioning, OCR and VQA on SynthScenes.
 *
 *   memory = encoder(image, kind)                          [B, S, C]
 *   seq    = <bos> prompt <sep> answer <eos>               prompt and answer tokens
 *   logits = decoder(seq[:-1], memory)                     [B, L, V]
 *   loss   = Σ weight · CE(logits, seq[1:]) over answer positions
 *          + w_ocr   · CTC(ctcHead(text memory), line)           ocrCtc: [B, T, 1+chars]
 *          + w_scene · CE(cellHead(pool3×3(scene memory)), cells)  sceneCells: [B, 9, 25]
 *
 * The prompt (`caption`, `ocr`, or the question) is the decoder prefix, so
 * one decoder serves all three tasks. Captions and questions are word tokens,
 * OCR answers character tokens (scene-tokenizer.ts). The two optional heads
 * are auxiliary training signals per location (token-class-head.ts); the CTC
 * head also reads text lines in one pass (ctcPaths, readLinesCtc).
 *
 * Shapes: B=batch, L=sequence length − 1, S=memory tokens, C=width, V=vocabulary.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MobileMMError, TextDecoder as CoreTextDecoder, ctcBestPath, ctcLoss, prefixWeights, setLinearKernelHook, type CtcPath, type LayerVariable } from '@mobile-mm/core';
import { quantizedMatMul, type QuantizedTensor } from '@mobile-mm/int2';
import { MOBILE_MM_PRESETS, SCENE_CELL_CLASSES, SCENE_GRID, scenePoolMatrix, validateVisionLanguageConfig, type ImageKind, type PresetName, type VisionLanguageConfig } from './config.js';
import { SceneTokenizer } from './scene-tokenizer.js';
import { TokenClassHead } from './token-class-head.js';
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
  /** CTC targets of the text-line rows, in batch order (models with ocrCtc; see batchCtc). */
  ctc?: { labels: number[][]; weight: number };
  /**
   * Scene-cell targets of the scene rows, in batch order (models with
   * sceneCells): 9 classes per scene, row by row (0 empty, else
   * 1 + (shape·4 + colour)·2 + size), and the term's weight.
   */
  cells?: { labels: Int32Array; weight: number };
}

/**
 * The loss share of `tasks` in a batch of `examples`: Σ w over those tasks
 * present / Σ w over all tasks present (absent weights count 1). Each task's
 * answer tokens, and the auxiliary term that belongs to it, get this share.
 */
export function taskShare(examples: readonly TaskExample[], taskWeights: Partial<Record<Task, number>>, tasks: readonly Task[]): number {
  const present = [...new Set(examples.map((e) => e.task))];
  const w = (t: Task) => taskWeights[t] ?? 1;
  return present.filter((t) => tasks.includes(t)).reduce((s, t) => s + w(t), 0) / present.reduce((s, t) => s + w(t), 0);
}

export class VisionLanguageModel {
  readonly encoder: VisionEncoder;
  readonly decoder: CoreTextDecoder;
  /** Per-column OCR classes (config.ocrCtc): blank = 0, then the tokenizer's characters. */
  readonly ctcHead: TokenClassHead | null = null;
  /** Per-cell scene classes (config.sceneCells). */
  readonly cellHead: TokenClassHead | null = null;
  /** scenePoolMatrix of this config, computed on first use. */
  private poolMatrix: Float32Array | null = null;
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
    if (config.ocrCtc) {
      this.ctcHead = new TokenClassHead({ dim: config.encoder.dim, classes: tokenizer.chars.length + 1, name: 'ocr_ctc' });
      this.ctcHead.build([null, null, config.encoder.dim]);
    }
    if (config.sceneCells) {
      this.cellHead = new TokenClassHead({ dim: config.encoder.dim, classes: SCENE_CELL_CLASSES, name: 'scene_cells' });
      this.cellHead.build([null, null, config.encoder.dim]);
    }
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
    const share = new Map([...new Set(examples.map((e) => e.task))].map((t) => [t, taskShare(examples, taskWeights, [t])]));
    const tokensPerTask = new Map<Task, number>();
    examples.forEach((e, i) => {
      const answerStart = this.promptTokens(e.prompt).length - 1; // target index of the first answer token
      tokensPerTask.set(e.task, (tokensPerTask.get(e.task) ?? 0) + seqs[i].length - 1 - answerStart);
    });
    seqs.forEach((s, i) => {
      const e = examples[i];
      const answerStart = this.promptTokens(e.prompt).length - 1;
      const w = share.get(e.task)! / tokensPerTask.get(e.task)!;
      for (let j = 0; j < len; j++) {
        inputs[i * len + j] = j < s.length - 1 ? s[j] : this.tokenizer.padId;
        targets[i * len + j] = j + 1 < s.length ? s[j + 1] : this.tokenizer.padId;
        weights[i * len + j] = j >= answerStart && j + 1 < s.length ? w : 0;
      }
    });
    return { inputs, targets, weights, shape: [b, len] as [number, number] };
  }

  /**
   * CTC targets for the OCR rows of `examples` (in order): class ids (blank 0,
   * then the tokenizer's characters) and the CTC term's weight, the OCR
   * task's loss share (w_ocr/Σw, as in batchTokens). Undefined without an
   * OCR row or a CTC head.
   */
  batchCtc(examples: TaskExample[], taskWeights: Partial<Record<Task, number>> = {}): TrainBatch['ctc'] | undefined {
    const ocr = examples.filter((e) => e.task === 'ocr');
    if (!this.ctcHead || ocr.length === 0) return undefined;
    return { labels: ocr.map((e) => this.ctcClasses(e.answer)), weight: taskShare(examples, taskWeights, ['ocr']) };
  }

  /** A text line's CTC class ids: character index + 1 (unknown characters are rejected). */
  ctcClasses(text: string): number[] {
    const chars = this.tokenizer.chars;
    return [...text].map((c) => {
      const i = chars.indexOf(c);
      if (i < 0) throw new MobileMMError('INVALID_ARGUMENT', `OCR text ${JSON.stringify(text)} has "${c}"; accepted characters: ${chars.join('')}.`);
      return i + 1;
    });
  }

  /**
   * Best CTC paths of text-line memory [B, T, C] (the CTC head's argmax per
   * column, repeats merged, blanks dropped), as the tokenizer's character ids
   * with their log-probs. Synchronous (dataSync): one small read-back.
   */
  ctcPaths(memory: tf.Tensor3D): CtcPath[] {
    const head = this.ctcHead;
    if (!head) throw new MobileMMError('INVALID_CONFIG', 'This model has no OCR CTC head (config.ocrCtc).', { field: 'ocrCtc' });
    const logp = tf.tidy(() => head.forward(memory)); // [B, T, K]
    const [b, t, k] = logp.shape;
    const data = logp.dataSync();
    logp.dispose();
    const chars = this.tokenizer.chars;
    return Array.from({ length: b }, (_, i) => {
      const p = ctcBestPath(data.subarray(i * t * k, (i + 1) * t * k), t, k);
      return { ...p, labels: p.labels.map((c) => this.tokenizer.encodeChars(chars[c - 1])[0]) };
    });
  }

  /** Reads text lines [B, 32, 128, 3] in [0,1] in one pass with the CTC head. */
  readLinesCtc(images: tf.Tensor4D): string[] {
    const memory = this.encode(images, 'text');
    try {
      return this.ctcPaths(memory).map((p) => this.decodeAnswer(p.labels));
    } finally {
      memory.dispose();
    }
  }

  /**
   * Weighted cross-entropy of a batch (a scalar). Call inside tf.tidy / a gradient function.
   *
   * Groups whose memories have the same token count share one decoder call
   * (memories concatenated in batch order); otherwise (text lines read as
   * columns) each group's rows are decoded against its own memory and the
   * weighted sums added — the same loss, since rows are independent.
   */
  loss(batch: TrainBatch, training = true): tf.Scalar {
    const memories = batch.groups.map((g) => this.encoder.forward(g.images, g.kind, training)); // [Bk, Sk, C] each
    let loss = this.crossEntropy(batch, memories, training);
    const text = batch.groups.findIndex((g) => g.kind === 'text');
    if (this.ctcHead && batch.ctc && text >= 0) {
      // CTC per OCR row, normalised like the cross-entropy (per target: the characters plus <eos>).
      const { labels, weight } = batch.ctc;
      const nll = ctcLoss(this.ctcHead.forward(memories[text]), labels); // [Bt]
      const targets = labels.reduce((s, l) => s + l.length + 1, 0);
      loss = tf.add(loss, tf.mul(tf.sum(nll), weight / targets)) as tf.Scalar;
    }
    const scene = batch.groups.findIndex((g) => g.kind === 'scene');
    if (this.cellHead && batch.cells && scene >= 0) {
      const logp = this.cellHead.forward(this.sceneCells(memories[scene])); // [Bs, 9, K]
      const picked = tf.sum(tf.mul(tf.oneHot(tf.tensor1d(batch.cells.labels, 'int32'), SCENE_CELL_CLASSES), tf.reshape(logp, [-1, SCENE_CELL_CLASSES])), -1); // [Bs·9]
      loss = tf.add(loss, tf.mul(tf.mean(picked), -batch.cells.weight)) as tf.Scalar;
    }
    return loss;
  }

  /** Scene memory [B, R·Q, C] → area-pooled 3×3 cells [B, 9, C]. */
  sceneCells(memory: tf.Tensor3D): tf.Tensor3D {
    const [b, t, c] = memory.shape;
    this.poolMatrix ??= scenePoolMatrix(this.config.encoder);
    const pool = tf.tensor2d(this.poolMatrix, [SCENE_GRID * SCENE_GRID, t]); // [9, T]
    const flat = tf.reshape(tf.transpose(memory, [1, 0, 2]), [t, b * c]); // [T, B·C]
    const cells = tf.reshape(tf.matMul(pool, flat), [SCENE_GRID * SCENE_GRID, b, c]); // [9, B, C]
    return tf.transpose(cells, [1, 0, 2]) as tf.Tensor3D; // [B, 9, C]
  }

  private crossEntropy(batch: TrainBatch, memories: tf.Tensor3D[], training: boolean): tf.Scalar {
    if (new Set(memories.map((m) => m.shape[1])).size === 1) {
      const memory = memories.length === 1 ? memories[0] : (tf.concat(memories, 0) as tf.Tensor3D);
      return this.weightedNll(memory, batch.inputs, batch.targets, batch.weights, training);
    }
    const len = batch.inputs.shape[1];
    let row = 0;
    const parts = memories.map((memory) => {
      const n = memory.shape[0];
      const rows = <T extends tf.Tensor2D>(t: T) => tf.slice(t, [row, 0], [n, len]) as T;
      const part = this.weightedNll(memory, rows(batch.inputs), rows(batch.targets), rows(batch.weights), training);
      row += n;
      return part;
    });
    return tf.addN(parts) as tf.Scalar;
  }

  /** −Σ weights · log p(targets | inputs, memory) over [B, L]. */
  private weightedNll(memory: tf.Tensor3D, inputs: tf.Tensor2D, targets: tf.Tensor2D, weights: tf.Tensor2D, training: boolean): tf.Scalar {
    const logits = this.decoder.logits(inputs, memory, { training }); // [B, L, V]
    const logp = tf.logSoftmax(logits); // [B, L, V]
    const picked = tf.sum(tf.mul(tf.oneHot(targets, this.config.vocabSize), logp), -1); // [B, L]
    return tf.neg(tf.sum(tf.mul(picked, weights))) as tf.Scalar;
  }

  /** Every layer variable by a stable dotted name (`encoder.…`, `decoder.…`), packed kernels included. */
  namedLayerWeights(): Record<string, LayerVariable> {
    return {
      ...prefixWeights('encoder', this.encoder.namedWeights()),
      ...prefixWeights('decoder', this.decoder.namedLayerWeights()),
      ...(this.ctcHead ? prefixWeights('ocr_ctc', this.ctcHead.namedWeights()) : {}),
      ...(this.cellHead ? prefixWeights('scene_cells', this.cellHead.namedWeights()) : {}),
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
