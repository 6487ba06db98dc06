/**
 * Held-out evaluation of all three tasks, scored with the spec's metrics
 * (@mobile-mm/synth). Answers come from @mobile-mm/vision's answer(), the
 * same path MobileMultiModalLLM calls, with the facade's default decoding
 * (greedy; OCR through the CTC head on models that have one), so the model
 * card's numbers are the product's. Task sample k of a task is the same on
 * every machine (seeded), so results are reproducible.
 */
import {
  corpusBleu,
  corpusCer,
  exactMatchRate,
  makeTaskSample,
  vqaAccuracy,
  type ImageRenderer,
  type Split,
  type Task,
  type TaskSample,
} from '@mobile-mm/synth';
import { LANGUAGES, type Language } from '@mobile-mm/core';
import { answer, type Decoding, type VisionLanguageModel } from '@mobile-mm/vision';

/**
 * What `npm run eval -- --split` takes: a seed split drawn by the canvas
 * renderer, or 'robust': the held-out seeds (same graphs and answers) drawn by
 * @mobile-mm/synth's RasterRenderer, which shares no drawing code with the
 * training renderer and varies anti-aliasing, gamma, stroke weight and
 * sub-pixel position per image. A model that learnt the task, not the
 * renderer's pixels, scores the same on both.
 */
export type EvalSplit = Split | 'robust';
export const EVAL_SPLITS: readonly EvalSplit[] = ['train', 'val', 'heldout', 'robust'];

/** The seed split behind an eval split. */
export function seedSplit(split: EvalSplit): Split {
  return split === 'robust' ? 'heldout' : split;
}

export interface EvalResult {
  caption: { exact: number; bleu4: number };
  /**
   * OCR as `ocr()` reads it by default: the CTC head in one pass on models
   * with one (reader 'ctc'), else the decoder with the `ocr` prompt.
   */
  ocr: { exact: number; cer: number; reader: 'ctc' | 'decoder' };
  /** Models with the CTC head: OCR through the decoder as well (greedy, `ocr` prompt). */
  ocrDecoder?: { exact: number; cer: number };
  vqa: { accuracy: number; perTemplate: Record<string, number> };
  n: number;
  /** The seeds' split, or 'robust' (held-out seeds drawn by the independent RasterRenderer). */
  split: EvalSplit;
  checkpoint?: string;
  /** Seconds spent decoding (all tasks). */
  seconds: number;
}

export interface Prediction {
  task: Task;
  prompt: string;
  answer: string;
  prediction: string;
  templateId?: string;
  /** OCR rows of a model with a CTC head: the CTC head's reading. */
  ctcPrediction?: string;
}

/**
 * How a runtime answers rows of one task and one language (`batchSize` images
 * per call); OCR rows also with 'ctc' where the model has the head.
 */
export interface Predictor {
  answerRows(rows: TaskSample[], decoding: Decoding, batchSize: number): Promise<string[]>;
  hasCtcHead: boolean;
}

/** Our tfjs model through vision's answer(). */
export function tfjsPredictor(model: VisionLanguageModel): Predictor {
  return {
    hasCtcHead: model.ctcHead !== null,
    async answerRows(rows, decoding, batchSize) {
      const out: string[] = [];
      for (let off = 0; off < rows.length; off += batchSize) {
        const part = rows.slice(off, off + batchSize);
        const prompts = part[0].task === 'vqa' ? part.map((r) => r.prompt) : undefined;
        // v1 vocabularies have no language tags: English is implied.
        const lang = model.tokenizer.languages.length > 0 ? part[0].lang : undefined;
        const r = await answer(model, part.map((s) => s.image), part[0].task, prompts, { decoding, ...(lang ? { lang } : {}) });
        out.push(...r.answers.map((a) => a.text));
      }
      return out;
    },
  };
}

