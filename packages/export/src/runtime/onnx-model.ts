/**
 * OnnxVisionModel: an exported model (export --format onnx) run by
 * onnxruntime, with the decoding @mobile-mm/vision's answer() uses:
 *
 *   rgba → preprocess (vision's, on the current tfjs backend) → pixel_values [B, H, W, 3]
 *   memory (+ ctc_log_probs) = encoder_<kind>.onnx(pixel_values)
 *   greedy: prefill <bos> prompt <sep> with empty pasts, then one token a step,
 *           the presents fed back (encoder_hidden_states [B, 0, C] after the first step);
 *           argmax with core's argmax; finished rows keep feeding their last token
 *           (as core's sampleLoop); rows grouped by prompt length (as core's generate)
 *   ctc:    best path of ctc_log_probs with core's ctcBestPath
 *
 * The runtime is passed in (`onnxruntime-node` or `onnxruntime-web`), so
 * this package depends on neither. Files are read as bytes (Node paths or
 * URLs through core's readBytes), which both runtimes accept.
 *
 * Shapes: B=rows, T=tokens, S=memory tokens, C=width, H=heads, D=head size, V=vocabulary.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MobileMMError, argmax, ctcBestPath, joinLocation, logSoftmax, readBytes, readText, type Language } from '@mobile-mm/core';
import { IMAGE_SIZES, SceneTokenizer, TASK_MAX_NEW_TOKENS, TASK_PROMPTS, preprocess, taskKind, type ImageKind, type RgbaImage } from '@mobile-mm/vision';

/** The parts of onnxruntime-common's API used here (onnxruntime-node and -web both provide them). */
export interface OrtTensor {
  readonly data: unknown;
  readonly dims: readonly number[];
  dispose?(): void;
}
export interface OrtSession {
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}
export interface OrtModule {
  InferenceSession: { create(model: Uint8Array, options?: Record<string, unknown>): Promise<OrtSession> };
  Tensor: new (type: 'float32' | 'int64', data: Float32Array | BigInt64Array, dims: readonly number[]) => OrtTensor;
}

/** The `onnx` section of config.json (export-onnx.ts writes it). */
interface OnnxSection {
  encoders: Record<ImageKind, { file: string; input: string; outputs: string[]; tokens: number }>;
  decoder: { file: string; layers: number; numHeads: number; headDim: number; dim: number; vocabSize: number; maxLength: number };
  generation: { bosTokenId: number; sepTokenId: number; eosTokenId: number; ctc: { output: string; ocrChars: string[] } | null };
}

export interface OnnxAnswer {
  text: string;
  tokens: number[];
  finishReason: 'stop' | 'length';
  score: number;
}

export interface OnnxEncoded {
  /** [B, S, C] row-major. */
  memory: Float32Array;
  dims: [number, number, number];
  /** Text lines with the CTC head: [B, T, K]. */
  ctc: { data: Float32Array; dims: [number, number, number] } | null;
}

/** Per-layer cache: self K/V [B, H, P, D] and cross K/V [B, H, S, D]. */
interface StepCache {
  self: OrtTensor[];
  cross: OrtTensor[];
}

export interface OnnxAnswerOptions {
  /** 'greedy' (default) or 'ctc' (OCR through the CTC head). */
  decoding?: 'greedy' | 'ctc';
  /** Default: the task's budget (TASK_MAX_NEW_TOKENS). */
  maxNewTokens?: number;
  /** The answer language on a v2 vocabulary (its tag follows <bos>, as in vision's answer()); default 'en'. */
  lang?: Language;
  /** Filled in with the call's timings (ms), as answer()'s AnswerTimings. */
  timings?: Partial<{ preprocessMs: number; encodeMs: number; decodeMs: number; totalMs: number }>;
}

export interface OnnxLoadOptions {
  /** Passed to InferenceSession.create (intraOpNumThreads, executionProviders, ...). */
  sessionOptions?: Record<string, unknown>;
}

