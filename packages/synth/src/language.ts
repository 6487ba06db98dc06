/**
 * Captions and VQA questions for a scene graph, with their one correct answer
 * (shared/spec/synthscenes-v1.md, "Tasks"). Everything is lower case; OCR
 * answers (the text line itself) are the only upper-case answers.
 *
 * Caption: objects in reading order, each `a {size} {color} {shape} at the
 * {position}`; one phrase alone, two joined by ` and `, three as `A, B and C`;
 * then `.`.
 *
 * VQA: `eligibleTemplates` lists the templates whose condition holds for a
 * scene; `askAll` draws the slots of each one. For `exists` and `shape_at` a
 * fair coin decides between a yes/shape slot and a no/nothing slot, then the
 * slot is drawn uniformly within that side (a scene has ≤ 3 objects, so both
 * sides are never empty).
 */
import type { VqaSlots, VqaValue } from './languages.js';
import type { Rng } from './rng.js';
import type { SceneGraph, SceneObject } from './scene.js';
import { COLORS, POSITIONS, SHAPES, type Color, type Position, type Shape } from './vocab.js';

export const TEMPLATE_IDS = ['color', 'shape_at', 'count_shape', 'count_all', 'exists', 'where', 'size'] as const;
export type TemplateId = (typeof TEMPLATE_IDS)[number];

/** The question patterns, for documentation and for parsing in tests. */
export const TEMPLATES: Readonly<Record<TemplateId, string>> = {
  color: 'what color is the {shape}?',
  shape_at: 'what shape is at the {position}?',
  count_shape: 'how many {shape}s are there?',
  count_all: 'how many objects are there?',
  exists: 'is there a {color} {shape}?',
  where: 'where is the {color} {shape}?',
  size: 'what size is the {color} {shape}?',
};

export interface VqaItem {
  templateId: TemplateId;
  /** English (v1); languages.ts renders the same slots and value in the other languages. */
  question: string;
  answer: string;
  slots: VqaSlots;
  value: VqaValue;
}

export function objectPhrase(o: Pick<SceneObject, 'size' | 'color' | 'shape' | 'position'>): string {
  return `a ${o.size} ${o.color} ${o.shape} at the ${o.position}`;
}

/** Joins phrases: `A`, `A and B`, `A, B and C` (and so on). */
export function joinPhrases(phrases: readonly string[]): string {
  if (phrases.length <= 1) return phrases.join('');
  return `${phrases.slice(0, -1).join(', ')} and ${phrases[phrases.length - 1]}`;
}

export function caption(scene: SceneGraph): string {
  const ordered = [...scene.objects].sort((a, b) => a.cell - b.cell);
  return `${joinPhrases(ordered.map(objectPhrase))}.`;
}

function countWhere(scene: SceneGraph, f: (o: SceneObject) => boolean): number {
  let n = 0;
  for (const o of scene.objects) if (f(o)) n++;
  return n;
}

/** Shapes held by exactly one object (slots of `color`). */
function uniqueShapes(scene: SceneGraph): Shape[] {
  return SHAPES.filter((s) => countWhere(scene, (o) => o.shape === s) === 1);
}

/** (color, shape) pairs held by exactly one object (slots of `where` and `size`). */
function uniquePairs(scene: SceneGraph): SceneObject[] {
  return scene.objects.filter((o) => countWhere(scene, (p) => p.color === o.color && p.shape === o.shape) === 1);
}

/** Templates whose condition holds for this scene, in TEMPLATE_IDS order. */
export function eligibleTemplates(scene: SceneGraph): TemplateId[] {
  const hasUniqueShape = uniqueShapes(scene).length > 0;
  const hasUniquePair = uniquePairs(scene).length > 0;
  return TEMPLATE_IDS.filter((id) => {
    if (id === 'color') return hasUniqueShape;
    if (id === 'where' || id === 'size') return hasUniquePair;
    return true;
  });
}

/** Draws the slots of template `id` and returns the question with its answer. */
export function ask(scene: SceneGraph, id: TemplateId, rng: Rng): VqaItem {
  switch (id) {
    case 'color': {
      const shape = rng.pick(uniqueShapes(scene));
      const o = scene.objects.find((p) => p.shape === shape)!;
      return { templateId: id, question: `what color is the ${shape}?`, answer: o.color, slots: { shape }, value: { kind: 'color', color: o.color } };
    }
    case 'shape_at': {
      const occupied = new Set(scene.objects.map((o) => o.position));
      const side = rng.chance(0.5) ? POSITIONS.filter((p) => occupied.has(p)) : POSITIONS.filter((p) => !occupied.has(p));
      const position: Position = rng.pick(side);
      const o = scene.objects.find((p) => p.position === position);
      return { templateId: id, question: `what shape is at the ${position}?`, answer: o ? o.shape : 'nothing', slots: { position }, value: { kind: 'shape', shape: o ? o.shape : null } };
    }
    case 'count_shape': {
      const shape = rng.pick(SHAPES);
      const n = countWhere(scene, (o) => o.shape === shape);
      return { templateId: id, question: `how many ${shape}s are there?`, answer: String(n), slots: { shape }, value: { kind: 'count', n } };
    }
    case 'count_all':
      return { templateId: id, question: 'how many objects are there?', answer: String(scene.objects.length), slots: {}, value: { kind: 'count', n: scene.objects.length } };
    case 'exists': {
      const pairs: [Color, Shape][] = [];
      for (const c of COLORS) for (const s of SHAPES) pairs.push([c, s]);
      const present = (c: Color, s: Shape) => scene.objects.some((o) => o.color === c && o.shape === s);
      const yes = rng.chance(0.5);
      const [color, shape] = rng.pick(pairs.filter(([c, s]) => present(c, s) === yes));
      return { templateId: id, question: `is there a ${color} ${shape}?`, answer: yes ? 'yes' : 'no', slots: { color, shape }, value: { kind: 'yesno', yes } };
    }
    case 'where': {
      const o = rng.pick(uniquePairs(scene));
      return { templateId: id, question: `where is the ${o.color} ${o.shape}?`, answer: o.position, slots: { color: o.color, shape: o.shape }, value: { kind: 'position', position: o.position } };
    }
    case 'size': {
      const o = rng.pick(uniquePairs(scene));
      return { templateId: id, question: `what size is the ${o.color} ${o.shape}?`, answer: o.size, slots: { color: o.color, shape: o.shape }, value: { kind: 'size', size: o.size } };
    }
  }
}

/** One question per eligible template, in TEMPLATE_IDS order. */
export function askAll(scene: SceneGraph, rng: Rng): VqaItem[] {
  return eligibleTemplates(scene).map((id) => ask(scene, id, rng));
}