/** Predicts answers for `samples` (any mix of tasks and languages), in order. */
export async function predict(model: VisionLanguageModel | Predictor, samples: TaskSample[], batchSize = 64): Promise<Prediction[]> {
  const p = 'answerRows' in model ? model : tfjsPredictor(model);
  const preds = new Array<Prediction>(samples.length);
  for (const [task, lang] of (['caption', 'ocr', 'vqa'] as const).flatMap((t) => LANGUAGES.map((l) => [t, l] as const))) {
    const idx = samples.flatMap((s, i) => (s.task === task && s.lang === lang ? [i] : []));
    if (idx.length === 0) continue;
    const rows = idx.map((i) => samples[i]);
    const decoded = await p.answerRows(rows, 'greedy', batchSize);
    const ctc = task === 'ocr' && p.hasCtcHead ? await p.answerRows(rows, 'ctc', batchSize) : null;
    idx.forEach((i, j) => {
      const r = samples[i];
      preds[i] = { task, prompt: r.prompt, answer: r.answer, prediction: decoded[j], templateId: r.templateId, ...(ctc ? { ctcPrediction: ctc[j] } : {}) };
    });
  }
  return preds;
}

export function score(preds: Prediction[], split: EvalSplit, seconds: number): EvalResult {
  const by = (t: Task) => preds.filter((p) => p.task === t);
  const cap = by('caption');
  const ocr = by('ocr');
  const ocrScore = (predictions: string[]) => ({
    exact: exactMatchRate(predictions, ocr.map((p) => p.answer)),
    cer: corpusCer(predictions, ocr.map((p) => p.answer)).cer,
  });
  const vqa = by('vqa');
  const v = vqaAccuracy(vqa.map((p) => ({ templateId: p.templateId ?? '?', prediction: p.prediction, answer: p.answer })));
  return {
    caption: {
      exact: exactMatchRate(cap.map((p) => p.prediction), cap.map((p) => p.answer)),
      bleu4: corpusBleu(cap.map((p) => p.prediction), cap.map((p) => p.answer)).bleu,
    },
    ...(ocr.length > 0 && ocr.every((p) => p.ctcPrediction !== undefined)
      ? { ocr: { ...ocrScore(ocr.map((p) => p.ctcPrediction!)), reader: 'ctc' as const }, ocrDecoder: ocrScore(ocr.map((p) => p.prediction)) }
      : { ocr: { ...ocrScore(ocr.map((p) => p.prediction)), reader: 'decoder' as const } }),
    vqa: { accuracy: v.accuracy, perTemplate: Object.fromEntries(Object.entries(v.perTemplate).map(([k, a]) => [k, a.accuracy])) },
    n: Math.min(cap.length, ocr.length, vqa.length),
    split,
    seconds,
  };
}

/** The first n task samples of each task in `split`, in `lang` (OCR is language-free). */
export function evalSamples(renderer: ImageRenderer, split: EvalSplit, n: number, lang: Language = 'en'): TaskSample[] {
  const out: TaskSample[] = [];
  for (const task of ['caption', 'ocr', 'vqa'] as const) for (let k = 0; k < n; k++) out.push(makeTaskSample(renderer, seedSplit(split), task, k, undefined, lang));
  return out;
}

export async function evaluate(model: VisionLanguageModel | Predictor, renderer: ImageRenderer, split: EvalSplit, n: number, lang: Language = 'en'): Promise<{ result: EvalResult; predictions: Prediction[] }> {
  const samples = evalSamples(renderer, split, n, lang);
  const t0 = performance.now();
  const predictions = await predict(model, samples);
  const result = score(predictions, split, (performance.now() - t0) / 1000);
  return { result, predictions };
}

export function resultTable(r: EvalResult): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const lines = [
    `| task | metric | ${r.split} (n=${r.n}/task) |`,
    '|---|---|---:|',
    `| caption | exact | ${pct(r.caption.exact)} |`,
    `| caption | BLEU-4 | ${r.caption.bleu4.toFixed(4)} |`,
    `| ocr (${r.ocr.reader}) | exact line | ${pct(r.ocr.exact)} |`,
    `| ocr (${r.ocr.reader}) | CER | ${pct(r.ocr.cer)} |`,
    ...(r.ocrDecoder ? [`| ocr (decoder) | exact line | ${pct(r.ocrDecoder.exact)} |`, `| ocr (decoder) | CER | ${pct(r.ocrDecoder.cer)} |`] : []),
    `| vqa | accuracy | ${pct(r.vqa.accuracy)} |`,
    ...Object.entries(r.vqa.perTemplate).map(([k, a]) => `| vqa · ${k} | accuracy | ${pct(a)} |`),
  ];
  return lines.join('\n');
}