export class OnnxVisionModel {
  private constructor(
    private readonly ort: OrtModule,
    readonly config: Record<string, unknown> & { onnx: OnnxSection },
    readonly tokenizer: SceneTokenizer,
    private readonly encoders: Record<ImageKind, OrtSession>,
    private readonly decoder: OrtSession,
  ) {}

  /** Loads an exported folder (path or URL). */
  static async load(ort: OrtModule, dir: string | URL, options: OnnxLoadOptions = {}): Promise<OnnxVisionModel> {
    const config = JSON.parse(await readText(await joinLocation(dir, 'config.json'))) as Record<string, unknown>;
    const tokenizer = JSON.parse(await readText(await joinLocation(dir, 'tokenizer.json'))) as unknown;
    return OnnxVisionModel.create(ort, { config, tokenizer, file: async (name) => readBytes(await joinLocation(dir, name)) }, options);
  }

  /** From config.json's and tokenizer.json's content and a reader of the .onnx files (bytes in memory, a fetch, ...). */
  static async create(
    ort: OrtModule,
    source: { config: Record<string, unknown>; tokenizer: unknown; file: (name: string) => Promise<Uint8Array> },
    options: OnnxLoadOptions = {},
  ): Promise<OnnxVisionModel> {
    const onnx = source.config.onnx as OnnxSection | undefined;
    if (!onnx || typeof onnx !== 'object') {
      throw new MobileMMError('INVALID_CONFIG', 'config.onnx: missing; export the checkpoint with --format onnx.', { field: 'onnx' });
    }
    const tokenizer = SceneTokenizer.fromJSON(source.tokenizer);
    const session = async (file: string) => ort.InferenceSession.create(await source.file(file), options.sessionOptions ?? {});
    const encoders = { scene: await session(onnx.encoders.scene.file), text: await session(onnx.encoders.text.file) };
    const decoder = await session(onnx.decoder.file);
    return new OnnxVisionModel(ort, source.config as Record<string, unknown> & { onnx: OnnxSection }, tokenizer, encoders, decoder);
  }

  get hasCtcHead(): boolean {
    return this.config.onnx.generation.ctc !== null;
  }

  /** pixel_values [B, H, W, 3] (row-major, [0, 1]) → memory and, for text lines with the CTC head, log-probs. */
  async encode(pixels: Float32Array, batch: number, kind: ImageKind): Promise<OnnxEncoded> {
    const [h, w] = IMAGE_SIZES[kind];
    const e = this.config.onnx.encoders[kind];
    const out = await this.encoders[kind].run({ [e.input]: new this.ort.Tensor('float32', pixels, [batch, h, w, 3]) });
    const mem = out[e.outputs[0]];
    const ctcName = e.outputs[1];
    const ctc = ctcName ? { data: out[ctcName].data as Float32Array, dims: out[ctcName].dims as [number, number, number] } : null;
    return { memory: mem.data as Float32Array, dims: mem.dims as [number, number, number], ctc };
  }

  /**
   * One decoder call: tokens [B, T] after the cache (null = first step, which
   * projects `memory` [B, S, C] into the cross K/V). Returns logits [B, T, V] and the new cache.
   */
  async step(tokens: number[][], cache: StepCache | null, memory: { data: Float32Array; dims: [number, number, number] } | null): Promise<{ logits: Float32Array; cache: StepCache }> {
    const d = this.config.onnx.decoder;
    const B = tokens.length;
    const T = tokens[0].length;
    const { Tensor } = this.ort;
    const empty = () => new Tensor('float32', new Float32Array(0), [B, d.numHeads, 0, d.headDim]);
    const feeds: Record<string, OrtTensor> = {
      input_ids: new Tensor('int64', BigInt64Array.from(tokens.flat(), (t) => BigInt(t)), [B, T]),
      encoder_hidden_states: memory ? new Tensor('float32', memory.data, memory.dims) : new Tensor('float32', new Float32Array(0), [B, 0, d.dim]),
    };
    for (let i = 0; i < d.layers; i++) {
      feeds[`past_key_values.${i}.decoder.key`] = cache ? cache.self[2 * i] : empty();
      feeds[`past_key_values.${i}.decoder.value`] = cache ? cache.self[2 * i + 1] : empty();
      feeds[`past_key_values.${i}.encoder.key`] = cache ? cache.cross[2 * i] : empty();
      feeds[`past_key_values.${i}.encoder.value`] = cache ? cache.cross[2 * i + 1] : empty();
    }
    const out = await this.decoder.run(feeds);
    for (const t of Object.values(feeds)) t.dispose?.();
    const next: StepCache = { self: [], cross: [] };
    for (let i = 0; i < d.layers; i++) {
      next.self.push(out[`present.${i}.decoder.key`], out[`present.${i}.decoder.value`]);
      next.cross.push(out[`present.${i}.encoder.key`], out[`present.${i}.encoder.value`]);
    }
    const logits = out.logits.data as Float32Array;
    out.logits.dispose?.();
    return { logits, cache: next };
  }

