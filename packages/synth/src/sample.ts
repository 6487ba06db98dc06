/**
 * Sample i of a split: its image graph, the answers, and its pixels.
 *
 * Numbering: within a split, even indices are scenes and odd indices are text
 * lines, so sample (split, i) is fully fixed by the pair. Task samples number
 * the same way: the k-th caption and the k-th vqa sample both use scene 2k,
 * the k-th ocr sample uses text line 2k + 1.
 *
 * Limits (a curriculum's max objects / text length) are an input too: with
 * limits, sample i is drawn from the same seed under the tighter ranges.
 */
import { MobileMMError } from '@mobile-mm/core';
import { askAll, caption, type TemplateId, type VqaItem } from './language.js';
import { LANGUAGES, captionIn, vqaIn, type Language } from './languages.js';
import { createRenderer, type ImageRenderer, type Renderer, type RenderedImage } from './render.js';
import { checkIndex, sampleRng, type Split } from './rng.js';
import { sampleScene, sampleTextLine, type ImageGraph, type SampleLimits, type SceneGraph, type SceneObject } from './scene.js';

export type Task = 'caption' | 'ocr' | 'vqa';
export const TASKS: readonly Task[] = ['caption', 'ocr', 'vqa'];
export type ImageKind = 'scene' | 'text';

/** Everything about a sample except its pixels (cheap: no rendering). */
export interface SampleSpec {
  split: Split;
  index: number;
  kind: ImageKind;
  scene: ImageGraph;
  /** Scenes only. */
  caption?: string;
  /** Text lines only: the exact text. */
  ocr?: string;
  /** Scenes: one question per eligible template, in TEMPLATE_IDS order; text: []. */
  vqa: VqaItem[];
  /** Which vqa item the sample's vqa task asks (uniform among eligible); −1 for text. */
  vqaPick: number;
}

export interface Sample extends SampleSpec {
  image: RenderedImage;
}

/** One (image, prompt, answer) triple of one task. */
export interface TaskSample {
  task: Task;
  image: RenderedImage;
  /** `caption`, `ocr`, or the question. */
  prompt: string;
  answer: string;
  /** vqa only. */
  templateId?: TemplateId;
  split: Split;
  /** The sample index the image comes from. */
  index: number;
  /** Scene tasks: the scene's objects in reading order (for auxiliary training signals). */
  objects?: SceneObject[];
  /** The language of prompt and answer (v2); OCR is language-free and always 'en'. */
  lang: Language;
}

export function kindOf(index: number): ImageKind {
  return index % 2 === 0 ? 'scene' : 'text';
}

export function sampleSpec(split: Split, index: number, limits?: SampleLimits): SampleSpec {
  const rng = sampleRng(split, index);
  if (kindOf(index) === 'text') {
    const line = sampleTextLine(rng, limits);
    return { split, index, kind: 'text', scene: line, ocr: line.text, vqa: [], vqaPick: -1 };
  }
  const scene = sampleScene(rng, limits);
  const vqa = askAll(scene, rng);
  const vqaPick = rng.int(0, vqa.length - 1);
  return { split, index, kind: 'scene', scene, caption: caption(scene), vqa, vqaPick };
}

export function renderSample(renderer: ImageRenderer, spec: SampleSpec): Sample {
  return { ...spec, image: renderer.render(spec.scene) };
}

let defaultRenderer: Promise<Renderer> | null = null;

/** The renderer createRenderer() gives here, made once. */
export function sharedRenderer(): Promise<Renderer> {
  defaultRenderer ??= createRenderer().catch((e: unknown) => {
    defaultRenderer = null;
    throw e;
  });
  return defaultRenderer;
}

export interface MakeSampleOptions {
  renderer?: ImageRenderer;
  limits?: SampleLimits;
}

/** Sample `index` of `split`, rendered (by `options.renderer` or the shared one). */
export async function makeSample(split: Split, index: number, options: MakeSampleOptions = {}): Promise<Sample> {
  const renderer = options.renderer ?? (await sharedRenderer());
  return renderSample(renderer, sampleSpec(split, index, options.limits));
}

/**
 * The task sample of `task` made from `sample` (caption/vqa need a scene, ocr
 * a text line), in `lang` (default English, which is v1). OCR reads what is
 * written: its prompt and answer do not change with the language.
 */
export function toTaskSample(sample: Sample, task: Task, lang: Language = 'en'): TaskSample {
  if (!LANGUAGES.includes(lang)) {
    throw new MobileMMError('INVALID_ARGUMENT', `lang: got ${JSON.stringify(lang)}; accepted: ${LANGUAGES.join(', ')}`);
  }
  const want: ImageKind = task === 'ocr' ? 'text' : 'scene';
  if (sample.kind !== want) {
    throw new MobileMMError('INVALID_ARGUMENT', `task: ${task} needs a ${want} sample; sample ${sample.index} is a ${sample.kind}`);
  }
  const base = {
    task,
    image: sample.image,
    split: sample.split,
    index: sample.index,
    lang: task === 'ocr' ? ('en' as const) : lang,
    ...(sample.scene.kind === 'scene' ? { objects: sample.scene.objects } : {}),
  };
  if (task === 'caption') return { ...base, prompt: 'caption', answer: lang === 'en' ? sample.caption! : captionIn(sample.scene as SceneGraph, lang) };
  if (task === 'ocr') return { ...base, prompt: 'ocr', answer: sample.ocr! };
  const item = sample.vqa[sample.vqaPick];
  const { question, answer } = lang === 'en' ? item : vqaIn(item, lang);
  return { ...base, prompt: question, answer, templateId: item.templateId };
}

/** Scene → [caption, vqa]; text line → [ocr]. */
export function toTaskSamples(sample: Sample): TaskSample[] {
  return sample.kind === 'scene' ? [toTaskSample(sample, 'caption'), toTaskSample(sample, 'vqa')] : [toTaskSample(sample, 'ocr')];
}

/** Sample index behind the k-th task sample of `task` (see the numbering above). */
export function taskImageIndex(task: Task, k: number): number {
  checkIndex(k, 'k');
  const index = task === 'ocr' ? 2 * k + 1 : 2 * k;
  checkIndex(index, 'k');
  return index;
}

/** The k-th task sample of `task` in `split`, in `lang` (the same scene and question in every language). */
export function makeTaskSample(renderer: ImageRenderer, split: Split, task: Task, k: number, limits?: SampleLimits, lang: Language = 'en'): TaskSample {
  return toTaskSample(renderSample(renderer, sampleSpec(split, taskImageIndex(task, k), limits)), task, lang);
}
