/**
 * VisionLanguageModel: one model for captioning, OCR and VQA on SynthScenes.
 *
 *   memory = encoder(image, kind)                          [B, S, C]
 *          (+ the 9 pooled cell vectors of a scene)        cellMemory: [B, S+9, C]
 *   seq    = <bos> prompt <sep> answer <eos>               prompt and answer tokens (batching.ts)
 *   logits = decoder(seq[:-1], memory)                     [B, L, V]   forward()
 *   loss   = Σ weight · CE(logits, seq[1:]) over answer positions
 *          + w_ocr   · CTC(ctcHead(text memory), line)         ocrCtc (ocr-ctc.ts)
 *          + w_scene · CE(cellHead(pool3×3(scene memory)))     sceneCells (scene-cells.ts)
 *
 * The prompt (`caption`, `ocr`, or the question) is the decoder prefix, so
 * one decoder serves all three tasks. Captions and questions are word tokens,
 * OCR answers character tokens (scene-tokenizer.ts). Inference goes through
 * answer.ts; checkpoints through checkpoint.ts; quantization walks linears().
 *
 * Shapes: B=batch, L=sequence length − 1, S=memory tokens, C=width, V=vocabulary.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MobileMMError, TextDecoder as CoreTextDecoder, prefixWeights, type Language, type LayerVariable, type Linear, type PackedLinear } from '@mobile-mm/core';
import type { TrainBatch } from './batching.js';
import { MOBILE_MM_PRESETS, validateVisionLanguageConfig, type ImageKind, type PresetName, type VisionLanguageConfig } from './config.js';
import { OcrCtcHead } from './ocr-ctc.js';
import type { TrainTask } from './options.js';
import { SceneCellHead } from './scene-cells.js';
import { SceneTokenizer } from './scene-tokenizer.js';
import { VisionEncoder } from './vision-encoder.js';

export class VisionLanguageModel {
  readonly encoder: VisionEncoder;
  readonly decoder: CoreTextDecoder;
  /** Per-column OCR classes (config.ocrCtc). */
  readonly ctcHead: OcrCtcHead | null = null;
  /** Per-cell scene classes (config.sceneCells). */
  readonly cellHead: SceneCellHead | null = null;

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
    this.decoder = new CoreTextDecoder({ ...d, vocabSize: config.vocabSize, memoryDim: config.encoder.dim });
    if (config.ocrCtc) this.ctcHead = new OcrCtcHead(config.encoder.dim, tokenizer.chars);
    if (config.sceneCells) this.cellHead = new SceneCellHead(config.encoder);
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

  // ------------------------------------------------------------------ forward

  /** images [B, H, W, 3] in [0,1] → memory [B, S, C] (scenes with cellMemory: [B, S+9, C]). */
  encode(images: tf.Tensor4D, kind: ImageKind, training = false): tf.Tensor3D {
    return tf.tidy(() => this.memory(this.encoder.forward(images, kind, training), kind));
  }

  /** Encoder tokens [B, S, C] → the decoder's memory: scenes get their 9 pooled cell vectors appended with cellMemory. */
  private memory(tokens: tf.Tensor3D, kind: ImageKind): tf.Tensor3D {
    if (kind !== 'scene' || !this.config.cellMemory || !this.cellHead) return tokens;
    return tf.concat([tokens, this.cellHead.pool(tokens)], 1) as tf.Tensor3D; // [B, S+9, C]
  }

  /** Teacher-forced decoder: tokens [B, L] against memory [B, S, C] → logits [B, L, V]. */
  forward(tokens: tf.Tensor2D, memory: tf.Tensor3D, training = false): tf.Tensor3D {
    return this.decoder.logits(tokens, memory, { training });
  }

  /**
   * Decoder prompt tokens: <bos> prompt <sep>, with the language tag after
   * <bos> on a v2 vocabulary (<bos> <ja> prompt <sep>): the tag picks the
   * answer language. A v1 vocabulary answers in English only.
   */
  promptTokens(prompt: string, lang: Language = 'en'): number[] {
    const t = this.tokenizer;
    const tag = t.languageId(lang);
    if (tag === null && (lang !== 'en' || t.languages.length > 0)) {
      const known = t.languages.length > 0 ? t.languages : ['en'];
      throw new MobileMMError('INVALID_ARGUMENT', `lang: this model answers in ${known.join(', ')}; got ${JSON.stringify(lang)}.`, { option: 'lang', accepted: known });
    }
    return [t.bosId, ...(tag === null ? [] : [tag]), ...t.encode(prompt), t.sepId];
  }

  /** Answer tokens followed by <eos>: characters for OCR, words otherwise. */
  answerTokens(task: TrainTask, answer: string): number[] {
    const t = this.tokenizer;
    return [...(task === 'ocr' ? t.encodeChars(answer) : t.encode(answer)), t.eosId];
  }

  /** Decodes generated answer tokens (specials dropped). */
  decodeAnswer(ids: number[]): string {
    return this.tokenizer.decode(ids).trim();
  }

  // --------------------------------------------------------------------- loss

  /**
   * The training loss of a batch (a scalar). Call inside tf.tidy / a gradient function.
   *
   * Groups whose memories have the same token count share one decoder call
   * (memories concatenated in batch order); otherwise (text lines read as
   * columns) each group's rows are decoded against its own memory and the
   * weighted sums added: the same loss, since rows are independent.
   */
  loss(batch: TrainBatch, training = true): tf.Scalar {
    const tokens = batch.groups.map((g) => this.encoder.forward(g.images, g.kind, training)); // [Bk, Sk, C] each
    let loss = this.crossEntropy(batch, tokens.map((t, i) => this.memory(t, batch.groups[i].kind)), training);
    const text = batch.groups.findIndex((g) => g.kind === 'text');
    if (this.ctcHead && batch.ctc && text >= 0) loss = tf.add(loss, this.ctcHead.loss(tokens[text], batch.ctc.labels, batch.ctc.weight));
    const scene = batch.groups.findIndex((g) => g.kind === 'scene');
    if (this.cellHead && batch.cells && scene >= 0) loss = tf.add(loss, this.cellHead.loss(tokens[scene], batch.cells.labels, batch.cells.weight));
    return loss;
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
    const logp = tf.logSoftmax(this.forward(inputs, memory, training)); // [B, L, V]
    const picked = tf.sum(tf.mul(tf.oneHot(targets, this.config.vocabSize), logp), -1); // [B, L]
    return tf.neg(tf.sum(tf.mul(picked, weights))) as tf.Scalar;
  }

  // ------------------------------------------------------------------ weights

  /** Every projection by dotted path (`encoder.blocks.0.attn.q`, `ocr_ctc`, ...): what QAT and packing walk. */
  linears(): Record<string, Linear> {
    return {
      ...prefixWeights('encoder', this.encoder.linears()),
      ...prefixWeights('decoder', this.decoder.linears()),
      ...(this.ctcHead ? { ocr_ctc: this.ctcHead.head.linear } : {}),
      ...(this.cellHead ? { scene_cells: this.cellHead.head.linear } : {}),
    };
  }

  /** The packed projections by path (empty for a float model). */
  packed(): Map<string, PackedLinear> {
    return new Map(Object.entries(this.linears()).flatMap(([path, l]) => (l.packed ? [[path, l.packed] as const] : [])));
  }

  /** Every float layer variable by a stable dotted name (`encoder.…`, `decoder.…`); packed kernels are not float and not listed. */
  namedLayerWeights(): Record<string, LayerVariable> {
    return {
      ...prefixWeights('encoder', this.encoder.namedWeights()),
      ...prefixWeights('decoder', this.decoder.namedLayerWeights()),
      ...(this.ctcHead ? prefixWeights('ocr_ctc', this.ctcHead.head.namedWeights()) : {}),
      ...(this.cellHead ? prefixWeights('scene_cells', this.cellHead.head.namedWeights()) : {}),
    };
  }

  /** The same weights as tf.Variables (for optimizers and checkpoints). */
  namedWeights(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    for (const [k, v] of Object.entries(this.namedLayerWeights())) out[k] = v.read() as tf.Variable;
    return out;
  }

  /** Bytes held by the weights: float variables at 4 bytes per value plus the packed tensors. */
  weightBytes(): { float: number; packed: number; total: number } {
    const float = Object.values(this.namedWeights()).reduce((s, v) => s + 4 * v.size, 0);
    const packed = [...this.packed().values()].reduce((s, q) => s + q.byteSize, 0);
    return { float, packed, total: float + packed };
  }

  parameterCount(): number {
    const packed = [...this.packed().values()].reduce((s, q) => s + q.inDim * q.outDim, 0);
    return Object.values(this.namedWeights()).reduce((s, v) => s + v.size, 0) + packed;
  }

  dispose(): void {
    for (const v of Object.values(this.namedWeights())) v.dispose();
    for (const q of this.packed().values()) q.dispose();
  }
}