  /** Greedy decoding with the KV cache; prompts grouped by length, each group against its memory rows. */
  async generate(prompts: number[][], memory: { data: Float32Array; dims: [number, number, number] }, maxNewTokens: number): Promise<OnnxAnswer[]> {
    const out = new Array<OnnxAnswer>(prompts.length);
    const groups = new Map<number, number[]>();
    prompts.forEach((p, i) => groups.set(p.length, [...(groups.get(p.length) ?? []), i]));
    const [, S, C] = memory.dims;
    for (const rows of groups.values()) {
      const mem = new Float32Array(rows.length * S * C);
      rows.forEach((r, j) => mem.set(memory.data.subarray(r * S * C, (r + 1) * S * C), j * S * C));
      const answers = await this.greedy(
        rows.map((r) => prompts[r]),
        { data: mem, dims: [rows.length, S, C] },
        maxNewTokens,
      );
      rows.forEach((r, j) => (out[r] = answers[j]));
    }
    return out;
  }

  private async greedy(prompts: number[][], memory: { data: Float32Array; dims: [number, number, number] }, maxNewTokens: number): Promise<OnnxAnswer[]> {
    const d = this.config.onnx.decoder;
    const eos = this.config.onnx.generation.eosTokenId;
    const B = prompts.length;
    const V = d.vocabSize;
    const maxNew = Math.min(maxNewTokens, d.maxLength - prompts[0].length);
    const answers: OnnxAnswer[] = prompts.map(() => ({ text: '', tokens: [], finishReason: 'length', score: 0 }));
    if (maxNew <= 0) return answers;
    const done = new Array<boolean>(B).fill(false);
    let cache: StepCache | null = null;
    try {
      let r = await this.step(prompts, null, memory);
      let T = prompts[0].length;
      const last = prompts.map((p) => p[p.length - 1]);
      for (let step = 0; ; step++) {
        for (let b = 0; b < B; b++) {
          if (done[b]) continue;
          const row = r.logits.subarray((b * T + T - 1) * V, (b * T + T) * V);
          const token = argmax(row);
          answers[b].score += logSoftmax(row)[token];
          last[b] = token;
          if (token === eos) {
            done[b] = true;
            answers[b].finishReason = 'stop';
          } else answers[b].tokens.push(token);
        }
        cache = r.cache;
        if (done.every(Boolean) || step + 1 >= maxNew) break;
        r = await this.step(
          last.map((t) => [t]),
          cache,
          null,
        );
        disposeCache(cache);
        cache = null;
        T = 1;
      }
    } finally {
      if (cache) disposeCache(cache);
    }
    for (const a of answers) a.text = this.tokenizer.decode(a.tokens).trim();
    return answers;
  }

  /** CTC best-path readings of ctc_log_probs [B, T, K]. */
  readCtc(ctc: { data: Float32Array; dims: [number, number, number] }): OnnxAnswer[] {
    const chars = this.config.onnx.generation.ctc?.ocrChars;
    if (!chars) throw new MobileMMError('INVALID_ARGUMENT', 'decoding "ctc" needs a model exported with the OCR CTC head; accepted here: greedy.', { option: 'decoding' });
    const [b, t, k] = ctc.dims;
    return Array.from({ length: b }, (_, i) => {
      const p = ctcBestPath(ctc.data.subarray(i * t * k, (i + 1) * t * k), t, k);
      const text = p.labels.map((c) => chars[c - 1]).join('');
      return { text: text.trim(), tokens: this.tokenizer.encodeChars(text), finishReason: 'stop' as const, score: p.score };
    });
  }

  /**
   * The answer() of this runtime: images of one kind, a task (caption, ocr,
   * vqa, generate), greedy decoding or 'ctc' for OCR. Preprocessing is
   * vision's preprocess on the current tfjs backend.
   */
  async answer(images: readonly RgbaImage[], task: 'caption' | 'ocr' | 'vqa' | 'generate', prompt?: string | readonly string[], options: OnnxAnswerOptions = {}): Promise<OnnxAnswer[]> {
    if (images.length === 0) throw new MobileMMError('INVALID_ARGUMENT', 'answer: images must hold at least one image.', { option: 'images' });
    const t0 = performance.now();
    const kind = taskKind(task, typeof prompt === 'string' ? prompt : prompt?.[0]);
    const [height, width] = IMAGE_SIZES[kind];
    const pixels = tf.tidy(() => tf.stack(images.map((img) => preprocess(img, { width, height })))) as tf.Tensor4D;
    const data = (await pixels.data()) as Float32Array;
    pixels.dispose();
    const t1 = performance.now();
    const encoded = await this.encode(data, images.length, kind);
    const t2 = performance.now();
    const timed = (answers: OnnxAnswer[]) => {
      const t3 = performance.now();
      if (options.timings) Object.assign(options.timings, { preprocessMs: t1 - t0, encodeMs: t2 - t1, decodeMs: t3 - t2, totalMs: t3 - t0 });
      return answers;
    };
    if (options.decoding === 'ctc') {
      if (task !== 'ocr' || !encoded.ctc) throw new MobileMMError('INVALID_ARGUMENT', `answer: decoding "ctc" reads text lines with the CTC head (task ocr); got task ${task}.`, { option: 'decoding' });
      return timed(this.readCtc(encoded.ctc));
    }
    const given = prompt ?? (task === 'caption' || task === 'ocr' ? TASK_PROMPTS[task] : undefined);
    if (given === undefined) throw new MobileMMError('INVALID_ARGUMENT', `answer: prompt is required for ${task}.`, { option: 'prompt' });
    const texts = typeof given === 'string' ? images.map(() => given) : [...given];
    const g = this.config.onnx.generation;
    const lang = options.lang ?? 'en';
    const tag = this.tokenizer.languageId(lang);
    if (tag === null && (lang !== 'en' || this.tokenizer.languages.length > 0)) {
      const known = this.tokenizer.languages.length > 0 ? this.tokenizer.languages : ['en'];
      throw new MobileMMError('INVALID_ARGUMENT', `answer: lang: this model answers in ${known.join(', ')}; got ${JSON.stringify(lang)}.`, { option: 'lang', accepted: known });
    }
    // A v2 vocabulary: <bos> <lang> prompt <sep> (OCR too: the tag is part of every v2 prompt); v1: <bos> prompt <sep>.
    const prompts = texts.map((t) => [g.bosTokenId, ...(tag === null ? [] : [tag]), ...this.tokenizer.encode(t), g.sepTokenId]);
    return timed(await this.generate(prompts, { data: encoded.memory, dims: encoded.dims }, options.maxNewTokens ?? TASK_MAX_NEW_TOKENS[task]));
  }

  async release(): Promise<void> {
    await this.encoders.scene.release();
    await this.encoders.text.release();
    await this.decoder.release();
  }
}

function disposeCache(c: StepCache): void {
  for (const t of [...c.self, ...c.cross]) t.dispose?.();
}
